import './quiet-logs';
import { X509Certificate } from 'node:crypto';
import { JSONSerializer } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import ChaincodeFromContract from 'fabric-shim/lib/contract-spi/chaincodefromcontract';
import { contracts } from '../index';
import { issueCertificate, type CertificateSubject } from './certificates';
import { asChaincodeStub, FakeStub, sha256, WorldState, type Simulation } from './fake-stub';

/**
 * A channel of provider orgs, one peer each, running the EMR chaincode through the shim's real contract
 * dispatcher (argument marshalling, ClientIdentity from a real certificate, response serialization), with:
 *
 * - endorse → commit as in Fabric: a proposal runs on one org's peer; at commit the read set is checked for
 *   MVCC conflicts and the write set against the endorsement policies the EMR design relies on:
 *   chaincode policy = any one channel org; `_implicit_org_X` writes need a peer of X (the org's Endorsement
 *   policy); public keys with a key-level policy need a peer of a listed org.
 * - a block log of every ordered transaction (valid or not): function, arguments, creator certificate,
 *   response, event, public writes, and only hashes of private writes — what every org's peer receives.
 */

export interface Identity {
  readonly mspId: string;
  readonly certificate: string;
  readonly subject: CertificateSubject;
}

export type TransientValue = string | Uint8Array | Record<string, unknown>;

export interface CallOptions {
  /** Transient data (not recorded anywhere); objects are sent as JSON. */
  readonly transient?: Readonly<Record<string, TransientValue>>;
  /** Org whose peer runs the proposal (fabric-gateway `endorsingOrganizations`); default: the caller's. */
  readonly peer?: string;
}

export type ValidationCode = 'VALID' | 'MVCC_READ_CONFLICT' | 'ENDORSEMENT_POLICY_FAILURE';

export interface Endorsement {
  readonly txId: string;
  readonly fcn: string;
  readonly args: readonly string[];
  readonly creator: Identity;
  readonly endorser: string;
  readonly payload: string;
  readonly simulation: Simulation;
}

/** What an ordered transaction puts in a block, i.e. what every peer of the channel stores. */
export interface BlockTransaction {
  readonly txId: string;
  readonly fcn: string;
  readonly args: readonly string[];
  readonly creatorMsp: string;
  readonly endorser: string;
  readonly creatorCertificateDer: Buffer;
  readonly response: string;
  readonly event?: { readonly name: string; readonly payload: Buffer };
  readonly publicWrites: ReadonlyArray<{ readonly key: string; readonly value: Buffer | null }>;
  readonly privateWriteHashes: ReadonlyArray<{
    readonly collection: string;
    readonly keyHash: Buffer;
    readonly valueHash?: Buffer;
  }>;
  readonly validation: ValidationCode;
}

/** A chaincode error as the gateway reports it (message = the chaincode's error message). */
export class EndorseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EndorseError';
  }
}

export class CommitError extends Error {
  readonly code: ValidationCode;
  constructor(code: ValidationCode, detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'CommitError';
    this.code = code;
  }
}

const START = Date.parse('2025-03-01T08:00:00.000Z');

export class FakeNetwork {
  readonly channel = 'emr';
  readonly orgs: readonly string[];
  readonly world = new WorldState();
  readonly blocks: BlockTransaction[] = [];
  /** Every chaincode error message returned, for the PHI scan (peers log them). */
  readonly errors: string[] = [];
  /** Orgs whose peers are down: proposals sent to them fail as UNAVAILABLE. */
  readonly down = new Set<string>();
  readonly #chaincode: ChaincodeFromContract;
  #clock = START;
  #txCounter = 0;
  #version = 0;

  /**
   * Chaincode-level endorsement policy: `ANY` (one org's peer, what the EMR design requires) or `MAJORITY` (the
   * channel default `/Channel/Application/Endorsement`). Like Fabric's key-level validator, it is only checked for
   * public writes without a key-level policy (or a transaction without writes); implicit-collection writes are
   * checked against their collection's org instead.
   */
  readonly chaincodePolicy: 'ANY' | 'MAJORITY';

  constructor(orgs: readonly string[], chaincodePolicy: 'ANY' | 'MAJORITY' = 'ANY') {
    this.orgs = orgs;
    this.chaincodePolicy = chaincodePolicy;
    this.#chaincode = new ChaincodeFromContract(
      [...contracts],
      { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } },
      {},
      '@emr/chaincode',
      '0.1.0',
    );
  }

  identity(mspId: string, subject: CertificateSubject): Identity {
    return { mspId, certificate: issueCertificate(mspId, subject), subject };
  }

  /** Transactions per contract as the dispatcher exposes them, with their SUBMIT/EVALUATE tag. */
  transactions(): Record<string, Record<string, 'SUBMIT' | 'EVALUATE'>> {
    const result: Record<string, Record<string, 'SUBMIT' | 'EVALUATE'>> = {};
    for (const [name, contract] of Object.entries(this.#chaincode.metadata.contracts)) {
      result[name] = Object.fromEntries(
        contract.transactions.map((tx) => [
          tx.name,
          tx.tag?.includes('SUBMIT') === true ? 'SUBMIT' : 'EVALUATE',
        ]),
      );
    }
    return result;
  }

  /** Moves the transaction clock (each proposal also advances it by one minute). */
  setTime(iso: string): void {
    this.#clock = Date.parse(iso);
  }

  async endorse(
    creator: Identity,
    fcn: string,
    args: readonly string[] = [],
    options: CallOptions = {},
  ): Promise<Endorsement> {
    const txId = sha256(`tx-${++this.#txCounter}`).toString('hex');
    this.#clock += 60_000;
    const endorser = options.peer ?? creator.mspId;
    if (this.down.has(endorser)) {
      throw new EndorseError(`UNAVAILABLE: no peer of ${endorser} is reachable`);
    }
    const stub = new FakeStub({
      world: this.world,
      peerMsp: endorser,
      channel: this.channel,
      txId,
      timestamp: new Date(this.#clock),
      creator: { mspid: creator.mspId, idBytes: Buffer.from(creator.certificate, 'utf8') },
      args: [fcn, ...args],
      transient: encodeTransient(options.transient ?? {}),
    });
    const response = await this.#chaincode.Invoke(asChaincodeStub(stub));
    if (response.status !== 200) {
      const message = response.message ?? '';
      this.errors.push(message);
      throw new EndorseError(message);
    }
    const payload = Buffer.from(response.payload ?? new Uint8Array()).toString('utf8');
    return { txId, fcn, args, creator, endorser, payload, simulation: stub.simulation };
  }

  /** Orders and validates an endorsed transaction; throws CommitError when the peers mark it invalid. */
  commit(endorsement: Endorsement): void {
    const { simulation } = endorsement;
    const validation = this.#validate(endorsement);
    this.blocks.push(toBlockTransaction(endorsement, validation));
    if (validation !== 'VALID') {
      throw new CommitError(validation, endorsement.fcn);
    }
    const version = ++this.#version;
    for (const [key, value] of simulation.publicWrites) {
      if (value === null) {
        this.world.public.delete(key);
      } else {
        this.world.public.set(key, { value, version });
      }
    }
    for (const [key, policy] of simulation.keyPolicyWrites) {
      this.world.keyPolicies.set(key, policy);
    }
    for (const [collection, writes] of simulation.privateWrites) {
      for (const [key, write] of writes) {
        if (write.kind === 'put') {
          this.world.privateOf(collection).set(key, { value: write.value, version });
          this.world.hashesOf(collection).set(key, { hash: sha256(write.value), version });
        } else {
          this.world.privateOf(collection).delete(key);
          this.world.hashesOf(collection).delete(key);
        }
      }
    }
  }

  /** Endorse on one peer, then commit (fabric-gateway `submit`). Returns the response payload. */
  async submit(
    creator: Identity,
    fcn: string,
    args: readonly string[] = [],
    options: CallOptions = {},
  ): Promise<string> {
    if (this.#tagOf(fcn) === 'EVALUATE') {
      throw new Error(`test misuse: ${fcn} is an evaluate-only transaction`);
    }
    const endorsement = await this.endorse(creator, fcn, args, options);
    this.commit(endorsement);
    return endorsement.payload;
  }

  /** Run on one peer and discard the simulation (fabric-gateway `evaluate`): nothing reaches a block. */
  async evaluate(
    creator: Identity,
    fcn: string,
    args: readonly string[] = [],
    options: CallOptions = {},
  ): Promise<string> {
    return (await this.endorse(creator, fcn, args, options)).payload;
  }

  /** Every byte string `org`'s peer holds: all blocks, public state, all private hashes, its own private data. */
  peerView(org: string): Buffer[] {
    const chunks: Buffer[] = [];
    for (const tx of this.blocks) {
      chunks.push(Buffer.from(tx.fcn), Buffer.from(tx.response), tx.creatorCertificateDer);
      chunks.push(...tx.args.map((arg) => Buffer.from(arg)));
      if (tx.event !== undefined) {
        chunks.push(Buffer.from(tx.event.name), tx.event.payload);
      }
      for (const write of tx.publicWrites) {
        chunks.push(Buffer.from(write.key), write.value ?? Buffer.alloc(0));
      }
    }
    for (const [key, entry] of this.world.public) {
      chunks.push(Buffer.from(key), entry.value);
    }
    for (const [collection, values] of this.world.private) {
      if (collection === `_implicit_org_${org}`) {
        for (const [key, entry] of values) {
          chunks.push(Buffer.from(key), entry.value);
        }
      }
    }
    return chunks;
  }

  #tagOf(fcn: string): 'SUBMIT' | 'EVALUATE' | undefined {
    const [contract = '', name = ''] = fcn.includes(':') ? fcn.split(':') : ['HealthCenter', fcn];
    return this.transactions()[contract]?.[name];
  }

  #validate(endorsement: Endorsement): ValidationCode {
    const { simulation, endorser } = endorsement;
    for (const [namespacedKey, seen] of simulation.reads) {
      if (this.#currentVersion(namespacedKey) !== seen) {
        return 'MVCC_READ_CONFLICT';
      }
    }
    let chaincodePolicyApplies = simulation.publicWrites.size + simulation.privateWrites.size === 0;
    const publicKeys = new Set([...simulation.publicWrites.keys(), ...simulation.keyPolicyWrites.keys()]);
    for (const key of publicKeys) {
      const policy = this.world.keyPolicies.get(key);
      if (policy === undefined) {
        chaincodePolicyApplies = true;
      } else if (!new KeyEndorsementPolicy(policy).listOrgs().includes(endorser)) {
        return 'ENDORSEMENT_POLICY_FAILURE';
      }
    }
    for (const collection of simulation.privateWrites.keys()) {
      const owner = collection.startsWith('_implicit_org_') ? collection.slice('_implicit_org_'.length) : '';
      if (!this.orgs.includes(owner) || owner !== endorser) {
        return 'ENDORSEMENT_POLICY_FAILURE';
      }
    }
    if (chaincodePolicyApplies && !this.#satisfiesChaincodePolicy([endorser])) {
      return 'ENDORSEMENT_POLICY_FAILURE';
    }
    return 'VALID';
  }

  #satisfiesChaincodePolicy(endorsers: readonly string[]): boolean {
    const members = new Set(endorsers.filter((org) => this.orgs.includes(org)));
    return this.chaincodePolicy === 'ANY'
      ? members.size >= 1
      : members.size >= Math.floor(this.orgs.length / 2) + 1;
  }

  #currentVersion(namespacedKey: string): number | undefined {
    const separator = namespacedKey.indexOf('\u0000');
    const namespace = namespacedKey.slice(0, separator);
    const key = namespacedKey.slice(separator + 1);
    return namespace === ''
      ? this.world.public.get(key)?.version
      : this.world.hashes.get(namespace)?.get(key)?.version;
  }
}

function encodeTransient(values: Readonly<Record<string, TransientValue>>): Map<string, Uint8Array> {
  const map = new Map<string, Uint8Array>();
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'string') {
      map.set(name, Buffer.from(value, 'utf8'));
    } else if (value instanceof Uint8Array) {
      map.set(name, value);
    } else {
      map.set(name, Buffer.from(JSON.stringify(value), 'utf8'));
    }
  }
  return map;
}

function toBlockTransaction(endorsement: Endorsement, validation: ValidationCode): BlockTransaction {
  const { simulation } = endorsement;
  const privateWriteHashes = [...simulation.privateWrites].flatMap(([collection, writes]) =>
    [...writes].map(([key, write]) => ({
      collection,
      keyHash: sha256(key),
      valueHash: write.kind === 'put' ? sha256(write.value) : undefined,
    })),
  );
  return {
    txId: endorsement.txId,
    fcn: endorsement.fcn,
    args: endorsement.args,
    creatorMsp: endorsement.creator.mspId,
    endorser: endorsement.endorser,
    creatorCertificateDer: Buffer.from(new X509Certificate(endorsement.creator.certificate).raw),
    response: endorsement.payload,
    event: simulation.event,
    publicWrites: [...simulation.publicWrites].map(([key, value]) => ({ key, value })),
    privateWriteHashes,
    validation,
  };
}
