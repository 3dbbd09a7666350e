import { setTimeout as sleep } from 'node:timers/promises';
import { fabricErrorText } from './fabric-error-text';

export interface RetryOptions {
  readonly attempts: number;
  readonly delayMs: number;
  /** Which failures are worth another attempt; by default those Fabric documents as transient. */
  readonly retryable?: (err: unknown) => boolean;
}

/**
 * gRPC UNAVAILABLE (no Raft leader yet, a node restarting), FAILED_PRECONDITION "no combination of peers" (gossip
 * has not yet learned a just-joined org) and DEADLINE_EXCEEDED are transient on a network that is coming up.
 */
export function isTransientFabricError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (code === 14 || code === 4) {
    return true;
  }
  const text = fabricErrorText(err);
  return /no combination of peers|no peers available|UNAVAILABLE|SERVICE_UNAVAILABLE|not yet elected|no Raft leader|failed to connect|chaincode .* not found|could not launch chaincode/i.test(
    text,
  );
}

export async function withRetry<T>(work: () => Promise<T>, options: RetryOptions): Promise<T> {
  const retryable = options.retryable ?? isTransientFabricError;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= options.attempts || !retryable(err)) {
        throw err;
      }
      await sleep(options.delayMs);
    }
  }
}
