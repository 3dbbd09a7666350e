import type { Context } from 'fabric-contract-api';
import type { AuditRecord } from '../domain/audit';
import { marshal, unmarshal } from '../domain/canonical-json';
import type { AccessRequest } from '../domain/consent';
import { noteSeqKeyPart, type EmrRecord, type NoteRecord } from '../domain/emr';
import { conflict, failedPrecondition, notFound } from '../domain/errors';
import { PROVIDER_KEY_BYTES, patientRefFor, recordKeyFor, saltFor } from '../domain/pseudonym';
import { collectValues } from './query-results';

/** The implicit private data collection of an org: data on that org's peers, hashes on every peer. */
export function implicitCollection(msp: string): string {
  return `_implicit_org_${msp}`;
}

/** Private key of an access request in its owner's collection (also the public mirror's key). */
export function requestRecordKey(ctx: Context, requestId: string): string {
  return ctx.stub.createCompositeKey('request', [requestId]);
}

/** Private key of the provider secret (raw 32 bytes). */
const PROVIDER_KEY = ['providerKey'] as const;

/** Erasure consent given by the patient (ConsentToEmrErasure), required by PurgeEmr. */
export interface ErasureConsent {
  readonly emrId: string;
  readonly consentedAt: string;
  readonly txId: string;
}

interface EmrIndexEntry {
  readonly recordKey: string;
}

interface RequestIndexEntry {
  readonly requestId: string;
}

interface ActiveRequestsEntry {
  readonly requestIds: readonly string[];
}

/**
 * What happens when the org has no provider key: for the caller's own org it is a setup error; for a provider
 * named in an argument it means "no such provider" (an org outside the channel has no key either).
 */
export type MissingProvider = 'own' | 'named';

/**
 * All private I/O of one provider, in its implicit collection. Keys (composite, all under secret record keys):
 *
 * | key                                   | value                          |
 * |---------------------------------------|--------------------------------|
 * | providerKey                           | 32 random bytes                |
 * | emr ⟨recordKey⟩                       | EMR header + demographics      |
 * | note ⟨recordKey⟩ ⟨seq, 10 digits⟩     | one note                       |
 * | emrId ⟨emrId⟩                         | { recordKey }                  |
 * | request ⟨requestId⟩                   | access request (consent state) |
 * | emrRequest ⟨recordKey⟩ ⟨requestId⟩    | index: requests of a patient   |
 * | activeRequests ⟨recordKey⟩            | ids of PENDING/GRANTED ones    |
 * | audit ⟨recordKey⟩ ⟨auditId⟩           | one shared read                |
 * | erasure ⟨recordKey⟩                   | patient's erasure consent      |
 *
 * Every JSON value carries a `salt` (see {@link saltFor}) so that no value hash is confirmable by guessing.
 *
 * Listings (range and partial-key queries) serve evaluated queries only: Fabric rejects every write of a
 * transaction that ran a range query on private data. Transactions that write find what they need by point reads
 * — hence `activeRequests`, which RequestEmrAccess, RemoveEmrSharing, RevokeEmrSharing and PurgeEmr maintain.
 */
export class ProviderLedger {
  readonly msp: string;
  readonly collection: string;
  readonly #ctx: Context;
  readonly #key: Uint8Array;

  private constructor(ctx: Context, msp: string, key: Uint8Array) {
    this.#ctx = ctx;
    this.msp = msp;
    this.collection = implicitCollection(msp);
    this.#key = key;
  }

  /**
   * Opens an initialized provider; fails on a peer that is not one of the provider's. For the caller's own org
   * the read alone tells both cases apart (absent: not initialized; unreadable: wrong peer), one round trip to the
   * peer fewer; a named org is first looked up by hash, which any peer can answer, to tell "no such provider".
   */
  static async open(ctx: Context, msp: string, missing: MissingProvider): Promise<ProviderLedger> {
    const collection = implicitCollection(msp);
    const keyName = ctx.stub.createCompositeKey(PROVIDER_KEY[0], []);
    if (missing === 'named' && !(await hashExists(ctx, collection, keyName))) {
      throw notFound(`no provider ${msp} on this channel`);
    }
    const key = await readPrivate(ctx, collection, msp, keyName);
    if (key === undefined) {
      throw failedPrecondition(`provider ${msp} has no provider key yet (InitializeProvider)`);
    }
    if (key.length !== PROVIDER_KEY_BYTES) {
      throw failedPrecondition(`records of ${msp} are not available on this peer`);
    }
    return new ProviderLedger(ctx, msp, key);
  }

  /** InitializeProvider: stores the key once. */
  static async initialize(ctx: Context, msp: string, key: Uint8Array): Promise<void> {
    const collection = implicitCollection(msp);
    const keyName = ctx.stub.createCompositeKey(PROVIDER_KEY[0], []);
    if (await hashExists(ctx, collection, keyName)) {
      throw conflict(`provider ${msp} already has a provider key`);
    }
    await ctx.stub.putPrivateData(collection, keyName, key);
  }

  patientRef(patientId: string): string {
    return patientRefFor(this.#key, patientId);
  }

  recordKey(patientRef: string): string {
    return recordKeyFor(this.#key, patientRef);
  }

  // --- EMR ---------------------------------------------------------------------------------------------------

  async hasEmr(recordKey: string): Promise<boolean> {
    return hashExists(this.#ctx, this.collection, this.#k('emr', recordKey));
  }

  async emr(recordKey: string): Promise<EmrRecord | undefined> {
    return this.#get<EmrRecord>(this.#k('emr', recordKey));
  }

  async putEmr(recordKey: string, emr: EmrRecord): Promise<void> {
    await this.#put(this.#k('emr', recordKey), emr);
  }

  async putEmrIndex(emrId: string, recordKey: string): Promise<void> {
    await this.#put(this.#k('emrId', emrId), { recordKey } satisfies EmrIndexEntry);
  }

  /** The record key of an EMR id of this provider (kept after erasure, for the access log). */
  async recordKeyOfEmr(emrId: string): Promise<string> {
    const entry = await this.#get<EmrIndexEntry>(this.#k('emrId', emrId));
    if (entry === undefined) {
      throw notFound(`no EMR with this id at provider ${this.msp}`);
    }
    return entry.recordKey;
  }

  async putNote(recordKey: string, note: NoteRecord): Promise<void> {
    await this.#put(this.#k('note', recordKey, noteSeqKeyPart(note.seq)), note);
  }

  /** Notes 1..upTo in order, by one range query over the note keys. */
  async notes(recordKey: string, upTo: number): Promise<NoteRecord[]> {
    if (upTo < 1) {
      return [];
    }
    const start = this.#k('note', recordKey, noteSeqKeyPart(1));
    const end = this.#k('note', recordKey, noteSeqKeyPart(upTo + 1));
    return this.#range<NoteRecord>(start, end);
  }

  async purgeEmr(recordKey: string, noteCount: number): Promise<void> {
    await this.#purge(this.#k('emr', recordKey));
    for (let seq = 1; seq <= noteCount; seq++) {
      await this.#purge(this.#k('note', recordKey, noteSeqKeyPart(seq)));
    }
    await this.#purge(this.#k('erasure', recordKey));
  }

  // --- access requests -----------------------------------------------------------------------------------------

  async request(requestId: string): Promise<AccessRequest | undefined> {
    return this.#get<AccessRequest>(requestRecordKey(this.#ctx, requestId));
  }

  /** Writes a request; returns the exact bytes written, whose SHA-256 the public mirror carries. */
  async putRequest(request: AccessRequest, created: boolean): Promise<Uint8Array> {
    if (created) {
      const recordKey = this.recordKey(request.patientRef);
      await this.#put(this.#k('emrRequest', recordKey, request.requestId), {
        requestId: request.requestId,
      } satisfies RequestIndexEntry);
    }
    return this.#put(requestRecordKey(this.#ctx, request.requestId), request);
  }

  /** Ids of the PENDING or GRANTED requests for one patient's EMR (a point read, usable before writes). */
  async activeRequestIds(recordKey: string): Promise<string[]> {
    return [
      ...((await this.#get<ActiveRequestsEntry>(this.#k('activeRequests', recordKey)))?.requestIds ?? []),
    ];
  }

  /** The PENDING or GRANTED requests for one patient's EMR, by point reads. */
  async activeRequests(recordKey: string): Promise<AccessRequest[]> {
    const requests: AccessRequest[] = [];
    for (const requestId of await this.activeRequestIds(recordKey)) {
      const request = await this.request(requestId);
      if (request !== undefined) {
        requests.push(request);
      }
    }
    return requests;
  }

  async putActiveRequestIds(recordKey: string, requestIds: readonly string[]): Promise<void> {
    await this.#put(this.#k('activeRequests', recordKey), {
      requestIds: [...new Set(requestIds)].sort(),
    } satisfies ActiveRequestsEntry);
  }

  /** All requests concerning one patient's EMR (a range query: evaluated transactions only). */
  async requestsOf(recordKey: string): Promise<AccessRequest[]> {
    const entries = await this.#list<RequestIndexEntry>('emrRequest', recordKey);
    const requests: AccessRequest[] = [];
    for (const entry of entries) {
      const request = await this.request(entry.requestId);
      if (request !== undefined) {
        requests.push(request);
      }
    }
    return requests;
  }

  /** Every request addressed to this provider (a range query: evaluated transactions only). */
  async allRequests(): Promise<AccessRequest[]> {
    return this.#list<AccessRequest>('request');
  }

  // --- audit ---------------------------------------------------------------------------------------------------

  async putAudit(recordKey: string, audit: AuditRecord): Promise<void> {
    await this.#put(this.#k('audit', recordKey, audit.auditId), audit);
  }

  async audit(recordKey: string, auditId: string): Promise<AuditRecord | undefined> {
    return this.#get<AuditRecord>(this.#k('audit', recordKey, auditId));
  }

  async audits(recordKey: string): Promise<AuditRecord[]> {
    return this.#list<AuditRecord>('audit', recordKey);
  }

  // --- erasure -------------------------------------------------------------------------------------------------

  async erasureConsent(recordKey: string): Promise<ErasureConsent | undefined> {
    return this.#get<ErasureConsent>(this.#k('erasure', recordKey));
  }

  async putErasureConsent(recordKey: string, consent: ErasureConsent): Promise<void> {
    await this.#put(this.#k('erasure', recordKey), consent);
  }

  // --- plumbing ------------------------------------------------------------------------------------------------

  #k(objectType: string, ...attributes: string[]): string {
    return this.#ctx.stub.createCompositeKey(objectType, attributes);
  }

  async #get<T>(key: string): Promise<T | undefined> {
    const bytes = await readPrivate(this.#ctx, this.collection, this.msp, key);
    return bytes === undefined ? undefined : (unmarshal(bytes) as T);
  }

  async #put(key: string, value: object): Promise<Uint8Array> {
    const salt = saltFor(this.#key, this.#ctx.stub.getTxID(), key);
    const bytes = marshal({ ...value, salt });
    await this.#ctx.stub.putPrivateData(this.collection, key, bytes);
    return bytes;
  }

  async #purge(key: string): Promise<void> {
    await this.#ctx.stub.purgePrivateData(this.collection, key);
  }

  async #list<T>(objectType: string, ...attributes: string[]): Promise<T[]> {
    return collectValues<T>(
      this.#ctx.stub.getPrivateDataByPartialCompositeKey(this.collection, objectType, attributes),
    );
  }

  async #range<T>(start: string, end: string): Promise<T[]> {
    return collectValues<T>(this.#ctx.stub.getPrivateDataByRange(this.collection, start, end));
  }
}

/** SHA-256 of a private value as every peer of the channel knows it, or undefined when the key is absent. */
export async function privateHashHex(
  ctx: Context,
  collection: string,
  key: string,
): Promise<string | undefined> {
  const hash = await ctx.stub.getPrivateDataHash(collection, key);
  return hash.length === 0 ? undefined : Buffer.from(hash).toString('hex');
}

async function hashExists(ctx: Context, collection: string, key: string): Promise<boolean> {
  return (await privateHashHex(ctx, collection, key)) !== undefined;
}

/**
 * Reads a private value. A peer outside the collection's org has only the hash and fails the read ("private data
 * matching public hash version is not available"); that is reported as FAILED_PRECONDITION, telling the client to
 * target a peer of the owning org.
 */
async function readPrivate(
  ctx: Context,
  collection: string,
  msp: string,
  key: string,
): Promise<Uint8Array | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await ctx.stub.getPrivateData(collection, key);
  } catch {
    throw failedPrecondition(
      `records of ${msp} are not available on this peer; send the proposal to a peer of ${msp}`,
    );
  }
  return bytes.length === 0 ? undefined : bytes;
}
