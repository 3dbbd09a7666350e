import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { PatientDemographics } from '../../src/domain/emr';
import { journalRecords, liveEntries, readLevelDbEntries, tableEntries } from './leveldb';

/** Where a labelled plaintext was found. Findings name the label ("patient A name"), never the value. */
export interface Finding {
  readonly label: string;
  readonly where: string;
}

/**
 * The protected health information a test used, by label, and the byte patterns that would betray each item:
 * UTF-8 as given and upper-cased (patient ids are stored upper-cased), hex, and base64 at each of the three
 * alignments — so a value cannot hide by being encoded.
 */
export class Plaintexts {
  readonly #patterns: { readonly label: string; readonly bytes: Buffer }[] = [];
  readonly #labels: string[] = [];

  add(label: string, value: string): this {
    if (value.length < 6) throw new Error(`${label}: too short to search for without false hits`);
    this.#labels.push(label);
    for (const text of new Set([value, value.toUpperCase()])) {
      const utf8 = Buffer.from(text, 'utf8');
      for (const bytes of [utf8, Buffer.from(utf8.toString('hex')), ...base64Forms(utf8)]) {
        this.#patterns.push({ label, bytes });
      }
    }
    return this;
  }

  addPatient(label: string, patient: PatientDemographics): this {
    return this.add(`${label} patient id`, patient.patientId)
      .add(`${label} name`, patient.name)
      .add(`${label} birth date`, patient.birthDate);
  }

  get labels(): readonly string[] {
    return this.#labels;
  }

  find(bytes: Uint8Array, where: string): Finding[] {
    const haystack = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const labels = new Set(this.#patterns.filter((p) => haystack.includes(p.bytes)).map((p) => p.label));
    return [...labels].map((label) => ({ label, where }));
  }
}

/** base64 of `bytes` as it appears inside a longer base64 text starting 0, 1 or 2 bytes earlier. */
function base64Forms(bytes: Buffer): Buffer[] {
  return [0, 1, 2].map((lead) => {
    const encoded = Buffer.concat([Buffer.alloc(lead), bytes]).toString('base64');
    const from = Math.ceil(lead / 3) * 4;
    const to = Math.floor((lead + bytes.length) / 3) * 4;
    return Buffer.from(encoded.slice(from, to));
  });
}

/**
 * Every byte under `root` as stored, plus what compression or framing could hide: LevelDB tables decompressed
 * entry by entry, journal records reassembled across blocks. Deleted and overwritten values count: this is what a
 * copy of the disk reveals.
 */
export async function findOnDisk(root: string, plaintexts: Plaintexts): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const file of await filesUnder(root)) {
    const where = relative(root, file);
    const bytes = await readFile(file);
    findings.push(...plaintexts.find(bytes, where));
    if (file.endsWith('.ldb') || file.endsWith('.sst')) {
      for (const entry of tableEntries(bytes, file)) {
        findings.push(...plaintexts.find(Buffer.concat([entry.key, entry.value ?? Buffer.alloc(0)]), where));
      }
    } else if (file.endsWith('.log') && existsSync(join(file, '..', 'CURRENT'))) {
      for (const record of journalRecords(bytes)) findings.push(...plaintexts.find(record, where));
    }
  }
  return unique(findings);
}

/**
 * What the peer still holds: the current, undeleted entries of every LevelDB database under `root` and every
 * other file as stored (block files are append-only and never hold private data).
 */
export async function findHeld(root: string, plaintexts: Plaintexts): Promise<Finding[]> {
  const findings: Finding[] = [];
  const levelDbDirs = new Set<string>();
  for (const file of await filesUnder(root)) {
    const dir = join(file, '..');
    if (existsSync(join(dir, 'CURRENT'))) {
      levelDbDirs.add(dir);
    } else {
      findings.push(...plaintexts.find(await readFile(file), relative(root, file)));
    }
  }
  for (const dir of levelDbDirs) {
    for (const entry of liveEntries(await readLevelDbEntries(dir))) {
      const bytes = Buffer.concat([entry.key, entry.value ?? Buffer.alloc(0)]);
      findings.push(...plaintexts.find(bytes, `${relative(root, entry.file)} (live entry)`));
    }
  }
  return unique(findings);
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

function unique(findings: readonly Finding[]): Finding[] {
  const seen = new Map(findings.map((f) => [`${f.label}\u0000${f.where}`, f]));
  return [...seen.values()];
}

/** Labels that have at least one finding. */
export function labelsFound(findings: readonly Finding[]): string[] {
  return [...new Set(findings.map((f) => f.label))].sort();
}
