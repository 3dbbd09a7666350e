/**
 * Names, labels and DNS conventions shared by every construct — and by the operator, which selects and owns
 * what the constructs render.
 */

/** Our API group, also the prefix of our labels, annotations and finalizers. */
export const API_GROUP = 'emr-fabric.dev';

/** `app.kubernetes.io/part-of` of every object of the network; NetworkPolicies select on it. */
export const PART_OF = 'emr-network';

/** Label with the org (OrgModel.name) an object belongs to. */
export const ORG_LABEL = `${API_GROUP}/org`;

export const LABELS = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  version: 'app.kubernetes.io/version',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

/** The roles a workload plays in the network; the value of `app.kubernetes.io/component`. */
export type Component = 'ca' | 'orderer' | 'peer' | 'chaincode' | 'gateway';

/** `app.kubernetes.io/name` per component: what the software is. */
const APP_NAMES: Readonly<Record<Component, string>> = {
  ca: 'fabric-ca',
  orderer: 'fabric-orderer',
  peer: 'fabric-peer',
  chaincode: 'emr-chaincode',
  gateway: 'emr-gateway',
};

export interface WorkloadIdentity {
  readonly component: Component;
  /** The node's name, unique in its namespace: `app.kubernetes.io/instance`. */
  readonly instance: string;
  readonly org: string;
  /** Image tag, recorded as `app.kubernetes.io/version`. */
  readonly version: string;
  /** `app.kubernetes.io/managed-by`. */
  readonly managedBy: string;
}

/** The small, immutable label set a workload selects its pods by. */
export function selectorLabels(id: Pick<WorkloadIdentity, 'component' | 'instance'>): Record<string, string> {
  return { [LABELS.name]: APP_NAMES[id.component], [LABELS.instance]: id.instance };
}

/** All standard labels of a workload's objects and pods. */
export function workloadLabels(id: WorkloadIdentity): Record<string, string> {
  return {
    ...selectorLabels(id),
    [LABELS.component]: id.component,
    [LABELS.partOf]: PART_OF,
    [LABELS.version]: labelValue(id.version),
    [LABELS.managedBy]: id.managedBy,
    [ORG_LABEL]: id.org,
  };
}

/** Labels that select the pods of one component (optionally of one org) anywhere in the network. */
export function componentSelector(component: Component, org?: string): Record<string, string> {
  return {
    [LABELS.partOf]: PART_OF,
    [LABELS.component]: component,
    ...(org === undefined ? {} : { [ORG_LABEL]: org }),
  };
}

/** Labels that select every network workload of one org. */
export function orgSelector(org: string): Record<string, string> {
  return { [LABELS.partOf]: PART_OF, [ORG_LABEL]: org };
}

/** Truncates to a valid label value (≤ 63 chars, alphanumeric at both ends). */
export function labelValue(value: string): string {
  return value
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Throws unless `name` is a DNS-1123 label (Service, StatefulSet and namespace names). */
export function assertDnsLabel(name: string, what: string): void {
  if (name.length > 63 || !DNS_LABEL.test(name)) {
    throw new RangeError(
      `${what} "${name}" is not a DNS-1123 label (lower-case alphanumerics and '-', ≤ 63)`,
    );
  }
}

/** How a Service is reached inside the cluster. */
export interface ServiceDns {
  readonly service: string;
  readonly namespace: string;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
}

/** The fully qualified name clients use; every TLS certificate carries it. */
export function serviceFqdn(dns: ServiceDns): string {
  return `${dns.service}.${dns.namespace}.svc.${dns.clusterDomain ?? 'cluster.local'}`;
}

/** Names under which a Service is reachable, shortest first: what TLS certificates list as SANs. */
export function serviceHostNames(dns: ServiceDns): string[] {
  const { service, namespace } = dns;
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, serviceFqdn(dns)];
}
