import { createHash } from 'node:crypto';
import type { ChaincodeStub, Iterators, SerializedIdentity } from 'fabric-shim-api';

/**
 * In-memory stand-in for the parts of a Fabric peer the EMR chaincode touches, modelled on Fabric 2.5/3.x:
 *
 * - Reads see only committed state (no read-your-writes inside a transaction), and record the version they saw.
 * - Private data of `_implicit_org_<MSP>` is held only by peers of <MSP>; every peer holds SHA-256 hashes.
 *   A non-member reading a key that has a hash fails like a real peer; `getPrivateDataHash` works everywhere.
 * - Writes, purges, key-level endorsement policies and the event are collected into a simulation; the network
 *   (fake-network.ts) validates and commits them.
 * - `getMspID()` throws: the chaincode must never depend on which org's peer runs it.
 * - Like Fabric's transaction simulator, a proposal that ran a range query on private data may not write
 *   (public or private), and one that wrote may not run such a query: Fabric cannot protect private range
 *   queries against phantoms at validation, so it allows them only in read-only transactions.
 */

const COMPOSITE_NS = '\u0000';
const MIN_RUNE = '\u0000';
const MAX_RUNE = '\u{10ffff}';

export function sha256(bytes: Uint8Array | string): Buffer {
  return createHash('sha256').update(bytes).digest();
}

export interface Versioned {
  readonly value: Buffer;
  readonly version: number;
}

interface HashEntry {
  readonly hash: Buffer;
  readonly version: number;
}

/** Committed state of the channel, as the union of all peers' stores. */
export class WorldState {
  readonly public = new Map<string, Versioned>();
  readonly keyPolicies = new Map<string, Buffer>();
  /** Private values, by collection (held by the collection org's peers only). */
  readonly private = new Map<string, Map<string, Versioned>>();
  /** Private value hashes, by collection (held by every peer). */
  readonly hashes = new Map<string, Map<string, HashEntry>>();

  privateOf(collection: string): Map<string, Versioned> {
    let map = this.private.get(collection);
    if (map === undefined) {
      map = new Map();
      this.private.set(collection, map);
    }
    return map;
  }

  hashesOf(collection: string): Map<string, HashEntry> {
    let map = this.hashes.get(collection);
    if (map === undefined) {
      map = new Map();
      this.hashes.set(collection, map);
    }
    return map;
  }
}

export type PrivateWrite =
  { readonly kind: 'put'; readonly value: Buffer } | { readonly kind: 'delete' } | { readonly kind: 'purge' };

/** Read-write set and event of one simulated proposal. */
export class Simulation {
  /** `<namespace>\u0000<key>` → version seen (undefined = absent). Namespace '' is public state. */
  readonly reads = new Map<string, number | undefined>();
  readonly publicWrites = new Map<string, Buffer | null>();
  readonly keyPolicyWrites = new Map<string, Buffer>();
  readonly privateWrites = new Map<string, Map<string, PrivateWrite>>();
  event: { readonly name: string; readonly payload: Buffer } | undefined;
  #wrote = false;
  #queriedPrivateRanges = false;

  /** Fabric's txSimulator.checkWritePrecondition: no write after a private range query. */
  beforeWrite(): void {
    if (this.#queriedPrivateRanges) {
      throw new Error(
        'unsuppored transaction. Transaction has already performed queries on pvt data. Writes are not allowed',
      );
    }
    this.#wrote = true;
  }

  /** Fabric's txSimulator.checkBeforePvtdataQueries: private range queries only in read-only transactions. */
  beforePrivateRangeQuery(): void {
    if (this.#wrote) {
      throw new Error('Queries on pvt data is supported only in a read-only transaction');
    }
    this.#queriedPrivateRanges = true;
  }

  privateWritesOf(collection: string): Map<string, PrivateWrite> {
    let map = this.privateWrites.get(collection);
    if (map === undefined) {
      map = new Map();
      this.privateWrites.set(collection, map);
    }
    return map;
  }
}

export interface StubInput {
  readonly world: WorldState;
  readonly peerMsp: string;
  readonly channel: string;
  readonly txId: string;
  readonly timestamp: Date;
  readonly creator: SerializedIdentity;
  readonly args: readonly string[];
  readonly transient: ReadonlyMap<string, Uint8Array>;
}

function implicitCollectionOrg(collection: string): string | undefined {
  return collection.startsWith('_implicit_org_') ? collection.slice('_implicit_org_'.length) : undefined;
}

function requireKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new Error('key must not be an empty string');
  }
}

function requireValue(value: Uint8Array): Buffer {
  if (!(value instanceof Uint8Array)) {
    throw new Error('value must be bytes');
  }
  return Buffer.from(value);
}

type KvIterator = Iterators.StateQueryIterator;
/** A range query result as fabric-shim declares it. */
type QueryResult = Promise<KvIterator> & AsyncIterable<Iterators.KV>;

function iteratorOf(namespace: string, entries: ReadonlyArray<readonly [string, Buffer]>): KvIterator {
  let index = 0;
  return {
    next(): Promise<Iterators.NextResult<Iterators.KV>> {
      const entry = entries[index++];
      if (entry === undefined) {
        return Promise.resolve({ done: true } as Iterators.NextResult<Iterators.KV>);
      }
      return Promise.resolve({ value: { namespace, key: entry[0], value: entry[1] }, done: false });
    },
    close(): Promise<void> {
      return Promise.resolve();
    },
  };
}

/**
 * What fabric-shim 2.5 really returns from a range query: a promise that resolves to `{ iterator }` — not to the
 * iterator its typings promise, so chaincode that awaits it breaks here as on a peer — and that is also an async
 * iterable (the supported way to read it).
 */
function queryResultOf(namespace: string, entries: ReadonlyArray<readonly [string, Buffer]>): QueryResult {
  const promise = Promise.resolve({ iterator: iteratorOf(namespace, entries) } as unknown as KvIterator);
  return asQueryResult(promise, () => iteratorOf(namespace, entries));
}

/** A query the peer refused: the promise rejects, and so does the first step of an iteration. */
function failedQueryResult(error: Error): QueryResult {
  const promise = Promise.reject(error);
  promise.catch(() => undefined); // rejected again for whoever awaits or iterates it
  return asQueryResult(promise, () => ({
    next: () => Promise.reject(error),
    close: () => Promise.resolve(),
  }));
}

function asQueryResult(promise: Promise<KvIterator>, iterate: () => KvIterator): QueryResult {
  return Object.assign(promise, {
    [Symbol.asyncIterator]: (): AsyncIterator<Iterators.KV> => {
      const iterator = iterate();
      return {
        next: async () => {
          const result = await iterator.next();
          if (result.done) await iterator.close();
          return result;
        },
      };
    },
  });
}

function inRange<T>(map: ReadonlyMap<string, T>, start: string, end: string): [string, T][] {
  return [...map.entries()]
    .filter(([key]) => key >= start && (end === '' || key < end))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export class FakeStub {
  readonly simulation = new Simulation();
  readonly #in: StubInput;

  constructor(input: StubInput) {
    this.#in = input;
  }

  // --- proposal -------------------------------------------------------------------------------------------------

  getBufferArgs(): Buffer[] {
    return this.#in.args.map((arg) => Buffer.from(arg, 'utf8'));
  }

  getArgs(): string[] {
    return [...this.#in.args];
  }

  getStringArgs(): string[] {
    return [...this.#in.args];
  }

  getFunctionAndParameters(): { fcn: string; params: string[] } {
    const [fcn = '', ...params] = this.#in.args;
    return { fcn, params };
  }

  getTxID(): string {
    return this.#in.txId;
  }

  getChannelID(): string {
    return this.#in.channel;
  }

  getCreator(): SerializedIdentity {
    return this.#in.creator;
  }

  getTransient(): Map<string, Uint8Array> {
    return new Map(this.#in.transient);
  }

  getDateTimestamp(): Date {
    return new Date(this.#in.timestamp.getTime());
  }

  getMspID(): string {
    throw new Error('fake: the chaincode must not depend on the MSP ID of the peer running it');
  }

  // --- public state ---------------------------------------------------------------------------------------------

  getState(key: string): Promise<Uint8Array> {
    requireKey(key);
    const entry = this.#in.world.public.get(key);
    this.simulation.reads.set(`\u0000${key}`, entry?.version);
    return Promise.resolve(entry?.value ?? Buffer.alloc(0));
  }

  putState(key: string, value: Uint8Array): Promise<void> {
    requireKey(key);
    this.simulation.beforeWrite();
    this.simulation.publicWrites.set(key, requireValue(value));
    return Promise.resolve();
  }

  deleteState(key: string): Promise<void> {
    requireKey(key);
    this.simulation.beforeWrite();
    this.simulation.publicWrites.set(key, null);
    return Promise.resolve();
  }

  setStateValidationParameter(key: string, ep: Uint8Array): Promise<void> {
    requireKey(key);
    this.simulation.beforeWrite();
    this.simulation.keyPolicyWrites.set(key, Buffer.from(ep));
    return Promise.resolve();
  }

  getStateValidationParameter(key: string): Promise<Uint8Array> {
    return Promise.resolve(this.#in.world.keyPolicies.get(key) ?? Buffer.alloc(0));
  }

  getStateByPartialCompositeKey(objectType: string, attributes: string[]): QueryResult {
    const prefix = this.createCompositeKey(objectType, attributes);
    const entries = inRange(this.#in.world.public, prefix, prefix + MAX_RUNE).map(
      ([key, entry]) => [key, entry.value] as const,
    );
    return queryResultOf('emr', entries);
  }

  // --- composite keys (same encoding as fabric-shim) ------------------------------------------------------------

  createCompositeKey(objectType: string, attributes: string[]): string {
    for (const part of [objectType, ...attributes]) {
      if (typeof part !== 'string' || part.length === 0) {
        throw new Error('object type or attribute not a non-zero length string');
      }
    }
    return (
      COMPOSITE_NS + objectType + MIN_RUNE + attributes.map((attribute) => attribute + MIN_RUNE).join('')
    );
  }

  splitCompositeKey(compositeKey: string): { objectType: string | null; attributes: string[] } {
    const [objectType = null, ...rest] = compositeKey.slice(1).split(MIN_RUNE);
    rest.pop();
    return { objectType, attributes: rest };
  }

  // --- private data ---------------------------------------------------------------------------------------------

  #isMember(collection: string): boolean {
    return implicitCollectionOrg(collection) === this.#in.peerMsp;
  }

  getPrivateData(collection: string, key: string): Promise<Uint8Array> {
    requireKey(key);
    const hash = this.#in.world.hashesOf(collection).get(key);
    this.simulation.reads.set(`${collection}\u0000${key}`, hash?.version);
    if (!this.#isMember(collection)) {
      if (hash !== undefined) {
        return Promise.reject(
          new Error(
            `private data matching public hash version is not available. Public hash version = ${hash.version}, Private data version = <nil>`,
          ),
        );
      }
      return Promise.resolve(Buffer.alloc(0));
    }
    return Promise.resolve(this.#in.world.privateOf(collection).get(key)?.value ?? Buffer.alloc(0));
  }

  getPrivateDataHash(collection: string, key: string): Promise<Uint8Array> {
    requireKey(key);
    const hash = this.#in.world.hashesOf(collection).get(key);
    this.simulation.reads.set(`${collection}\u0000${key}`, hash?.version);
    return Promise.resolve(hash?.hash ?? Buffer.alloc(0));
  }

  putPrivateData(collection: string, key: string, value: Uint8Array): Promise<void> {
    requireKey(key);
    const bytes = requireValue(value);
    if (bytes.length === 0) {
      return Promise.reject(new Error('value must not be empty'));
    }
    this.simulation.beforeWrite();
    this.simulation.privateWritesOf(collection).set(key, { kind: 'put', value: bytes });
    return Promise.resolve();
  }

  deletePrivateData(collection: string, key: string): Promise<void> {
    requireKey(key);
    this.simulation.beforeWrite();
    this.simulation.privateWritesOf(collection).set(key, { kind: 'delete' });
    return Promise.resolve();
  }

  purgePrivateData(collection: string, key: string): Promise<void> {
    requireKey(key);
    this.simulation.beforeWrite();
    this.simulation.privateWritesOf(collection).set(key, { kind: 'purge' });
    return Promise.resolve();
  }

  getPrivateDataByRange(collection: string, startKey: string, endKey: string): QueryResult {
    try {
      this.simulation.beforePrivateRangeQuery();
    } catch (error) {
      return failedQueryResult(error as Error);
    }
    const entries = this.#isMember(collection)
      ? inRange(this.#in.world.privateOf(collection), startKey, endKey).map(
          ([key, entry]) => [key, entry.value] as const,
        )
      : [];
    return queryResultOf('emr', entries);
  }

  getPrivateDataByPartialCompositeKey(
    collection: string,
    objectType: string,
    attributes: string[],
  ): QueryResult {
    const prefix = this.createCompositeKey(objectType, attributes);
    return this.getPrivateDataByRange(collection, prefix, prefix + MAX_RUNE);
  }

  // --- events ---------------------------------------------------------------------------------------------------

  setEvent(name: string, payload: Uint8Array): void {
    if (typeof name !== 'string' || name.length === 0) {
      throw new Error('event name must be a non-empty string');
    }
    this.simulation.event = { name, payload: Buffer.from(payload) };
  }
}

/** The FakeStub seen through the shim's interface (the chaincode only calls the methods implemented above). */
export function asChaincodeStub(stub: FakeStub): ChaincodeStub {
  return stub as unknown as ChaincodeStub;
}
