/** Exponential backoff with jitter: base · 2^failures, capped, then scaled by a random factor in [1−j, 1]. */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
  /** 0 (none) to 1. */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 120_000, jitter: 0.2 };

export function backoffDelay(
  failures: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(failures, 0), 30);
  const capped = Math.min(policy.baseMs * 2 ** exponent, policy.maxMs);
  return Math.round(capped * (1 - policy.jitter * random()));
}
