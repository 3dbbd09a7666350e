import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readVarint, snappyDecompress } from './snappy';

/**
 * A read-only view of a LevelDB folder as Fabric's goleveldb writes it (state DB, private data store, transient
 * store, …), enough to tell what a peer *holds* as opposed to which bytes happen to remain on disk: a deleted or
 * purged value stays in the journal (.log) and in tables (.ldb) until LevelDB compacts it away.
 *
 * Formats: https://github.com/google/leveldb/blob/main/doc/log_format.md and table_format.md.
 */
export interface LevelDbEntry {
  readonly key: Buffer;
  readonly sequence: number;
  /** undefined = deletion marker. */
  readonly value: Buffer | undefined;
  /** File the entry was read from. */
  readonly file: string;
}

const JOURNAL_BLOCK = 32 * 1024;
const JOURNAL_HEADER = 7;
const TABLE_FOOTER = 48;
const KIND_VALUE = 1;

/** Every entry of every journal and table in `dir` (older versions and deletions included). */
export async function readLevelDbEntries(dir: string): Promise<LevelDbEntry[]> {
  const entries: LevelDbEntry[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const file = join(dir, name);
    if (name.endsWith('.log')) {
      entries.push(...journalEntries(await readFile(file), file));
    } else if (name.endsWith('.ldb') || name.endsWith('.sst')) {
      entries.push(...tableEntries(await readFile(file), file));
    }
  }
  return entries;
}

/** The newest version of each key that is not deleted: what the database holds. */
export function liveEntries(entries: readonly LevelDbEntry[]): LevelDbEntry[] {
  const newest = new Map<string, LevelDbEntry>();
  for (const entry of entries) {
    const id = entry.key.toString('latin1');
    const current = newest.get(id);
    if (current === undefined || entry.sequence > current.sequence) {
      newest.set(id, entry);
    }
  }
  return [...newest.values()].filter((entry) => entry.value !== undefined);
}

/** Reassembles the records of a journal (log_format.md) and decodes each as a write batch. */
export function journalEntries(bytes: Buffer, file: string): LevelDbEntry[] {
  return journalRecords(bytes).flatMap((record) => writeBatchEntries(record, file));
}

/** The logical records of a journal file: fragments joined across its 32 KiB blocks. */
export function journalRecords(bytes: Buffer): Buffer[] {
  const records: Buffer[] = [];
  let pending: Buffer[] = [];
  for (let block = 0; block < bytes.length; block += JOURNAL_BLOCK) {
    const end = Math.min(block + JOURNAL_BLOCK, bytes.length);
    for (let pos = block; pos + JOURNAL_HEADER <= end;) {
      const length = bytes.readUInt16LE(pos + 4);
      const type = bytes[pos + 6];
      if (type === 0 && length === 0) break; // zero padding at the end of a block
      if (pos + JOURNAL_HEADER + length > end) break; // a record the peer is still writing
      const fragment = bytes.subarray(pos + JOURNAL_HEADER, pos + JOURNAL_HEADER + length);
      pos += JOURNAL_HEADER + length;
      if (type === 1) {
        records.push(fragment);
      } else if (type === 2) {
        pending = [fragment];
      } else if (type === 3) {
        pending.push(fragment);
      } else if (type === 4) {
        records.push(Buffer.concat([...pending, fragment]));
        pending = [];
      }
    }
  }
  return records;
}

/** A write batch: sequence (uint64), count (uint32), then put/delete records. */
function writeBatchEntries(batch: Buffer, file: string): LevelDbEntry[] {
  if (batch.length < 12) return [];
  const first = Number(batch.readBigUInt64LE(0));
  const count = batch.readUInt32LE(8);
  const entries: LevelDbEntry[] = [];
  let pos = 12;
  for (let i = 0; i < count && pos < batch.length; i++) {
    const kind = batch[pos++];
    const keyLength = readVarint(batch, pos);
    const key = batch.subarray(keyLength.next, keyLength.next + keyLength.value);
    pos = keyLength.next + keyLength.value;
    let value: Buffer | undefined;
    if (kind === KIND_VALUE) {
      const valueLength = readVarint(batch, pos);
      value = batch.subarray(valueLength.next, valueLength.next + valueLength.value);
      pos = valueLength.next + valueLength.value;
    }
    entries.push({ key, sequence: first + i, value, file });
  }
  return entries;
}

/** All entries of a table: the index block lists the data blocks, each possibly Snappy-compressed. */
export function tableEntries(bytes: Buffer, file: string): LevelDbEntry[] {
  const footer = bytes.subarray(bytes.length - TABLE_FOOTER);
  const metaIndex = readHandle(footer, 0);
  const index = readHandle(footer, metaIndex.next);
  const entries: LevelDbEntry[] = [];
  for (const handleBytes of blockEntries(readBlock(bytes, index)).map((e) => e.value)) {
    const handle = readHandle(handleBytes, 0);
    for (const { key: internalKey, value } of blockEntries(readBlock(bytes, handle))) {
      const trailer = internalKey.readBigUInt64LE(internalKey.length - 8);
      entries.push({
        key: internalKey.subarray(0, internalKey.length - 8),
        sequence: Number(trailer >> 8n),
        value: Number(trailer & 0xffn) === KIND_VALUE ? value : undefined,
        file,
      });
    }
  }
  return entries;
}

interface BlockHandle {
  readonly offset: number;
  readonly size: number;
  readonly next: number;
}

function readHandle(bytes: Buffer, pos: number): BlockHandle {
  const offset = readVarint(bytes, pos);
  const size = readVarint(bytes, offset.next);
  return { offset: offset.value, size: size.value, next: size.next };
}

function readBlock(bytes: Buffer, handle: BlockHandle): Buffer {
  const contents = bytes.subarray(handle.offset, handle.offset + handle.size);
  const compression = bytes[handle.offset + handle.size];
  if (compression === 0) return contents;
  if (compression === 1) return snappyDecompress(contents);
  throw new Error(`unsupported LevelDB block compression ${String(compression)}`);
}

/** Prefix-compressed entries of a block; the restart array at the end is not needed for a full scan. */
function blockEntries(block: Buffer): { key: Buffer; value: Buffer }[] {
  const restarts = block.readUInt32LE(block.length - 4);
  const end = block.length - 4 - 4 * restarts;
  const entries: { key: Buffer; value: Buffer }[] = [];
  let previous = Buffer.alloc(0);
  for (let pos = 0; pos < end;) {
    const shared = readVarint(block, pos);
    const unshared = readVarint(block, shared.next);
    const valueLength = readVarint(block, unshared.next);
    const keyStart = valueLength.next;
    const key = Buffer.concat([
      previous.subarray(0, shared.value),
      block.subarray(keyStart, keyStart + unshared.value),
    ]);
    const valueStart = keyStart + unshared.value;
    entries.push({ key, value: block.subarray(valueStart, valueStart + valueLength.value) });
    previous = key;
    pos = valueStart + valueLength.value;
  }
  return entries;
}
