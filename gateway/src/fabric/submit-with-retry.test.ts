import { describe, expect, it } from '@jest/globals';
import { Metadata } from '@grpc/grpc-js';
import {
  CommitError,
  CommitStatusError,
  GatewayError,
  StatusCode,
  type Contract,
  type Status,
} from '@hyperledger/fabric-gateway';
import { submitWithRetry, type RetryPolicy } from './submit-with-retry';

const POLICY: RetryPolicy = { conflictAttempts: 3, stepAttempts: 3, backoffMs: 1 };

function grpc(code: number): { code: number; details: []; cause: never; message: string } {
  const cause = Object.assign(new Error(String(code)), { code, details: '', metadata: new Metadata() });
  return { code, details: [], cause: cause as never, message: `${String(code)} failure` };
}

/** What one step does on each call: succeed, or throw the error made by the function. */
type Script = (() => Error | undefined)[];

interface Steps {
  endorse?: Script;
  submit?: Script;
  status?: (() => Error | Status)[];
}

/** A fake contract whose proposals follow scripts; records each step call and the transaction ids. */
function fakeContract(proposals: Steps[]): { contract: Contract; log: string[] } {
  const log: string[] = [];
  let proposal = 0;
  const run = (script: Script | undefined, step: string): void => {
    log.push(step);
    const error = script?.shift()?.();
    if (error !== undefined) throw error;
  };
  /** Runs a step's script and answers its result as a promise, as fabric-gateway's async steps do. */
  const step = <T>(script: Script | undefined, name: string, result: () => T): Promise<T> => {
    try {
      run(script, name);
      return Promise.resolve(result());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const statusOf = (steps: Steps, txId: string): Promise<Status> => {
    log.push(`status ${txId}`);
    const next = steps.status?.shift()?.();
    if (next instanceof Error) return Promise.reject(next);
    return Promise.resolve(
      next ?? { blockNumber: 1n, code: StatusCode.VALID, successful: true, transactionId: txId },
    );
  };
  const contract = {
    newProposal() {
      const steps = proposals[proposal] ?? {};
      const txId = `tx${String(++proposal)}`;
      const commit = { getStatus: () => statusOf(steps, txId) };
      const transaction = {
        getResult: () => new TextEncoder().encode(`result of ${txId}`),
        getTransactionId: () => txId,
        submit: () => step(steps.submit, `submit ${txId}`, () => commit),
      };
      return { endorse: () => step(steps.endorse, `endorse ${txId}`, () => transaction) };
    },
  } as unknown as Contract;
  return { contract, log };
}

const conflict = (txId: string): Status => ({
  blockNumber: 1n,
  code: StatusCode.MVCC_READ_CONFLICT,
  successful: false,
  transactionId: txId,
});

describe('submitWithRetry', () => {
  it('endorses, submits and waits for the commit once when all goes well', async () => {
    const { contract, log } = fakeContract([{}]);
    const answer = await submitWithRetry(contract, 'AddEmrNote', {}, POLICY);
    expect(new TextDecoder().decode(answer.result)).toBe('result of tx1');
    expect(answer.transactionId).toBe('tx1');
    expect(log).toEqual(['endorse tx1', 'submit tx1', 'status tx1']);
  });

  it('resubmits the same signed transaction after a SubmitError and re-queries a failed commit status', async () => {
    const submitError = (): Error => Object.assign(new GatewayError(grpc(14)), { name: 'SubmitError' });
    const statusError = (): Error => new CommitStatusError({ ...grpc(4), transactionId: 'tx1' });
    const { contract, log } = fakeContract([{ submit: [submitError], status: [statusError] }]);
    const retried: string[] = [];
    await submitWithRetry(contract, 'AddEmrNote', {}, POLICY, (step) => retried.push(step));
    expect(retried).toEqual(['submit', 'commit-status']);
    expect(log).toEqual(['endorse tx1', 'submit tx1', 'submit tx1', 'status tx1', 'status tx1']);
  });

  it('retries an endorsement when the peer is unavailable, but not a chaincode rejection', async () => {
    const unavailable = (): Error => new GatewayError(grpc(14));
    const { contract, log } = fakeContract([{ endorse: [unavailable] }]);
    await submitWithRetry(contract, 'AddEmrNote', {}, POLICY);
    expect(log.filter((entry) => entry.startsWith('endorse'))).toHaveLength(2);

    const aborted = (): Error => new GatewayError(grpc(10));
    const rejected = fakeContract([{ endorse: [aborted] }]);
    await expect(submitWithRetry(rejected.contract, 'AddEmrNote', {}, POLICY)).rejects.toBeInstanceOf(
      GatewayError,
    );
    expect(rejected.log).toEqual(['endorse tx1']);
  });

  it('runs a new proposal after an MVCC conflict, up to the bounded number of attempts', async () => {
    const recovered = fakeContract([{ status: [() => conflict('tx1')] }, {}]);
    const retried: string[] = [];
    const answer = await submitWithRetry(recovered.contract, 'AddEmrNote', {}, POLICY, (step) =>
      retried.push(step),
    );
    expect(answer.transactionId).toBe('tx2');
    expect(retried).toEqual(['conflict']);

    const hopeless = fakeContract([1, 2, 3, 4].map((n) => ({ status: [() => conflict(`tx${String(n)}`)] })));
    const failure = submitWithRetry(hopeless.contract, 'AddEmrNote', {}, POLICY);
    await expect(failure).rejects.toBeInstanceOf(CommitError);
    await expect(failure).rejects.toMatchObject({
      code: StatusCode.MVCC_READ_CONFLICT,
      transactionId: 'tx3',
    });
    expect(hopeless.log.filter((entry) => entry.startsWith('endorse'))).toHaveLength(3);
  });

  it('does not retry other invalidations', async () => {
    const policyFailure: Status = {
      blockNumber: 1n,
      code: StatusCode.ENDORSEMENT_POLICY_FAILURE,
      successful: false,
      transactionId: 'tx1',
    };
    const { contract, log } = fakeContract([{ status: [() => policyFailure] }]);
    await expect(submitWithRetry(contract, 'AddEmrNote', {}, POLICY)).rejects.toMatchObject({
      code: StatusCode.ENDORSEMENT_POLICY_FAILURE,
    });
    expect(log.filter((entry) => entry.startsWith('endorse'))).toHaveLength(1);
  });
});
