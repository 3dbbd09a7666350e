import { describe, expect, it } from '@jest/globals';
import { mergeConditions, type ConditionUpdate } from './conditions';
import type { Condition } from './medical-provider';

const T0 = new Date('2026-01-01T10:00:00.123Z');
const T1 = new Date('2026-01-01T10:05:00.000Z');

const update = (
  type: string,
  status: ConditionUpdate['status'],
  reason = 'R',
  message = 'm',
): ConditionUpdate => ({
  type,
  status,
  reason,
  message,
});

describe('mergeConditions', () => {
  it('sets lastTransitionTime (whole seconds) and observedGeneration on a new condition and reports it', () => {
    const { conditions, transitions } = mergeConditions(
      undefined,
      [update('CAReady', 'True', 'CAReachable')],
      3,
      T0,
    );
    expect(conditions).toEqual([
      {
        type: 'CAReady',
        status: 'True',
        observedGeneration: 3,
        lastTransitionTime: '2026-01-01T10:00:00Z',
        reason: 'CAReachable',
        message: 'm',
      },
    ]);
    expect(transitions).toEqual([{ type: 'CAReady', to: update('CAReady', 'True', 'CAReachable') }]);
  });

  it('keeps lastTransitionTime while the status stays, even when message and generation change', () => {
    const first = mergeConditions(undefined, [update('CAReady', 'True', 'A', 'one')], 1, T0).conditions;
    const { conditions, transitions } = mergeConditions(
      first,
      [update('CAReady', 'True', 'A', 'two')],
      2,
      T1,
    );
    expect(conditions[0]).toMatchObject({
      lastTransitionTime: '2026-01-01T10:00:00Z',
      observedGeneration: 2,
      message: 'two',
    });
    expect(transitions).toEqual([]);
  });

  it('moves lastTransitionTime when the status changes; reports a reason change with the same status', () => {
    const first = mergeConditions(
      undefined,
      [update('ChannelMembershipApproved', 'False', 'AwaitingApproval')],
      1,
      T0,
    );
    const refused = mergeConditions(
      first.conditions,
      [update('ChannelMembershipApproved', 'False', 'ConsentRefused')],
      1,
      T1,
    );
    expect(refused.conditions[0]?.lastTransitionTime).toBe('2026-01-01T10:00:00Z');
    expect(refused.transitions).toEqual([
      {
        type: 'ChannelMembershipApproved',
        from: { status: 'False', reason: 'AwaitingApproval' },
        to: update('ChannelMembershipApproved', 'False', 'ConsentRefused'),
      },
    ]);
    const approved = mergeConditions(
      refused.conditions,
      [update('ChannelMembershipApproved', 'True', 'Member')],
      1,
      T1,
    );
    expect(approved.conditions[0]?.lastTransitionTime).toBe('2026-01-01T10:05:00Z');
  });

  it('keeps conditions it is not given, and orders by step with Ready last and foreign types after', () => {
    const existing: Condition[] = [
      {
        type: 'Custom',
        status: 'True',
        observedGeneration: 1,
        lastTransitionTime: 'x',
        reason: 'R',
        message: '',
      },
      {
        type: 'GatewayReady',
        status: 'True',
        observedGeneration: 1,
        lastTransitionTime: 'x',
        reason: 'R',
        message: '',
      },
    ];
    const { conditions } = mergeConditions(
      existing,
      [update('Ready', 'False'), update('CAReady', 'True')],
      2,
      T0,
    );
    expect(conditions.map((c) => c.type)).toEqual(['CAReady', 'GatewayReady', 'Ready', 'Custom']);
    expect(conditions.find((c) => c.type === 'GatewayReady')?.observedGeneration).toBe(1);
  });
});
