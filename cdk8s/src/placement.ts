/**
 * Placement of workloads whose pods have siblings — the Raft consenters, a provider's peers, the replicas of a
 * Deployment: spread over nodes and zones, and a PodDisruptionBudget so that voluntary disruptions (node drains,
 * cluster upgrades, autoscaler scale-downs) take down no more siblings at once than the workload survives.
 *
 * Every rule is a preference: a single-node cluster (kind, `make cluster-up`) schedules all siblings on its one
 * node, and a cluster that is short of nodes or zones degrades to uneven placement instead of Pending pods.
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import { k8s, type Workload } from 'cdk8s-plus-33';
import type { Construct } from 'constructs';

/** Well-known node label: one value per node. */
export const HOSTNAME_TOPOLOGY = 'kubernetes.io/hostname';
/** Well-known node label: the node's failure zone (set by cloud providers; absent on most bare-metal nodes). */
export const ZONE_TOPOLOGY = 'topology.kubernetes.io/zone';

/** Weight of the preference for a node without a sibling: the largest the scheduler takes. */
const NODE_PREFERENCE_WEIGHT = 100;

/** How a workload's pods are spread over the cluster's failure domains. */
export interface SpreadOptions {
  /**
   * Prefer a node that runs no sibling yet (preferred pod anti-affinity on `kubernetes.io/hostname`).
   * @default true
   */
  readonly acrossNodes?: boolean;
  /**
   * Prefer zones evenly (a `topology.kubernetes.io/zone` spread constraint, maxSkew 1, ScheduleAnyway).
   * @default true
   */
  readonly acrossZones?: boolean;
}

/** A PodDisruptionBudget over a workload's pods. */
export interface DisruptionBudgetOptions {
  /**
   * How many of the pods voluntary disruptions may take down at once; 0 blocks every eviction (and so every
   * node drain) until it is changed.
   * @default per construct: what the workload survives
   */
  readonly maxUnavailable?: number;
}

/**
 * Adds the spreading preferences to the workload's pod template. `siblings` selects the pods to keep apart (in
 * the workload's namespace): the workload's own, or those of several workloads, like the peers of one org.
 *
 * Nodes are separated by pod anti-affinity, not by a hostname spread constraint: the scheduler scores spread
 * constraints only on nodes that carry every constraint's topology key, so on nodes without a zone label a
 * hostname constraint next to the zone one would not take effect. Anti-affinity applies whatever the zones.
 */
export function spreadPods(
  workload: Workload,
  siblings: Readonly<Record<string, string>>,
  options: SpreadOptions | false | undefined,
): void {
  if (options === false) return;
  const labelSelector = { matchLabels: { ...siblings } };
  const patch = ApiObject.of(workload);
  if (options?.acrossNodes ?? true) {
    const affinity: k8s.Affinity = {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: NODE_PREFERENCE_WEIGHT,
            podAffinityTerm: { topologyKey: HOSTNAME_TOPOLOGY, labelSelector },
          },
        ],
      },
    };
    patch.addJsonPatch(JsonPatch.add('/spec/template/spec/affinity', affinity));
  }
  if (options?.acrossZones ?? true) {
    const zones: k8s.TopologySpreadConstraint = {
      topologyKey: ZONE_TOPOLOGY,
      maxSkew: 1,
      // A preference: a cluster with fewer zones than pods (or none at all) still schedules them.
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector,
    };
    patch.addJsonPatch(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [zones]));
  }
}

export interface PodDisruptionBudgetProps {
  readonly name: string;
  readonly namespace: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  /** The pods the budget counts; must select exactly the pods of the workload(s) it protects. */
  readonly selector: Readonly<Record<string, string>>;
  readonly maxUnavailable: number;
}

/** A policy/v1 PodDisruptionBudget; maxUnavailable (not minAvailable) so that scaling needs no second edit. */
export function podDisruptionBudget(
  scope: Construct,
  id: string,
  props: PodDisruptionBudgetProps,
): k8s.KubePodDisruptionBudget {
  if (!Number.isInteger(props.maxUnavailable) || props.maxUnavailable < 0) {
    throw new RangeError(`maxUnavailable must be a whole number ≥ 0, not ${props.maxUnavailable}`);
  }
  return new k8s.KubePodDisruptionBudget(scope, id, {
    metadata: { name: props.name, namespace: props.namespace, labels: { ...props.labels } },
    spec: {
      maxUnavailable: k8s.IntOrString.fromNumber(props.maxUnavailable),
      selector: { matchLabels: { ...props.selector } },
    },
  });
}

/**
 * The budget a workload of `replicas` interchangeable pods gets: one at a time, and none for a single pod — a
 * budget of 0 would block every node drain, and 1 of 1 protects nothing.
 */
export function replicaDisruptionBudget(
  replicas: number,
  options: DisruptionBudgetOptions | false | undefined,
): number | undefined {
  if (options === false) return undefined;
  if (options?.maxUnavailable !== undefined) return options.maxUnavailable;
  return replicas > 1 ? 1 : undefined;
}
