import { describe, expect, test } from '@jest/globals';
import {
  appendNote,
  emrView,
  newEmr,
  noteSeqKeyPart,
  parseDemographics,
  parseNote,
  sharedEmrView,
} from './emr';

const emr0 = newEmr({
  emrId: 'e1',
  ownerMsp: 'Org1MSP',
  patientRef: 'p',
  patient: { patientId: 'NHS-1', name: 'A', birthDate: '1990-01-01' },
  at: 't0',
  by: 'hc',
});

describe('EMR records', () => {
  test('a new EMR is version 1 with no notes', () => {
    expect(emr0).toMatchObject({ version: 1, noteCount: 0, createdAt: 't0', updatedAt: 't0' });
  });

  test('appending a note gives it the next sequence number and moves the version by one', () => {
    const first = appendNote(emr0, {
      text: 'n1',
      authorId: 'dr',
      authorMsp: 'Org1MSP',
      at: 't1',
      txId: 'x1',
    });
    const second = appendNote(first.emr, {
      text: 'n2',
      authorId: 'dr',
      authorMsp: 'Org1MSP',
      at: 't2',
      txId: 'x2',
    });
    expect(first.note.seq).toBe(1);
    expect(second.note.seq).toBe(2);
    expect(second.emr).toMatchObject({ version: 3, noteCount: 2, updatedAt: 't2' });
  });

  test('a shared view shows the snapshot, never notes beyond it', () => {
    const one = appendNote(emr0, { text: 'n1', authorId: 'dr', authorMsp: 'Org1MSP', at: 't1', txId: 'x1' });
    const two = appendNote(one.emr, {
      text: 'n2',
      authorId: 'dr',
      authorMsp: 'Org1MSP',
      at: 't3',
      txId: 'x2',
    });
    const snapshot = { version: 2, noteCount: 1, takenAt: 't2' };
    const view = sharedEmrView(two.emr, [one.note, two.note], { requestId: 'r', auditId: 'a', snapshot });
    expect(view.notes.map((note) => note.text)).toEqual(['n1']);
    expect(view).toMatchObject({ version: 2, noteCount: 1, updatedAt: 't1', snapshot });
    expect(emrView(two.emr, [one.note, two.note]).notes).toHaveLength(2);
  });

  test('note keys sort numerically', () => {
    expect(noteSeqKeyPart(9) < noteSeqKeyPart(10)).toBe(true);
    expect(noteSeqKeyPart(1)).toBe('0000000001');
    expect(() => noteSeqKeyPart(0)).toThrow(/^INVALID_ARGUMENT/);
  });

  test('transient inputs reject unknown fields without echoing them', () => {
    expect(() => parseNote({ text: 'x', diagnosis: 'secret' })).toThrow(
      /^INVALID_ARGUMENT: note has 1 unknown field\(s\); allowed: text$/,
    );
    expect(() =>
      parseDemographics({ patientId: 'a', name: 'b', birthDate: '1990-01-01', ssn: '1' }, '2025-01-01'),
    ).toThrow(/^INVALID_ARGUMENT: patient has 1 unknown field/);
    expect(
      parseDemographics({ patientId: 'a-1', name: ' B ', birthDate: '1990-01-01' }, '2025-01-01'),
    ).toEqual({
      patientId: 'A-1',
      name: 'B',
      birthDate: '1990-01-01',
    });
  });
});
