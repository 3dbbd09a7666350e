/**
 * The ordering org of an EmrNetwork, rendered from the same cdk8s constructs the emr-network chart is generated
 * from: its CA (FabricCa), the Raft ordering service (OrderingService, each orderer enrolling itself at that CA)
 * and the org's NetworkPolicy baseline, all in the network's namespace, owned by and labelled for the EmrNetwork.
 */
import { App, Chart } from 'cdk8s';
import {
  FabricCa,
  LABELS,
  NodeCredentials,
  ORG_LABEL,
  OrderingService,
  OrgNetworkBaseline,
  PART_OF,
  type ImageRef,
} from '@emr/cdk8s';
import type { OrgModel } from '@emr/network';
import { EMR_NETWORK_API_VERSION, NETWORK_OWNER_LABEL, type EmrNetwork } from '../api/emr-network';
import type { KubeObject, OwnerReference } from '../kube/types';
import { MANAGED_BY, OPERATOR_NAME } from '../provider/reconciler';
import { parseSize, pullPolicyOf } from '../runtime/kubernetes';
import { ORDERER_CA_NAME, ORDERER_ORG_NAME, ORDERER_PORTS, ORDERING_SERVICE_NAME } from './names';

export interface OrderingImages {
  readonly ca?: ImageRef;
  readonly orderer?: ImageRef;
  /** Runs the orderers' enroll init containers. */
  readonly tools?: ImageRef;
}

export interface OrderingRenderOptions {
  readonly images?: OrderingImages;
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
}

export function networkLabels(network: EmrNetwork): Record<string, string> {
  return {
    [MANAGED_BY]: OPERATOR_NAME,
    'app.kubernetes.io/part-of': 'emr-network',
    [NETWORK_OWNER_LABEL]: network.metadata.name,
  };
}

export function networkOwnerReference(network: EmrNetwork): OwnerReference {
  return {
    apiVersion: EMR_NETWORK_API_VERSION,
    kind: 'EmrNetwork',
    name: network.metadata.name,
    uid: network.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export interface RenderedOrderingOrg {
  readonly objects: KubeObject[];
  readonly org: OrgModel;
  readonly ca: FabricCa;
  readonly orderingService: OrderingService;
}

function ordererStorage(storage: EmrNetwork['spec']['orderers']['storage']): {
  size?: ReturnType<typeof parseSize>;
  storageClassName?: string;
} {
  const size = parseSize(storage?.size);
  return {
    ...(size ? { size } : {}),
    ...(storage?.storageClassName ? { storageClassName: storage.storageClassName } : {}),
  };
}

export function renderOrderingOrg(
  network: EmrNetwork,
  options: OrderingRenderOptions = {},
): RenderedOrderingOrg {
  const { namespace, name } = network.metadata;
  const spec = network.spec;
  const chart = new Chart(new App(), name, { namespace, disableResourceNameHashes: true });
  const org: OrgModel = { name: ORDERER_ORG_NAME, mspId: spec.ordererOrg.mspId };
  const images = options.images ?? {};
  const pullPolicy = pullPolicyOf(options.imagePullPolicy);
  const common = {
    namespace,
    managedBy: OPERATOR_NAME,
    ...(pullPolicy ? { imagePullPolicy: pullPolicy } : {}),
    ...(options.clusterDomain ? { clusterDomain: options.clusterDomain } : {}),
  };
  new OrgNetworkBaseline(chart, 'Baseline', {
    org: org.name,
    namespace,
    labels: { [LABELS.partOf]: PART_OF, [ORG_LABEL]: org.name, [LABELS.managedBy]: OPERATOR_NAME },
  });
  const ca = new FabricCa(chart, 'Ca', {
    ...common,
    org,
    name: ORDERER_CA_NAME,
    registrarSecret: spec.ordererOrg.caRegistrarSecretRef,
    ...(images.ca ? { image: images.ca } : {}),
  });
  const ordererImage = spec.orderers.image ?? images.orderer;
  const orderingService = new OrderingService(chart, 'Orderers', {
    ...common,
    org,
    name: ORDERING_SERVICE_NAME,
    replicas: spec.orderers.replicas,
    ports: { grpc: ORDERER_PORTS.grpc, admin: ORDERER_PORTS.admin, operations: 9443 },
    credentials: NodeCredentials.enrollFromCa({
      ca: ca.endpoint,
      ...(images.tools ? { image: images.tools } : {}),
    }),
    ...(ordererImage ? { image: { repository: ordererImage.repository, tag: ordererImage.tag } } : {}),
    storage: ordererStorage(spec.orderers.storage),
  });
  const labels = networkLabels(network);
  const owner = networkOwnerReference(network);
  const objects = (chart.toJson() as KubeObject[]).map((object) => ({
    ...object,
    metadata: {
      ...object.metadata,
      labels: { ...object.metadata.labels, ...labels },
      ownerReferences: [owner],
    },
  }));
  return { objects, org, ca, orderingService };
}
