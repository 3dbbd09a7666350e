/**
 * metav1.Condition bookkeeping as the API conventions define it: one condition per type, `lastTransitionTime`
 * changes only when the status does, `observedGeneration` is the generation the condition was computed for.
 */
import { CONDITION_TYPES, READY, type Condition, type ConditionStatus } from './medical-provider';

export interface ConditionUpdate {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
}

/** A condition whose status or reason changed: what an Event reports. */
export interface Transition {
  readonly type: string;
  readonly from?: { readonly status: ConditionStatus; readonly reason: string };
  readonly to: ConditionUpdate;
}

const ORDER: readonly string[] = [...CONDITION_TYPES, READY];

function rank(type: string): number {
  const index = ORDER.indexOf(type);
  return index < 0 ? ORDER.length : index;
}

/**
 * Applies `updates` to `existing`: conditions not updated are kept as they were (their observedGeneration then
 * says how old they are). The result is in step order, Ready last, other types after it.
 */
export function mergeConditions(
  existing: readonly Condition[] | undefined,
  updates: readonly ConditionUpdate[],
  generation: number,
  now: Date,
): { conditions: Condition[]; transitions: Transition[] } {
  const byType = new Map<string, Condition>((existing ?? []).map((c) => [c.type, c]));
  const transitions: Transition[] = [];
  const timestamp = now.toISOString().replace(/\.\d+Z$/, 'Z');
  for (const update of updates) {
    const before = byType.get(update.type);
    const statusChanged = before?.status !== update.status;
    if (statusChanged || before.reason !== update.reason) {
      transitions.push({
        type: update.type,
        ...(before ? { from: { status: before.status, reason: before.reason } } : {}),
        to: update,
      });
    }
    byType.set(update.type, {
      type: update.type,
      status: update.status,
      observedGeneration: generation,
      lastTransitionTime: statusChanged ? timestamp : before.lastTransitionTime,
      reason: update.reason,
      message: update.message,
    });
  }
  const conditions = [...byType.values()].sort(
    (a, b) => rank(a.type) - rank(b.type) || a.type.localeCompare(b.type),
  );
  return { conditions, transitions };
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}
