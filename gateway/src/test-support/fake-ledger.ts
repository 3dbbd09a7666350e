import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import type { Ledger, LedgerCall, SubmitResult } from '../fabric/ledger';

/** Answers a call with a JSON-serializable value (or a promise of one), or throws like the ledger would. */
export type FakeAnswer = (call: LedgerCall) => unknown;

/** One recorded call, without the private key. */
export interface RecordedCall {
  readonly kind: 'evaluate' | 'submit';
  readonly name: string;
  readonly mspId: string;
  readonly certificate: string;
  readonly arguments: readonly string[];
  readonly transient: Readonly<Record<string, string>>;
  readonly endorsingOrganizations: readonly string[];
}

/**
 * A ledger for route tests: answers by fully-qualified transaction name (`Contract:Transaction`) and records
 * every call (who signed, arguments, transient data, target org), so tests check the mapping to the chaincode.
 */
export class FakeLedger implements Ledger {
  readonly calls: RecordedCall[] = [];
  readonly #answers = new Map<string, FakeAnswer>();
  reachable = true;
  #txCounter = 0;

  /** Sets the answer of a transaction. */
  on(name: string, answer: FakeAnswer | object | boolean | number): this {
    this.#answers.set(name, typeof answer === 'function' ? (answer as FakeAnswer) : () => answer);
    return this;
  }

  callsOf(name: string): RecordedCall[] {
    return this.calls.filter((call) => call.name === name);
  }

  evaluate(call: LedgerCall): Promise<Uint8Array> {
    return this.#answer('evaluate', call);
  }

  async submit(call: LedgerCall): Promise<SubmitResult> {
    const result = await this.#answer('submit', call);
    this.#txCounter++;
    return { result, transactionId: this.#txCounter.toString(16).padStart(64, 'f') };
  }

  isReachable(): Promise<boolean> {
    return Promise.resolve(this.reachable);
  }

  close(): void {
    // Nothing to release.
  }

  async #answer(kind: 'evaluate' | 'submit', call: LedgerCall): Promise<Uint8Array> {
    const name = `${call.contract}:${call.transaction}`;
    this.calls.push({
      kind,
      name,
      mspId: call.caller.mspId,
      certificate: call.caller.certificate,
      arguments: call.arguments ?? [],
      transient: call.transient ?? {},
      endorsingOrganizations: call.endorsingOrganizations,
    });
    const answer = this.#answers.get(name);
    if (answer === undefined) throw new Error(`FakeLedger has no answer for ${name}`);
    return Buffer.from(JSON.stringify(await answer(call)));
  }
}

function serviceError(code: GrpcStatus, message: string): ServiceError {
  return Object.assign(new Error(message), {
    code,
    details: message,
    metadata: new Metadata(),
  });
}

/** What fabric-gateway throws when an endorsing peer's chaincode rejected a submit: an EndorseError. */
export function chaincodeEndorseError(code: string, detail: string): EndorseError {
  const message = '10 ABORTED: failed to endorse transaction, see attached details for more info';
  return new EndorseError({
    code: 10,
    details: [
      { address: 'peer0:7051', mspId: 'Provider1MSP', message: `chaincode response 500, ${code}: ${detail}` },
    ],
    cause: serviceError(GrpcStatus.ABORTED, message),
    transactionId: 'a'.repeat(64),
    message,
  });
}

/** What fabric-gateway throws when an evaluated chaincode call failed. */
export function chaincodeEvaluateError(code: string, detail: string): GatewayError {
  const message = `2 UNKNOWN: evaluate call to endorser returned error: chaincode response 500, ${code}: ${detail}`;
  return new GatewayError({
    code: 2,
    details: [],
    cause: serviceError(GrpcStatus.UNKNOWN, message),
    message,
  });
}

/** A gRPC-level failure (e.g. 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED) from fabric-gateway. */
export function grpcError(code: GrpcStatus, text: string): GatewayError {
  const message = `${String(code)} ${text}`;
  return new GatewayError({ code, details: [], cause: serviceError(code, message), message });
}
