import { Type, type Static } from 'typebox';

/**
 * Shapes of the chaincode's answers (chaincode/README.md, "Shapes") and of the API's inputs. One definition
 * drives request validation, response serialization, the OpenAPI document and the check of ledger answers.
 */
const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601, the transaction time' });
export const RecordId = Type.String({
  pattern: '^[0-9a-f]{64}$',
  description: 'Id of a ledger record: the id of the transaction that created it (64 lowercase hex)',
});
export const MspId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
  description: 'MSP ID of a provider organization, e.g. Provider1MSP',
});
export const PatientId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
  description: "The patient's identifier (e.g. a health insurance number); compared case-insensitively",
});
export const PatientName = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '^[^\\u0000-\\u001f\\u007f]+$',
});
export const BirthDate = Type.String({ format: 'date', description: 'YYYY-MM-DD, from 1900-01-01 to today' });
export const NoteText = Type.String({
  minLength: 1,
  maxLength: 16_384,
  description: 'Free text of a visit note, at most 16 KiB of UTF-8',
});

export const Demographics = Type.Object({ patientId: PatientId, name: PatientName, birthDate: BirthDate });

export const NoteView = Type.Object({
  seq: Type.Integer({ minimum: 1 }),
  text: Type.String(),
  authorId: Type.String({ description: 'Certificate id (subject and issuer) of the physician' }),
  authorMsp: MspId,
  createdAt: Timestamp,
});

export const EmrView = Type.Object({
  emrId: RecordId,
  ownerMsp: MspId,
  patient: Type.Object({ patientId: Type.String(), name: Type.String(), birthDate: Type.String() }),
  version: Type.Integer({ description: '1 + number of notes' }),
  noteCount: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  notes: Type.Array(NoteView),
});
export type EmrView = Static<typeof EmrView>;

export const Snapshot = Type.Object({
  version: Type.Integer(),
  noteCount: Type.Integer(),
  takenAt: Timestamp,
});

export const SharedEmrView = Type.Object({
  ...EmrView.properties,
  requestId: RecordId,
  auditId: RecordId,
  snapshot: Snapshot,
});
export type SharedEmrView = Static<typeof SharedEmrView>;

export const RequestStatus = Type.Union([
  Type.Literal('PENDING'),
  Type.Literal('GRANTED'),
  Type.Literal('WITHDRAWN'),
  Type.Literal('REVOKED'),
]);

export const PublicRequestView = Type.Object({
  requestId: RecordId,
  ownerMsp: MspId,
  requesterMsp: MspId,
  status: RequestStatus,
  ownerApproved: Type.Boolean(),
  patientApproved: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type PublicRequestView = Static<typeof PublicRequestView>;

export const OwnerRequestView = Type.Object({
  ...PublicRequestView.properties,
  emrId: RecordId,
  requestedBy: Type.String(),
  snapshot: Type.Optional(Snapshot),
  closedReason: Type.Optional(
    Type.Union([
      Type.Literal('WITHDRAWN_BY_PATIENT'),
      Type.Literal('REVOKED_BY_OWNER'),
      Type.Literal('EMR_ERASED'),
    ]),
  ),
});
export type OwnerRequestView = Static<typeof OwnerRequestView>;

export const AuditRecord = Type.Object({
  auditId: RecordId,
  requestId: RecordId,
  emrId: RecordId,
  ownerMsp: MspId,
  readerId: Type.String(),
  readerMsp: MspId,
  readAt: Timestamp,
  emrVersion: Type.Integer(),
  noteCount: Type.Integer(),
});
export type AuditRecord = Static<typeof AuditRecord>;

export const CreatedEmr = Type.Object({ emrId: RecordId, ownerMsp: MspId, version: Type.Integer() });
export const AddedNote = Type.Object({ emrId: RecordId, seq: Type.Integer(), version: Type.Integer() });
export const PatientRef = Type.Object({ patientRef: Type.String({ pattern: '^[0-9a-f]{64}$' }) });
export const AuditReceipt = Type.Object({ auditId: RecordId });
export const PurgeReceipt = Type.Object({
  emrId: RecordId,
  purgedNotes: Type.Integer(),
  revokedRequests: Type.Array(RecordId),
});
export const ErasureConsent = Type.Object({ erasureConsent: Type.Literal('RECORDED') });
