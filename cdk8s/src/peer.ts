import { Size } from 'cdk8s';
import { type ContainerResources, Service, StatefulSet, Volume } from 'cdk8s-plus-33';
import { Construct } from 'constructs';
import { images, peerSpec, type NodeSpec, type OrgModel, type SecretKeyRef } from '@emr/network';
import {
  assertDnsLabel,
  componentSelector,
  selectorLabels,
  serviceFqdn,
  serviceHostNames,
  workloadLabels,
} from './conventions';
import { NodeCredentials } from './credentials';
import { addNodeContainer, specPort } from './node-container';
import {
  metricsRule,
  networkPods,
  orgPods,
  resolveNetworkAccess,
  WorkloadNetworkPolicy,
} from './network-policies';
import {
  DEFAULT_RESOURCES,
  parseImage,
  withPullPolicy,
  type ImageRef,
  type StorageOptions,
  type WorkloadOptions,
  withDefaults,
} from './workload-options';
import { dataClaim, finishWorkload, namespaceOf, podDefaults } from './workload-support';
import { spreadPods, type SpreadOptions } from './placement';

export interface PeerProps extends WorkloadOptions {
  readonly org: OrgModel;
  /** Service, StatefulSet and peer ID. @default `peer0-<org.name>` */
  readonly name?: string;
  /** @default hyperledger/fabric-peer:3.1.1 (the node spec's image; it ships /opt/hyperledger/ccaas_builder) */
  readonly image?: ImageRef;
  /** @default { grpc: 7051, chaincode: 7052, operations: 9443 } */
  readonly ports?: { readonly grpc: number; readonly chaincode: number; readonly operations: number };
  /** `host:port` of another peer of the org to learn gossip membership from. @default the peer itself */
  readonly gossipBootstrap?: string;
  /** Ledger volume (LevelDB state, blocks, snapshots). @default 10Gi, default class */
  readonly storage?: StorageOptions;
  /** Source of the MSP and TLS folders. @default NodeCredentials.fromSecrets() */
  readonly credentials?: NodeCredentials;
  /**
   * Secret with CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: the org's chaincode server address and the TLS client
   * certificate and key the peer dials it with (JSON: address, root_cert, client_cert, client_key).
   * @default { name: `<name>-chaincode-builder`, key: 'config.json' }
   */
  readonly chaincodeBuilderConfig?: SecretKeyRef;
  /** @default 150m/1 CPU, 256 MiB/1 GiB */
  readonly resources?: ContainerResources;
  /**
   * Keep this peer off the nodes and zones of the org's other peers (every `fabric-peer` pod of the org in the
   * namespace), so that one failure leaves the org an endorser. Preferred, never required.
   * @default across nodes and zones
   */
  readonly spread?: SpreadOptions | false;
}

/** Where Fabric's stock peer image keeps its chaincode-as-a-service builder. */
export const CCAAS_BUILDER_DIR = '/opt/hyperledger/ccaas_builder';

/** Paths inside the peer container. */
export const PEER_PATHS = {
  fabricConfig: '/etc/hyperledger/fabric',
  msp: '/var/hyperledger/peer/msp',
  tls: '/var/hyperledger/peer/tls',
  data: '/var/hyperledger/production',
} as const;

/**
 * One LevelDB peer: a single-replica StatefulSet with a PVC for its ledger and a ClusterIP Service whose DNS
 * name the peer advertises (gossip, discovery, the channel's anchor peers). Chaincode runs only as a service,
 * through the image's ccaas builder; the operations endpoint serves /healthz for the probes and /metrics.
 */
export class Peer extends Construct {
  readonly spec: NodeSpec;
  readonly name: string;
  readonly service: Service;
  readonly statefulSet: StatefulSet;
  /** `host:port` others dial: `<name>.<namespace>.svc.<domain>:7051`. */
  readonly address: string;
  /** The Secret with the chaincode-as-a-service builder config (written by the registrar step). */
  readonly chaincodeBuilderConfig: SecretKeyRef;

  constructor(scope: Construct, id: string, peerProps: PeerProps) {
    super(scope, id);
    const name = peerProps.name ?? `peer0-${peerProps.org.name}`;
    const props = withDefaults(peerProps, {
      name,
      ports: { grpc: 7051, chaincode: 7052, operations: 9443 },
      credentials: NodeCredentials.fromSecrets(),
      chaincodeBuilderConfig: { name: `${name}-chaincode-builder`, key: 'config.json' },
      resources: DEFAULT_RESOURCES.peer,
      image: parseImage(images.peer),
      managedBy: 'cdk8s',
    });
    assertDnsLabel(name, 'peer name');
    this.name = name;
    this.chaincodeBuilderConfig = props.chaincodeBuilderConfig;
    const namespace = namespaceOf(this, props.namespace);
    const dns = { service: name, namespace: namespace ?? 'default', clusterDomain: props.clusterDomain };
    this.address = `${serviceFqdn(dns)}:${props.ports.grpc}`;
    this.spec = peerSpec({
      name,
      mspId: props.org.mspId,
      placement: { listenHost: '0.0.0.0', advertisedHost: serviceFqdn(dns) },
      ports: props.ports,
      paths: PEER_PATHS,
      gossipBootstrap: props.gossipBootstrap,
      chaincodeBuilder: { dir: CCAAS_BUILDER_DIR, config: props.chaincodeBuilderConfig },
    });
    const image = withPullPolicy(props.image, props.imagePullPolicy);
    const labels = workloadLabels({
      component: 'peer',
      instance: name,
      org: props.org.name,
      version: image.tag,
      managedBy: props.managedBy,
    });
    const selector = selectorLabels({ component: 'peer', instance: name });
    this.service = new Service(this, 'Service', {
      metadata: { name, namespace, labels },
      ports: [
        { name: 'grpc', port: props.ports.grpc, targetPort: props.ports.grpc },
        { name: 'operations', port: props.ports.operations, targetPort: props.ports.operations },
      ],
    });
    this.statefulSet = new StatefulSet(this, 'StatefulSet', {
      metadata: { name, namespace, labels },
      podMetadata: { labels },
      select: false,
      service: this.service,
      replicas: 1,
      ...podDefaults(this, props),
      volumeClaimTemplates: [dataClaim(props.storage, Size.gibibytes(10))],
    });
    const data = Volume.fromName(this, 'Data', 'data');
    const credentials = props.credentials.bind({
      workload: this.statefulSet,
      name,
      org: props.org.name,
      mspId: props.org.mspId,
      mounts: [
        { path: PEER_PATHS.msp, kind: 'msp' },
        { path: PEER_PATHS.tls, kind: 'tls' },
      ],
      identities: { perPod: false, enrollmentId: name },
      tlsHosts: [...serviceHostNames(dns), 'localhost'],
      podIdentity: props.podIdentity,
      imagePullPolicy: props.imagePullPolicy,
      persistentVolume: data,
    });
    addNodeContainer(this.statefulSet, {
      spec: this.spec,
      image,
      resources: props.resources,
      podIdentity: props.podIdentity,
      volumes: new Map([...credentials.volumes, [PEER_PATHS.data, { volume: data }]]),
      extraEnv: credentials.containerEnv,
    });
    finishWorkload(this.statefulSet, selector, { governing: this.service });
    // Each peer is its own StatefulSet: the siblings to avoid are the org's peers, not this workload's pods.
    spreadPods(this.statefulSet, componentSelector('peer', props.org.name), props.spread);
    if (props.networkPolicy ?? true) {
      this.#networkPolicy(props, { namespace, labels, selector });
    }
  }

  #networkPolicy(
    props: PeerProps & { readonly ports: { readonly operations: number } },
    at: { namespace: string | undefined; labels: Record<string, string>; selector: Record<string, string> },
  ): void {
    const access = resolveNetworkAccess(props.networkAccess);
    const org = props.org.name;
    new WorkloadNetworkPolicy(this, 'NetworkPolicy', {
      name: this.name,
      namespace: at.namespace,
      labels: at.labels,
      podSelector: at.selector,
      ingress: [
        // Gossip and Gateway endorsements from every peer; the org's gateways; the operator (join, install).
        {
          peers: [networkPods(access, 'peer'), orgPods('gateway', org), access.adminClients],
          ports: [specPort(this.spec, 'grpc')],
        },
        ...metricsRule(access, props.ports.operations),
      ],
      egress: [
        { peers: [networkPods(access, 'orderer')], ports: [access.ports.orderer] },
        { peers: [networkPods(access, 'peer')], ports: [access.ports.peer] },
        { peers: [orgPods('chaincode', org)], ports: [access.ports.chaincode] },
        // The enroll init container.
        { peers: [orgPods('ca', org)], ports: [access.ports.ca] },
      ],
    });
  }
}
