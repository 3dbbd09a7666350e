/**
 * Whether a StatefulSet or Deployment runs what it was last given, as `kubectl rollout status` judges it. Ready
 * replicas alone are not enough: right after a template change (a new chaincode package ID) the old pods are
 * still ready, and a step that trusted them would go on while the old package serves.
 */
export interface WorkloadStatus {
  readonly metadata: { readonly generation?: number };
  readonly spec?: { readonly replicas?: number };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly replicas?: number;
    readonly readyReplicas?: number;
    readonly updatedReplicas?: number;
  };
}

interface Progress {
  readonly wanted: number;
  readonly observed: boolean;
  readonly replicas: number;
  readonly ready: number;
  readonly updated: number;
}

function progressOf(workload: WorkloadStatus): Progress {
  const status = workload.status ?? {};
  return {
    wanted: workload.spec?.replicas ?? 1,
    observed: (status.observedGeneration ?? 0) >= (workload.metadata.generation ?? 0),
    replicas: status.replicas ?? 0,
    ready: status.readyReplicas ?? 0,
    updated: status.updatedReplicas ?? 0,
  };
}

/** Undefined when rolled out and ready; else what it waits for, e.g. `Deployment x: 0/1 updated`. */
export function rolloutPending(
  kind: 'StatefulSet' | 'Deployment',
  name: string,
  workload: WorkloadStatus | undefined,
): string | undefined {
  if (!workload) return `${kind} ${name}: 0/1 ready`;
  const { wanted, observed, replicas, ready, updated } = progressOf(workload);
  // A workload its controller has never looked at has no pods yet: nothing rolls out, nothing is ready.
  if (workload.status?.observedGeneration === undefined) return `${kind} ${name}: ${ready}/${wanted} ready`;
  if (!observed) return `${kind} ${name}: its new spec is not observed yet`;
  if (updated < wanted) return `${kind} ${name}: ${updated}/${wanted} updated, ${ready}/${wanted} ready`;
  const old = replicas - updated;
  if (old > 0) return `${kind} ${name}: ${old} old replica${old === 1 ? '' : 's'} still running`;
  return ready < wanted ? `${kind} ${name}: ${ready}/${wanted} ready` : undefined;
}
