import { describe, expect, it } from '@jest/globals';
import { backoffDelay } from './backoff';

const policy = { baseMs: 100, maxMs: 1_000, jitter: 0.5 };

describe('backoffDelay', () => {
  it('doubles per failure without jitter (random 0) and caps at the maximum', () => {
    expect([0, 1, 2, 3, 4, 10, 1000].map((n) => backoffDelay(n, policy, () => 0))).toEqual([
      100, 200, 400, 800, 1000, 1000, 1000,
    ]);
  });

  it('takes off at most the jitter fraction', () => {
    expect(backoffDelay(2, policy, () => 1)).toBe(200);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(300);
  });
});
