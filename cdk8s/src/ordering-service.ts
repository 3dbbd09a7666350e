import { Size } from 'cdk8s';
import {
  type ContainerResources,
  type k8s,
  PodManagementPolicy,
  Service,
  StatefulSet,
  Volume,
} from 'cdk8s-plus-33';
import { Construct } from 'constructs';
import { images, ordererSpec, type NodeSpec, type OrgModel } from '@emr/network';
import { assertDnsLabel, selectorLabels, serviceFqdn, workloadLabels } from './conventions';
import { NodeCredentials } from './credentials';
import { addNodeContainer } from './node-container';
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
import {
  podDisruptionBudget,
  spreadPods,
  type DisruptionBudgetOptions,
  type SpreadOptions,
} from './placement';

export interface OrderingServiceProps extends WorkloadOptions {
  /** The ordering org. */
  readonly org: OrgModel;
  /** StatefulSet and headless Service; pods are `<name>-0` … @default 'orderer' */
  readonly name?: string;
  /** Raft consenters; 3 tolerates one failure, 5 two. @default 3 */
  readonly replicas?: number;
  /** @default hyperledger/fabric-orderer:3.1.1 */
  readonly image?: ImageRef;
  /** @default { grpc: 7050, admin: 7053, operations: 9443 } */
  readonly ports?: { readonly grpc: number; readonly admin: number; readonly operations: number };
  /** Block store and Raft WAL per orderer. @default 10Gi, default class */
  readonly storage?: StorageOptions;
  /** Source of the MSP and TLS folders (per pod). @default NodeCredentials.fromSecrets() */
  readonly credentials?: NodeCredentials;
  /** @default 100m/1 CPU, 128/512 MiB */
  readonly resources?: ContainerResources;
  /**
   * Keep the consenters on different nodes and zones, so that losing one costs Raft one vote, not its quorum.
   * Preferred, never required: a single-node cluster still runs them all.
   * @default across nodes and zones
   */
  readonly spread?: SpreadOptions | false;
  /**
   * PodDisruptionBudget `<name>`: node drains and other evictions take down at most as many orderers as Raft
   * tolerates losing, (replicas - 1) / 2 — 1 of 3, 2 of 5. Fewer than 3 orderers tolerate no loss; they get
   * no budget unless one is given, since a budget of 0 blocks every drain of their nodes.
   * @default { maxUnavailable: floor((replicas - 1) / 2) }; none for fewer than 3 orderers
   */
  readonly disruptionBudget?: DisruptionBudgetOptions | false;
}

/** One orderer as the channel config and admin clients address it. */
export interface OrdererEndpoint {
  /** Pod name, also the orderer's enrollment ID. */
  readonly name: string;
  /** Stable DNS name of the pod: `<pod>.<service>.<namespace>.svc.<domain>`, in its TLS certificate. */
  readonly host: string;
  readonly port: number;
  /** Channel participation API (mutual TLS with an admin client certificate of the ordering org). */
  readonly adminUrl: string;
}

export const ORDERER_PATHS = {
  fabricConfig: '/etc/hyperledger/fabric',
  msp: '/var/hyperledger/orderer/msp',
  tls: '/var/hyperledger/orderer/tls',
  data: '/var/hyperledger/production/orderer',
} as const;

/**
 * Raft orderers without a system channel as one StatefulSet behind a headless Service: each pod keeps its name,
 * DNS name and volume, so a consenter's address and TLS identity survive restarts. Channels are joined through
 * the channel participation API on the admin port, which requires a client certificate of the ordering org
 * (mutual TLS) and which the NetworkPolicy opens only to the admin clients (the operator).
 */
export class OrderingService extends Construct {
  readonly spec: NodeSpec;
  readonly name: string;
  readonly service: Service;
  readonly statefulSet: StatefulSet;
  readonly endpoints: readonly OrdererEndpoint[];
  /** Present unless opted out or fewer than 3 orderers (see `disruptionBudget`). */
  readonly disruptionBudget?: k8s.KubePodDisruptionBudget;

  constructor(scope: Construct, id: string, serviceProps: OrderingServiceProps) {
    super(scope, id);
    const props = withDefaults(serviceProps, {
      name: 'orderer',
      replicas: 3,
      ports: { grpc: 7050, admin: 7053, operations: 9443 },
      credentials: NodeCredentials.fromSecrets(),
      resources: DEFAULT_RESOURCES.orderer,
      image: parseImage(images.orderer),
      managedBy: 'cdk8s',
    });
    const { name, replicas, ports } = props;
    assertDnsLabel(name, 'ordering service name');
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw new RangeError(`an ordering service needs at least one orderer, not ${replicas}`);
    }
    this.name = name;
    const namespace = namespaceOf(this, props.namespace);
    const dns = { service: name, namespace: namespace ?? 'default', clusterDomain: props.clusterDomain };
    const podHost = (pod: string): string => `${pod}.${serviceFqdn(dns)}`;
    // The spec of an orderer depends on its name only through `name`: one pod template serves every replica.
    this.spec = ordererSpec({
      name,
      mspId: props.org.mspId,
      placement: { listenHost: '0.0.0.0', advertisedHost: serviceFqdn(dns) },
      ports,
      paths: ORDERER_PATHS,
    });
    const podNames = Array.from({ length: replicas }, (_, i) => `${name}-${i}`);
    this.endpoints = podNames.map((pod) => ({
      name: pod,
      host: podHost(pod),
      port: ports.grpc,
      adminUrl: `https://${podHost(pod)}:${ports.admin}`,
    }));
    const image = withPullPolicy(props.image, props.imagePullPolicy);
    const labels = workloadLabels({
      component: 'orderer',
      instance: name,
      org: props.org.name,
      version: image.tag,
      managedBy: props.managedBy,
    });
    const selector = selectorLabels({ component: 'orderer', instance: name });
    this.service = new Service(this, 'Service', {
      metadata: { name, namespace, labels },
      clusterIP: 'None',
      // Raft members must find each other before any is Ready.
      publishNotReadyAddresses: true,
      ports: [
        { name: 'grpc', port: ports.grpc, targetPort: ports.grpc },
        { name: 'admin', port: ports.admin, targetPort: ports.admin },
        { name: 'operations', port: ports.operations, targetPort: ports.operations },
      ],
    });
    this.statefulSet = new StatefulSet(this, 'StatefulSet', {
      metadata: { name, namespace, labels },
      podMetadata: { labels },
      select: false,
      service: this.service,
      replicas,
      podManagementPolicy: PodManagementPolicy.PARALLEL,
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
        { path: ORDERER_PATHS.msp, kind: 'msp' },
        { path: ORDERER_PATHS.tls, kind: 'tls' },
      ],
      identities: { perPod: true, podNames },
      tlsHosts: [
        '$(POD_NAME)',
        `$(POD_NAME).${name}`,
        `$(POD_NAME).${name}.${dns.namespace}`,
        `$(POD_NAME).${name}.${dns.namespace}.svc`,
        podHost('$(POD_NAME)'),
        'localhost',
      ],
      podIdentity: props.podIdentity,
      imagePullPolicy: props.imagePullPolicy,
      persistentVolume: data,
    });
    addNodeContainer(this.statefulSet, {
      spec: this.spec,
      image,
      resources: props.resources,
      podIdentity: props.podIdentity,
      volumes: new Map([...credentials.volumes, [ORDERER_PATHS.data, { volume: data }]]),
      extraEnv: credentials.containerEnv,
    });
    finishWorkload(this.statefulSet, selector, { governing: this.service });
    spreadPods(this.statefulSet, selector, props.spread);
    const maxUnavailable = raftDisruptionBudget(replicas, props.disruptionBudget);
    if (maxUnavailable !== undefined) {
      this.disruptionBudget = podDisruptionBudget(this, 'DisruptionBudget', {
        name,
        namespace,
        labels,
        selector,
        maxUnavailable,
      });
    }
    if (props.networkPolicy ?? true) {
      this.#networkPolicy(props, { namespace, labels, selector });
    }
  }

  #networkPolicy(
    props: OrderingServiceProps & { readonly ports: { grpc: number; admin: number; operations: number } },
    at: { namespace: string | undefined; labels: Record<string, string>; selector: Record<string, string> },
  ): void {
    const { ports } = props;
    const access = resolveNetworkAccess(props.networkAccess);
    const orderers = { namespaces: { kind: 'same' as const }, pods: at.selector };
    new WorkloadNetworkPolicy(this, 'NetworkPolicy', {
      name: this.name,
      namespace: at.namespace,
      labels: at.labels,
      podSelector: at.selector,
      ingress: [
        // Raft among the orderers; deliver and broadcast from every peer; channel updates from the operator.
        { peers: [orderers, networkPods(access, 'peer'), access.adminClients], ports: [ports.grpc] },
        { peers: [access.adminClients], ports: [ports.admin] },
        ...metricsRule(access, ports.operations),
      ],
      egress: [
        { peers: [orderers], ports: [ports.grpc] },
        { peers: [orgPods('ca', props.org.name)], ports: [access.ports.ca] },
      ],
    });
  }
}

/** How many Raft consenters of `replicas` may be disrupted at once: never more than Raft tolerates losing. */
export function raftDisruptionBudget(
  replicas: number,
  options: DisruptionBudgetOptions | false | undefined,
): number | undefined {
  if (options === false) return undefined;
  const tolerated = Math.floor((replicas - 1) / 2);
  const maxUnavailable = options?.maxUnavailable ?? tolerated;
  if (maxUnavailable > tolerated) {
    throw new RangeError(
      `${replicas} Raft orderers tolerate losing ${tolerated}; a disruption budget of ${maxUnavailable} ` +
        'would let a node drain break their quorum',
    );
  }
  return options?.maxUnavailable === undefined && tolerated === 0 ? undefined : maxUnavailable;
}
