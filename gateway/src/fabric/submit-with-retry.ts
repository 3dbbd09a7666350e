import { setTimeout as sleep } from 'node:timers/promises';
import {
  CommitError,
  CommitStatusError,
  GatewayError,
  type Contract,
  type ProposalOptions,
} from '@hyperledger/fabric-gateway';
import { isConcurrencyConflict } from '../errors/to-problem';

/** How hard a submit tries; see {@link submitWithRetry}. */
export interface RetryPolicy {
  /** Whole-transaction attempts when the commit fails with MVCC_READ_CONFLICT or PHANTOM_READ_CONFLICT. */
  readonly conflictAttempts: number;
  /** Attempts of each step (endorse, submit, commit status) on a transient failure. */
  readonly stepAttempts: number;
  /** Base of the exponential backoff between attempts, with full jitter. */
  readonly backoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { conflictAttempts: 5, stepAttempts: 3, backoffMs: 50 };

/** Which step is being retried: a new proposal after a conflict, or one step of the flow again. */
export type RetriedStep = 'conflict' | 'endorse' | 'submit' | 'commit-status';

/** Told about every retry, e.g. to count them in metrics. */
export type RetryObserver = (step: RetriedStep) => void;

const GRPC_UNAVAILABLE = 14;

/**
 * Submits a transaction following fabric-gateway's guidance for each step of the flow:
 * - endorse: retried when the peer is unavailable (the peer's Gateway already tries other endorsing peers);
 * - submit: after a SubmitError the *same signed transaction* is sent again (same id: it cannot commit twice);
 * - commit status: after a CommitStatusError the status is queried again;
 * - a commit invalidated by a concurrent transaction (MVCC / phantom read conflict) is retried as a new proposal,
 *   at most `conflictAttempts` times; other commit failures are final.
 * Deadlines come from the Gateway connection's per-call options.
 */
export async function submitWithRetry(
  contract: Contract,
  transaction: string,
  options: ProposalOptions,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  onRetry: RetryObserver = () => undefined,
): Promise<{ result: Uint8Array; transactionId: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await submitOnce(contract, transaction, options, policy, onRetry);
    } catch (err) {
      if (!isConcurrencyConflict(err) || attempt >= policy.conflictAttempts) throw err;
      onRetry('conflict');
      await backoff(policy, attempt);
    }
  }
}

async function submitOnce(
  contract: Contract,
  transaction: string,
  options: ProposalOptions,
  policy: RetryPolicy,
  onRetry: RetryObserver,
): Promise<{ result: Uint8Array; transactionId: string }> {
  const retry = <T>(
    step: RetriedStep,
    retryable: (err: unknown) => boolean,
    work: () => Promise<T>,
  ): Promise<T> =>
    retryStep(policy, retryable, work, () => {
      onRetry(step);
    });
  const proposal = contract.newProposal(transaction, options);
  const endorsed = await retry('endorse', isUnavailable, () => proposal.endorse());
  const commit = await retry('submit', isSubmitError, () => endorsed.submit());
  const status = await retry(
    'commit-status',
    (err) => err instanceof CommitStatusError,
    () => commit.getStatus(),
  );
  if (!status.successful) {
    throw new CommitError({
      code: status.code,
      transactionId: status.transactionId,
      message: `transaction ${status.transactionId} failed to commit with status code ${status.code}`,
    });
  }
  return { result: endorsed.getResult(), transactionId: endorsed.getTransactionId() };
}

async function retryStep<T>(
  policy: RetryPolicy,
  retryable: (err: unknown) => boolean,
  step: () => Promise<T>,
  onRetry: () => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      if (!retryable(err) || attempt >= policy.stepAttempts) throw err;
      onRetry();
      await backoff(policy, attempt);
    }
  }
}

function isUnavailable(err: unknown): boolean {
  return err instanceof GatewayError && err.code === GRPC_UNAVAILABLE;
}

/** SubmitError is exported by fabric-gateway as a type only; its instances carry the class name. */
function isSubmitError(err: unknown): boolean {
  return err instanceof GatewayError && err.name === 'SubmitError';
}

function backoff(policy: RetryPolicy, attempt: number): Promise<void> {
  return sleep(Math.random() * policy.backoffMs * 2 ** (attempt - 1));
}
