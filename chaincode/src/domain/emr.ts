import { invalidArgument } from './errors';
import {
  normalizePatientId,
  parseBirthDate,
  parseNoteText,
  parsePatientName,
  rejectUnknownFields,
} from './validation';

/** Demographics given at admission. Immutable once the EMR exists (a snapshot relies on that). */
export interface PatientDemographics {
  readonly patientId: string;
  readonly name: string;
  readonly birthDate: string;
}

/**
 * The EMR header, one private key per patient. `version` starts at 1 and grows by one with every note, so
 * `version` = 1 + `noteCount`; it is the "EMR version" a share pins and an audit record names.
 */
export interface EmrRecord {
  readonly emrId: string;
  readonly ownerMsp: string;
  readonly patientRef: string;
  readonly patient: PatientDemographics;
  readonly version: number;
  readonly noteCount: number;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
}

/** One visit note, one private key each: appending never rewrites earlier notes. */
export interface NoteRecord {
  readonly seq: number;
  readonly text: string;
  readonly authorId: string;
  readonly authorMsp: string;
  readonly createdAt: string;
  readonly txId: string;
}

export interface NoteView {
  readonly seq: number;
  readonly text: string;
  readonly authorId: string;
  readonly authorMsp: string;
  readonly createdAt: string;
}

export interface EmrView {
  readonly emrId: string;
  readonly ownerMsp: string;
  readonly patient: PatientDemographics;
  readonly version: number;
  readonly noteCount: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly notes: readonly NoteView[];
}

/** What a share pins: the EMR as it stood when the second approval was given. */
export interface Snapshot {
  readonly version: number;
  readonly noteCount: number;
  readonly takenAt: string;
}

export interface SharedEmrView extends EmrView {
  readonly requestId: string;
  readonly auditId: string;
  readonly snapshot: Snapshot;
}

/** Parses the `patient` transient field of CreateEmr: `{"patientId", "name", "birthDate"}`. */
export function parseDemographics(value: Record<string, unknown>, today: string): PatientDemographics {
  rejectUnknownFields(value, ['patientId', 'name', 'birthDate'], 'patient');
  return {
    patientId: normalizePatientId(value.patientId),
    name: parsePatientName(value.name),
    birthDate: parseBirthDate(value.birthDate, today),
  };
}

/** Parses the `note` transient field of AddEmrNote: `{"text"}`. */
export function parseNote(value: Record<string, unknown>): { readonly text: string } {
  rejectUnknownFields(value, ['text'], 'note');
  return { text: parseNoteText(value.text) };
}

export interface NewEmr {
  readonly emrId: string;
  readonly ownerMsp: string;
  readonly patientRef: string;
  readonly patient: PatientDemographics;
  readonly at: string;
  readonly by: string;
}

export function newEmr(input: NewEmr): EmrRecord {
  return {
    emrId: input.emrId,
    ownerMsp: input.ownerMsp,
    patientRef: input.patientRef,
    patient: input.patient,
    version: 1,
    noteCount: 0,
    createdAt: input.at,
    createdBy: input.by,
    updatedAt: input.at,
  };
}

export interface NewNote {
  readonly text: string;
  readonly authorId: string;
  readonly authorMsp: string;
  readonly at: string;
  readonly txId: string;
}

/** Appends a note: the header's counters move by one, the note gets the next sequence number. */
export function appendNote(emr: EmrRecord, input: NewNote): { emr: EmrRecord; note: NoteRecord } {
  const seq = emr.noteCount + 1;
  const note: NoteRecord = {
    seq,
    text: input.text,
    authorId: input.authorId,
    authorMsp: input.authorMsp,
    createdAt: input.at,
    txId: input.txId,
  };
  return { emr: { ...emr, noteCount: seq, version: emr.version + 1, updatedAt: input.at }, note };
}

export function snapshotOf(emr: EmrRecord, at: string): Snapshot {
  return { version: emr.version, noteCount: emr.noteCount, takenAt: at };
}

function noteView(note: NoteRecord): NoteView {
  return {
    seq: note.seq,
    text: note.text,
    authorId: note.authorId,
    authorMsp: note.authorMsp,
    createdAt: note.createdAt,
  };
}

/** The full current EMR (owner's physicians, the patient). `notes` must be the notes 1..noteCount in order. */
export function emrView(emr: EmrRecord, notes: readonly NoteRecord[]): EmrView {
  return {
    emrId: emr.emrId,
    ownerMsp: emr.ownerMsp,
    patient: emr.patient,
    version: emr.version,
    noteCount: emr.noteCount,
    createdAt: emr.createdAt,
    updatedAt: emr.updatedAt,
    notes: notes.map(noteView),
  };
}

export interface SharedRead {
  readonly requestId: string;
  readonly auditId: string;
  readonly snapshot: Snapshot;
}

/**
 * The EMR as pinned by a share: header counters from the snapshot, notes 1..snapshot.noteCount only. Notes
 * added after the snapshot are dropped even if the caller passed them.
 */
export function sharedEmrView(emr: EmrRecord, notes: readonly NoteRecord[], read: SharedRead): SharedEmrView {
  const pinned = notes.filter((note) => note.seq <= read.snapshot.noteCount);
  return {
    ...emrView({ ...emr, version: read.snapshot.version, noteCount: read.snapshot.noteCount }, pinned),
    updatedAt: pinned.at(-1)?.createdAt ?? emr.createdAt,
    requestId: read.requestId,
    auditId: read.auditId,
    snapshot: read.snapshot,
  };
}

/** Zero-padded note sequence, so that key order is numeric order in range queries. */
export function noteSeqKeyPart(seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 1 || seq > 9_999_999_999) {
    throw invalidArgument('note sequence out of range');
  }
  return seq.toString().padStart(10, '0');
}
