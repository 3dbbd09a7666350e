import type { KeyObject } from 'node:crypto';
import type { Client } from '@grpc/grpc-js';
import {
  connect,
  GatewayError,
  hash,
  signers,
  type ConnectOptions,
  type Contract,
  type Gateway,
  type ProposalOptions,
} from '@hyperledger/fabric-gateway';
import type { Ledger, LedgerCall, LedgerCaller, SubmitResult } from './ledger';
import { newNativeP256Signer } from './native-signer';
import {
  DEFAULT_RETRY_POLICY,
  submitWithRetry,
  type RetriedStep,
  type RetryPolicy,
} from './submit-with-retry';

/** Per-call gRPC deadlines; every call has one. */
export interface LedgerDeadlines {
  readonly evaluateMs: number;
  readonly endorseMs: number;
  readonly submitMs: number;
  readonly commitStatusMs: number;
}

export const DEFAULT_DEADLINES: LedgerDeadlines = {
  evaluateMs: 10_000,
  endorseMs: 15_000,
  submitMs: 10_000,
  commitStatusMs: 60_000,
};

export interface FabricLedgerOptions {
  /** One gRPC connection to the org's peer, shared by all users; the ledger closes it on close(). */
  readonly client: Client;
  readonly channel: string;
  readonly chaincode: string;
  readonly deadlines?: LedgerDeadlines;
  readonly retry?: RetryPolicy;
  /** Deadline of the readiness check. */
  readonly reachableTimeoutMs?: number;
  /** Told about every retry of a submit, by fully-qualified transaction name. */
  readonly onRetry?: (transaction: string, step: RetriedStep) => void;
}

const GRPC_UNAVAILABLE = 14;

/**
 * {@link Ledger} over @hyperledger/fabric-gateway. Each call connects a Gateway for the calling user's identity
 * over the shared gRPC client (cheap: no new connection) and closes it afterwards, so every transaction is signed
 * by the person who asked for it.
 */
export function newFabricLedger(options: FabricLedgerOptions): Ledger {
  const deadlines = options.deadlines ?? DEFAULT_DEADLINES;
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;
  const withGateway = async <T>(caller: LedgerCaller, work: (gateway: Gateway) => Promise<T>): Promise<T> => {
    const gateway = connectAs(options.client, caller, deadlines);
    try {
      return await work(gateway);
    } finally {
      gateway.close();
    }
  };
  const contractOf = (gateway: Gateway, call: LedgerCall): Contract =>
    gateway.getNetwork(options.channel).getContract(options.chaincode, call.contract);
  return {
    evaluate(call) {
      return withGateway(call.caller, async (gateway) => {
        const contract = contractOf(gateway, call);
        // A query changes nothing: one more try when the peer was momentarily unavailable.
        try {
          return await contract.evaluate(call.transaction, proposalOptions(call));
        } catch (err) {
          if (!(err instanceof GatewayError && err.code === GRPC_UNAVAILABLE)) throw err;
          return await contract.evaluate(call.transaction, proposalOptions(call));
        }
      });
    },
    submit(call): Promise<SubmitResult> {
      return withGateway(call.caller, (gateway) =>
        submitWithRetry(contractOf(gateway, call), call.transaction, proposalOptions(call), retry, (step) => {
          options.onRetry?.(`${call.contract}:${call.transaction}`, step);
        }),
      );
    },
    isReachable() {
      const timeoutMs = options.reachableTimeoutMs ?? 2_000;
      return new Promise((resolve) => {
        options.client.waitForReady(Date.now() + timeoutMs, (err) => {
          resolve(err === undefined);
        });
      });
    },
    close() {
      options.client.close();
    },
  };
}

function connectAs(client: Client, caller: LedgerCaller, deadlines: LedgerDeadlines): Gateway {
  const after = (ms: number) => () => ({ deadline: Date.now() + ms });
  return connect({
    client,
    identity: { mspId: caller.mspId, credentials: Buffer.from(caller.certificate) },
    ...signing(caller.privateKey),
    evaluateOptions: after(deadlines.evaluateMs),
    endorseOptions: after(deadlines.endorseMs),
    submitOptions: after(deadlines.submitMs),
    commitStatusOptions: after(deadlines.commitStatusMs),
  });
}

/**
 * P-256 keys (what Fabric CA issues by default) sign natively over the whole message (`hash.none`); other keys
 * use fabric-gateway's own signer over a SHA-256 digest.
 */
function signing(privateKey: KeyObject): Pick<ConnectOptions, 'signer' | 'hash'> {
  if (privateKey.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return { signer: newNativeP256Signer(privateKey), hash: hash.none };
  }
  return { signer: signers.newPrivateKeySigner(privateKey), hash: hash.sha256 };
}

function proposalOptions(call: LedgerCall): ProposalOptions {
  return {
    arguments: [...(call.arguments ?? [])],
    ...(call.transient === undefined ? {} : { transientData: { ...call.transient } }),
    endorsingOrganizations: [...call.endorsingOrganizations],
  };
}
