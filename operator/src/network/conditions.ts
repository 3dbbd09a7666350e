/**
 * An EmrNetwork's conditions from what its reconcile found: one per step in order (OrderersReady, ChannelCreated),
 * `Unknown`/`Pending` for the steps not reached, and Ready summarizing them with the reason of the first step
 * that is not done. Pure, so the rules are unit-tested.
 */
import type { ConditionUpdate } from '../api/conditions';
import { NETWORK_CONDITION_TYPES, type NetworkConditionType, type NetworkPhase } from '../api/emr-network';
import { READY } from '../api/medical-provider';

export interface StepOutcome {
  readonly type: NetworkConditionType;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
}

export function networkConditions(outcomes: readonly StepOutcome[], channel: string): ConditionUpdate[] {
  const updates: ConditionUpdate[] = NETWORK_CONDITION_TYPES.map((type) => {
    const outcome = outcomes.find((o) => o.type === type);
    return outcome
      ? { type, status: outcome.status, reason: outcome.reason, message: outcome.message }
      : { type, status: 'Unknown', reason: 'Pending', message: 'an earlier condition is not True yet' };
  });
  const blocking = updates.find((u) => u.status !== 'True');
  updates.push(
    blocking
      ? {
          type: READY,
          status: 'False',
          reason: blocking.reason,
          message: `${blocking.type}: ${blocking.message}`,
        }
      : { type: READY, status: 'True', reason: 'Ready', message: `channel ${channel} is open` },
  );
  return updates;
}

export function networkPhase(updates: readonly ConditionUpdate[], hadStatus: boolean): NetworkPhase {
  if (updates.every((u) => u.status === 'True')) return 'Ready';
  if (updates.some((u) => u.reason === 'Error')) return 'Failed';
  return hadStatus ? 'Provisioning' : 'Pending';
}
