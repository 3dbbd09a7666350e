import type { KeyObject } from 'node:crypto';

/**
 * The gateway's narrow view of Fabric: evaluate or submit one chaincode transaction as a given user. The real
 * implementation (`fabric-ledger.ts`) signs with the user's own key over one shared gRPC connection; route tests
 * use a fake.
 */
export interface Ledger {
  /** Runs a query on the peers of `call.endorsingOrganizations`; nothing is ordered or stored. */
  evaluate(call: LedgerCall): Promise<Uint8Array>;
  /** Endorses, orders and waits for the commit; retries concurrency conflicts a bounded number of times. */
  submit(call: LedgerCall): Promise<SubmitResult>;
  /** True when the org's peer can be reached now (readiness). */
  isReachable(): Promise<boolean>;
  close(): void;
}

/** The chaincode's contracts (chaincode/README.md). */
export type ContractName = 'HealthCenter' | 'Physician' | 'Patient' | 'Sharing' | 'Provider';

/** A user's signing identity: certificate and the private key, opened from the store for this call. */
export interface LedgerCaller {
  readonly mspId: string;
  readonly certificate: string;
  readonly privateKey: KeyObject;
}

export interface LedgerCall {
  readonly caller: LedgerCaller;
  readonly contract: ContractName;
  readonly transaction: string;
  readonly arguments?: readonly string[];
  /** Values that stay out of the transaction (private data in, PHI): UTF-8 strings. */
  readonly transient?: Readonly<Record<string, string>>;
  /** MSP IDs whose peers must run the proposal: the caller's own org, or the EMR owner for shared reads. */
  readonly endorsingOrganizations: readonly string[];
}

export interface SubmitResult {
  readonly result: Uint8Array;
  readonly transactionId: string;
}
