import { describe, expect, test } from '@jest/globals';
import { recordSharedRead, requireOwnAuditRecord } from './audit';
import {
  approveByOwner,
  approveByPatient,
  completesGrant,
  newRequest,
  publicRequestView,
  revokeByOwner,
  withdrawByPatient,
  type AccessRequest,
} from './consent';
import type { Snapshot } from './emr';

const pending = newRequest({
  requestId: 'r1',
  ownerMsp: 'Org1MSP',
  requesterMsp: 'Org2MSP',
  requestedBy: 'dr-2',
  emrId: 'e1',
  patientRef: 'p1',
  at: 't0',
});
const snapshotAt = (noteCount: number, takenAt: string): Snapshot => ({
  version: noteCount + 1,
  noteCount,
  takenAt,
});

describe('consent state machine', () => {
  test('a new request is PENDING with neither approval', () => {
    expect(publicRequestView(pending)).toMatchObject({
      status: 'PENDING',
      ownerApproved: false,
      patientApproved: false,
    });
  });

  test('owner then patient: GRANTED with the snapshot taken at the patient approval', () => {
    expect(completesGrant(pending, 'owner')).toBe(false);
    const owner = approveByOwner(pending, 'hc-1', 't1', undefined);
    expect(owner.status).toBe('PENDING');
    expect(completesGrant(owner, 'patient')).toBe(true);
    const granted = approveByPatient(owner, 't2', snapshotAt(3, 't2'));
    expect(granted).toMatchObject({
      status: 'GRANTED',
      snapshot: { noteCount: 3, version: 4, takenAt: 't2' },
    });
  });

  test('patient then owner: GRANTED with the snapshot taken at the owner approval', () => {
    const patient = approveByPatient(pending, 't1', undefined);
    expect(patient.status).toBe('PENDING');
    expect(completesGrant(patient, 'owner')).toBe(true);
    const granted = approveByOwner(patient, 'hc-1', 't2', snapshotAt(5, 't2'));
    expect(granted).toMatchObject({ status: 'GRANTED', snapshot: { noteCount: 5, takenAt: 't2' } });
  });

  test('approving twice is a CONFLICT', () => {
    const owner = approveByOwner(pending, 'hc-1', 't1', undefined);
    expect(() => approveByOwner(owner, 'hc-1', 't2', undefined)).toThrow(
      /^CONFLICT: the owner already approved/,
    );
    const patient = approveByPatient(pending, 't1', undefined);
    expect(() => approveByPatient(patient, 't2', undefined)).toThrow(
      /^CONFLICT: the patient already approved/,
    );
  });

  test('the patient withdraws a pending or granted request; the owner revokes one; both are final', () => {
    const granted = approveByPatient(
      approveByOwner(pending, 'hc', 't1', undefined),
      't2',
      snapshotAt(0, 't2'),
    );
    for (const request of [pending, granted]) {
      const withdrawn = withdrawByPatient(request, 't3');
      expect(withdrawn).toMatchObject({ status: 'WITHDRAWN', closedReason: 'WITHDRAWN_BY_PATIENT' });
      const revoked = revokeByOwner(request, 't3');
      expect(revoked).toMatchObject({ status: 'REVOKED', closedReason: 'REVOKED_BY_OWNER' });
      for (const closed of [withdrawn, revoked]) {
        expect(() => approveByOwner(closed, 'hc', 't4', undefined)).toThrow(/^CONFLICT: request is /);
        expect(() => approveByPatient(closed, 't4', undefined)).toThrow(/^CONFLICT: request is /);
        expect(() => withdrawByPatient(closed, 't4')).toThrow(/^CONFLICT/);
        expect(() => revokeByOwner(closed, 't4')).toThrow(/^CONFLICT/);
      }
    }
    expect(() => approveByOwner(granted, 'hc', 't4', undefined)).toThrow(/^CONFLICT: request is GRANTED/);
  });

  test('the public view of a request carries no patient pseudonym and no EMR id', () => {
    const view = publicRequestView(pending) as unknown as Record<string, unknown>;
    expect(Object.keys(view).sort()).toEqual([
      'createdAt',
      'ownerApproved',
      'ownerMsp',
      'patientApproved',
      'requestId',
      'requesterMsp',
      'status',
      'updatedAt',
    ]);
  });
});

describe('audit of shared reads', () => {
  const granted: AccessRequest = approveByPatient(
    approveByOwner(pending, 'hc', 't1', undefined),
    't2',
    snapshotAt(2, 't2'),
  );

  test('a read of a granted request by the requester org is recorded with reader, org, time and version', () => {
    expect(recordSharedRead(granted, { id: 'dr-2', msp: 'Org2MSP' }, 'a1', 't5')).toEqual({
      auditId: 'a1',
      requestId: 'r1',
      emrId: 'e1',
      ownerMsp: 'Org1MSP',
      readerId: 'dr-2',
      readerMsp: 'Org2MSP',
      readAt: 't5',
      emrVersion: 3,
      noteCount: 2,
    });
  });

  test('another org or a request not granted cannot produce a read record', () => {
    expect(() => recordSharedRead(granted, { id: 'dr-3', msp: 'Org3MSP' }, 'a1', 't5')).toThrow(/^FORBIDDEN/);
    expect(() => recordSharedRead(pending, { id: 'dr-2', msp: 'Org2MSP' }, 'a1', 't5')).toThrow(
      /^FORBIDDEN: sharing is not granted \(request is PENDING\)/,
    );
  });

  test("an audit record unlocks only its own reader's read of its own request", () => {
    const audit = recordSharedRead(granted, { id: 'dr-2', msp: 'Org2MSP' }, 'a1', 't5');
    expect(() => {
      requireOwnAuditRecord(audit, 'r1', { id: 'dr-2', msp: 'Org2MSP' });
    }).not.toThrow();
    expect(() => {
      requireOwnAuditRecord(audit, 'r1', { id: 'dr-9', msp: 'Org2MSP' });
    }).toThrow(/^FORBIDDEN/);
    expect(() => {
      requireOwnAuditRecord(audit, 'r2', { id: 'dr-2', msp: 'Org2MSP' });
    }).toThrow(/^FORBIDDEN/);
  });
});
