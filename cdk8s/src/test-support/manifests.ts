/** Helpers of the unit and integration tests: synthesized objects as plain data, and ways to walk them. */
import { Chart, Testing } from 'cdk8s';
import { EmrNetwork, type EmrNetworkProps } from '../emr-network';
import { MedicalProviderOrg, type MedicalProviderOrgProps } from '../medical-provider-org';

export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly [key: string]: unknown;
}

export interface ContainerManifest {
  readonly name: string;
  readonly image: string;
  readonly imagePullPolicy?: string;
  readonly command?: string[];
  readonly env?: { name: string; value?: string; valueFrom?: Record<string, Record<string, string>> }[];
  readonly ports?: { name?: string; containerPort: number }[];
  readonly volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; subPathExpr?: string }[];
  readonly readinessProbe?: Record<string, unknown>;
  readonly livenessProbe?: Record<string, unknown>;
  readonly startupProbe?: Record<string, unknown>;
  readonly resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readonly securityContext?: Record<string, unknown>;
}

export interface PodSpecManifest {
  readonly containers: ContainerManifest[];
  readonly initContainers?: ContainerManifest[];
  readonly volumes?: Record<string, unknown>[];
  readonly securityContext?: Record<string, unknown>;
  readonly automountServiceAccountToken?: boolean;
  readonly [key: string]: unknown;
}

export const WORKLOAD_KINDS = ['StatefulSet', 'Deployment'];

/** The example network (or a variant) as plain objects, in the order cdk8s writes them. */
export function synthNetwork(props: EmrNetworkProps = {}): Manifest[] {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  new EmrNetwork(chart, 'network', props);
  return Testing.synth(chart) as Manifest[];
}

export function workloads(objects: readonly Manifest[]): Manifest[] {
  return objects.filter((o) => WORKLOAD_KINDS.includes(o.kind));
}

export function podTemplate(workload: Manifest): { metadata: Manifest['metadata']; spec: PodSpecManifest } {
  return (workload['spec'] as { template: { metadata: Manifest['metadata']; spec: PodSpecManifest } })
    .template;
}

export function allContainers(workload: Manifest): ContainerManifest[] {
  const spec = podTemplate(workload).spec;
  return [...(spec.initContainers ?? []), ...spec.containers];
}

export function find(objects: readonly Manifest[], kind: string, name: string, namespace?: string): Manifest {
  const found = objects.find(
    (o) =>
      o.kind === kind &&
      o.metadata.name === name &&
      (namespace === undefined || o.metadata.namespace === namespace),
  );
  if (!found) throw new Error(`no ${kind} ${namespace ?? '*'}/${name}`);
  return found;
}

/** One provider rendered alone into `namespace`, as the operator renders a MedicalProvider. */
export function synthProvider(
  namespace: string,
  props: Omit<MedicalProviderOrgProps, 'org'> & { readonly org?: MedicalProviderOrgProps['org'] } = {},
): Manifest[] {
  const chart = new Chart(Testing.app(), 'test', { namespace, disableResourceNameHashes: true });
  new MedicalProviderOrg(chart, 'provider', { org: { name: namespace, mspId: 'Provider3MSP' }, ...props });
  return Testing.synth(chart) as Manifest[];
}
