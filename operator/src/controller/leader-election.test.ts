import { describe, expect, it } from '@jest/globals';
import { decideLease, microTime, nextLeaseSpec, type Lease } from './leader-election';

const lease = (holderIdentity: string, leaseDurationSeconds = 15): Lease => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'emr-operator', namespace: 'emr-operator' },
  spec: { holderIdentity, leaseDurationSeconds, renewTime: microTime(new Date(0)) },
});

describe('decideLease', () => {
  it('creates a missing Lease', () => {
    expect(decideLease(undefined, 'a', 0, 0, 15_000)).toBe('create');
  });

  it('renews its own Lease', () => {
    expect(decideLease(lease('a'), 'a', 1_000_000, 0, 15_000)).toBe('renew');
  });

  it('takes over a released Lease (no holder) at once', () => {
    expect(decideLease(lease(''), 'a', 1, 0, 15_000)).toBe('take-over');
  });

  it("waits out another holder's lease duration, counted from when it last saw the record change", () => {
    expect(decideLease(lease('b'), 'a', 14_999, 0, 15_000)).toBe('held-by-other');
    expect(decideLease(lease('b'), 'a', 15_000, 0, 15_000)).toBe('take-over');
    expect(decideLease(lease('b', 60), 'a', 30_000, 0, 15_000)).toBe('held-by-other');
  });
});

describe('microTime', () => {
  it('has exactly six fractional digits, as metav1.MicroTime', () => {
    expect(microTime(new Date('2026-03-04T05:06:07.089Z'))).toBe('2026-03-04T05:06:07.089000Z');
  });
});

describe('nextLeaseSpec', () => {
  const now = new Date('2026-03-04T05:06:07.000Z');

  it('keeps acquireTime and transitions when renewing', () => {
    const held: Lease = {
      ...lease('a'),
      spec: { holderIdentity: 'a', acquireTime: 'then', leaseTransitions: 4 },
    };
    expect(nextLeaseSpec(held, 'renew', 'a', now, 15_000)).toEqual({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: 'then',
      renewTime: '2026-03-04T05:06:07.000000Z',
      leaseTransitions: 4,
    });
  });

  it('counts a take-over as a transition and stamps a new acquireTime', () => {
    const held: Lease = {
      ...lease('b'),
      spec: { holderIdentity: 'b', acquireTime: 'then', leaseTransitions: 4 },
    };
    expect(nextLeaseSpec(held, 'take-over', 'a', now, 15_000)).toMatchObject({
      holderIdentity: 'a',
      acquireTime: '2026-03-04T05:06:07.000000Z',
      leaseTransitions: 5,
    });
    expect(nextLeaseSpec(undefined, 'create', 'a', now, 15_000).leaseTransitions).toBe(0);
  });
});
