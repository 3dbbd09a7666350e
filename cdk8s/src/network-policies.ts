/**
 * NetworkPolicies: every pod of the network is isolated in both directions (a per-org baseline), then each
 * workload gets one policy naming exactly who may reach which of its ports and which ports it may reach.
 * Mutual TLS remains the authentication; the policies make sure only the workloads that must talk can connect.
 * Policies are enforced only where the CNI plugin implements them (not by kind's default kindnet before 0.24,
 * nor by the bridge plugin of the engine-free node).
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-33';
import { componentSelector, type Component, LABELS, ORG_LABEL, PART_OF } from './conventions';

/** Which namespaces a peer lives in. */
export type NamespaceScope =
  /** The policy's own namespace. */
  | { readonly kind: 'same' }
  /** Every namespace. */
  | { readonly kind: 'all' }
  /** Namespaces by name (`kubernetes.io/metadata.name`, set by the API server on every namespace). */
  | { readonly kind: 'names'; readonly names: readonly string[] }
  /** Namespaces carrying these labels. */
  | { readonly kind: 'labels'; readonly labels: Readonly<Record<string, string>> };

/** Pods that may talk to (or be talked to by) a workload. */
export interface TrafficPeer {
  readonly namespaces: NamespaceScope;
  /** Pod labels; every pod of the namespaces when omitted. */
  readonly pods?: Readonly<Record<string, string>>;
}

/** One direction of allowed traffic: peers (anyone when empty) on TCP ports. */
export interface TrafficRule {
  /** Empty: any source (ingress) or destination (egress). */
  readonly peers: readonly TrafficPeer[];
  readonly ports: readonly number[];
}

/** Who may reach the network's workloads beyond the workloads themselves. */
export interface NetworkAccess {
  /**
   * Namespaces holding the network's orgs (peers of other orgs, orderers).
   * @default { kind: 'all' } — selected by the pods' component labels in any namespace
   */
  readonly networkNamespaces?: NamespaceScope;
  /**
   * Clients of the admin endpoints (CA registration, orderer channel participation, peer admin): the operator.
   * @default pods labelled `app.kubernetes.io/name: emr-operator` in any namespace
   */
  readonly adminClients?: TrafficPeer;
  /** Prometheus and friends, allowed to the operations (metrics) ports. @default - none */
  readonly metricsScrapers?: TrafficPeer;
  /**
   * Clients of the gateways' HTTP API (an ingress controller, other workloads).
   * @default - anyone: the gateway authenticates every request itself
   */
  readonly gatewayClients?: TrafficPeer;
  /**
   * Ports workloads dial on other workloads of the network (egress rules).
   * @default { ca: 7054, orderer: 7050, peer: 7051, chaincode: 9999 }
   */
  readonly ports?: Partial<NetworkPorts>;
}

/** Container ports of the network's services, as other workloads dial them. */
export interface NetworkPorts {
  readonly ca: number;
  readonly orderer: number;
  readonly peer: number;
  readonly chaincode: number;
}

export const DEFAULT_NETWORK_PORTS: NetworkPorts = { ca: 7054, orderer: 7050, peer: 7051, chaincode: 9999 };

export const DEFAULT_ADMIN_CLIENTS: TrafficPeer = {
  namespaces: { kind: 'all' },
  pods: { [LABELS.name]: 'emr-operator' },
};

/** The resolved form the constructs use. */
export interface ResolvedNetworkAccess {
  readonly networkNamespaces: NamespaceScope;
  readonly adminClients: TrafficPeer;
  readonly metricsScrapers?: TrafficPeer;
  readonly gatewayClients?: TrafficPeer;
  readonly ports: NetworkPorts;
}

export function resolveNetworkAccess(access: NetworkAccess = {}): ResolvedNetworkAccess {
  return {
    networkNamespaces: access.networkNamespaces ?? { kind: 'all' },
    adminClients: access.adminClients ?? DEFAULT_ADMIN_CLIENTS,
    ...(access.metricsScrapers ? { metricsScrapers: access.metricsScrapers } : {}),
    ...(access.gatewayClients ? { gatewayClients: access.gatewayClients } : {}),
    ports: { ...DEFAULT_NETWORK_PORTS, ...access.ports },
  };
}

export interface WorkloadPolicyProps {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Labels of the pods the policy applies to. */
  readonly podSelector: Readonly<Record<string, string>>;
  readonly ingress: readonly TrafficRule[];
  readonly egress: readonly TrafficRule[];
}

/** One NetworkPolicy for one workload, allowing exactly its ingress and egress rules. */
export class WorkloadNetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, props: WorkloadPolicyProps) {
    super(scope, id);
    new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: { ...props.labels } },
      spec: {
        podSelector: { matchLabels: { ...props.podSelector } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: props.ingress
          .filter((rule) => rule.ports.length > 0)
          .map((rule) => ({ ...peers('from', rule.peers), ports: tcp(rule.ports) })),
        egress: props.egress
          .filter((rule) => rule.ports.length > 0)
          .map((rule) => ({ ...peers('to', rule.peers), ports: tcp(rule.ports) })),
      },
    });
  }
}

export interface OrgBaselineProps {
  readonly org: string;
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Isolates every pod of an org's network workloads in both directions and lets them resolve names through the
 * cluster DNS; WorkloadNetworkPolicy then opens what each needs.
 */
export class OrgNetworkBaseline extends Construct {
  constructor(scope: Construct, id: string, props: OrgBaselineProps) {
    super(scope, id);
    const podSelector = { matchLabels: { [LABELS.partOf]: PART_OF, [ORG_LABEL]: props.org } };
    const metadata = (name: string): k8s.ObjectMeta => ({
      name,
      namespace: props.namespace,
      labels: { ...props.labels },
    });
    new k8s.KubeNetworkPolicy(this, 'DenyAll', {
      metadata: metadata(`${props.org}-default-deny`),
      spec: { podSelector, policyTypes: ['Ingress', 'Egress'] },
    });
    new k8s.KubeNetworkPolicy(this, 'Dns', {
      metadata: metadata(`${props.org}-allow-dns`),
      spec: {
        podSelector,
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
            ports: [
              { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
              { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
            ],
          },
        ],
      },
    });
  }
}

function tcp(ports: readonly number[]): k8s.NetworkPolicyPort[] {
  return [...new Set(ports)].map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }));
}

function peers(
  direction: 'from' | 'to',
  list: readonly TrafficPeer[],
): Partial<Record<'from' | 'to', k8s.NetworkPolicyPeer[]>> {
  if (list.length === 0) return {};
  return { [direction]: list.map(toPeer) };
}

function toPeer(peer: TrafficPeer): k8s.NetworkPolicyPeer {
  const podSelector = peer.pods ? { matchLabels: { ...peer.pods } } : {};
  const ns = peer.namespaces;
  switch (ns.kind) {
    case 'same':
      return { podSelector };
    case 'all':
      return { namespaceSelector: {}, podSelector };
    case 'names':
      return {
        namespaceSelector: {
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...ns.names] }],
        },
        podSelector,
      };
    case 'labels':
      return { namespaceSelector: { matchLabels: { ...ns.labels } }, podSelector };
  }
}

/** The pods of a component across the network (optionally of one org). */
export function networkPods(access: ResolvedNetworkAccess, component: Component, org?: string): TrafficPeer {
  return { namespaces: access.networkNamespaces, pods: componentSelector(component, org) };
}

/** The pods of a component of one org in the policy's own namespace. */
export function orgPods(component: Component, org: string): TrafficPeer {
  return { namespaces: { kind: 'same' }, pods: componentSelector(component, org) };
}

/** Ingress to an operations (metrics) port, when scrapers are configured. */
export function metricsRule(access: ResolvedNetworkAccess, port: number): TrafficRule[] {
  return access.metricsScrapers ? [{ peers: [access.metricsScrapers], ports: [port] }] : [];
}
