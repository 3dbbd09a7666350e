import { describe, expect, test } from '@jest/globals';
import { LIMITS } from '../domain/validation';
import { ALICE, json, NOTE_TEXTS, ORG1, ORG2, Scenario } from '../test-support/scenario';

interface Emr {
  emrId: string;
  version: number;
  noteCount: number;
  patient: { patientId: string; name: string; birthDate: string };
  notes: { seq: number; text: string; authorMsp: string; authorId: string }[];
}

describe('Physician:ReadEmr and Physician:GetEmrByPatientId', () => {
  test('a physician of the owner reads the whole EMR by id or by patient id (transient)', async () => {
    const s = await Scenario.start();
    const { emrId } = await s.admit(ORG1, ALICE);
    await s.addNote(ORG1, emrId, NOTE_TEXTS[0]);
    await s.addNote(ORG1, emrId, NOTE_TEXTS[1], s.of(ORG1).physician2);
    const byId = json<Emr>(await s.net.evaluate(s.of(ORG1).physician, 'Physician:ReadEmr', [emrId]));
    const byPatient = json<Emr>(
      await s.net.evaluate(s.of(ORG1).physician2, 'Physician:GetEmrByPatientId', [], {
        transient: { patientId: ALICE.patientId },
      }),
    );
    expect(byPatient).toEqual(byId);
    expect(byId).toMatchObject({
      emrId,
      ownerMsp: ORG1,
      version: 3,
      noteCount: 2,
      patient: { patientId: ALICE.patientId.toUpperCase(), name: ALICE.name, birthDate: ALICE.birthDate },
    });
    expect(byId.notes.map((n) => [n.seq, n.text])).toEqual([
      [1, NOTE_TEXTS[0]],
      [2, NOTE_TEXTS[1]],
    ]);
    expect(byId.notes[1]?.authorId).toContain('CN=dr.grey.org1');
  });

  test('an unknown EMR id or patient is NOT_FOUND', async () => {
    const s = await Scenario.start();
    await expect(s.net.evaluate(s.of(ORG1).physician, 'Physician:ReadEmr', ['0'.repeat(64)])).rejects.toThrow(
      /^NOT_FOUND: no EMR with this id at provider Org1MSP/,
    );
    await expect(
      s.net.evaluate(s.of(ORG1).physician, 'Physician:GetEmrByPatientId', [], {
        transient: { patientId: 'NOPE' },
      }),
    ).rejects.toThrow(/^NOT_FOUND: no EMR for this patient at provider Org1MSP/);
  });

  test("a physician of another provider finds nothing at their own provider and cannot read the owner's peer", async () => {
    const s = await Scenario.start();
    const { emrId } = await s.admit(ORG1, ALICE);
    const outsider = s.of(ORG2).physician;
    await expect(s.net.evaluate(outsider, 'Physician:ReadEmr', [emrId])).rejects.toThrow(/^NOT_FOUND/);
    await expect(s.net.evaluate(outsider, 'Physician:ReadEmr', [emrId], { peer: ORG1 })).rejects.toThrow(
      /^FAILED_PRECONDITION: records of Org2MSP are not available on this peer/,
    );
    await expect(
      s.net.evaluate(outsider, 'Physician:GetEmrByPatientId', [], {
        transient: { patientId: ALICE.patientId },
      }),
    ).rejects.toThrow(/^NOT_FOUND/);
  });

  test('a malformed EMR id is INVALID_ARGUMENT', async () => {
    const s = await Scenario.start();
    await expect(s.net.evaluate(s.of(ORG1).physician, 'Physician:ReadEmr', ['42'])).rejects.toThrow(
      /^INVALID_ARGUMENT: emrId must be 64 lowercase hex characters/,
    );
  });
});

describe('Physician:AddEmrNote', () => {
  test('appends a note from transient data and answers {emrId, seq, version}', async () => {
    const s = await Scenario.start();
    const { emrId } = await s.admit(ORG1, ALICE);
    const payload = await s.net.submit(s.of(ORG1).physician, 'Physician:AddEmrNote', [emrId], {
      transient: { note: { text: NOTE_TEXTS[0] } },
    });
    expect(json(payload)).toEqual({ emrId, seq: 1, version: 2 });
    expect(s.net.blocks.at(-1)?.args).toEqual([emrId]);
  });

  test('costs the same with 1 or 40 earlier notes: one new key and the header, constant reads', async () => {
    const s = await Scenario.start();
    const { emrId } = await s.admit(ORG1, ALICE);
    const shapes: string[] = [];
    for (let n = 1; n <= 41; n++) {
      const endorsement = await s.net.endorse(s.of(ORG1).physician, 'Physician:AddEmrNote', [emrId], {
        transient: { note: { text: `visit ${n}` } },
      });
      const writes = [...endorsement.simulation.privateWrites.values()].reduce((sum, w) => sum + w.size, 0);
      if (n === 1 || n === 41) {
        shapes.push(`reads=${endorsement.simulation.reads.size} writes=${writes}`);
      }
      s.net.commit(endorsement);
    }
    expect(shapes[0]).toBe('reads=3 writes=2');
    expect(shapes[1]).toBe(shapes[0]);
  });

  test('two physicians writing the same EMR at once: one commits, the other is invalidated and retried', async () => {
    const s = await Scenario.start();
    const { emrId } = await s.admit(ORG1, ALICE);
    const a = await s.net.endorse(s.of(ORG1).physician, 'Physician:AddEmrNote', [emrId], {
      transient: { note: { text: 'a' } },
    });
    const b = await s.net.endorse(s.of(ORG1).physician2, 'Physician:AddEmrNote', [emrId], {
      transient: { note: { text: 'b' } },
    });
    s.net.commit(a);
    expect(() => {
      s.net.commit(b);
    }).toThrow(/^MVCC_READ_CONFLICT/);
    await s.addNote(ORG1, emrId, 'b', s.of(ORG1).physician2);
    const emr = json<Emr>(await s.net.evaluate(s.of(ORG1).physician, 'Physician:ReadEmr', [emrId]));
    expect(emr.notes.map((n) => n.text)).toEqual(['a', 'b']);
  });

  test.each([
    ['no note', {}, /^INVALID_ARGUMENT: transient field note is required/],
    [
      'a plain string note',
      { note: 'text' },
      /^INVALID_ARGUMENT: transient field note is not valid UTF-8 JSON/,
    ],
    ['a blank note', { note: { text: '  ' } }, /^INVALID_ARGUMENT: note.text must not be blank/],
    ['a non-string note', { note: { text: 7 } }, /^INVALID_ARGUMENT: note.text must be a string/],
    [
      'an oversized note',
      { note: { text: 'x'.repeat(LIMITS.noteTextBytes + 1) } },
      /^INVALID_ARGUMENT: note.text must be at most 16384 UTF-8 bytes/,
    ],
    ['extra fields', { note: { text: 'x', secret: 'y' } }, /^INVALID_ARGUMENT: note has 1 unknown field/],
  ])('rejects %s with INVALID_ARGUMENT', async (_name, transient, error) => {
    const s = await Scenario.start();
    const { emrId } = await s.admit(ORG1, ALICE);
    await expect(
      s.net.submit(s.of(ORG1).physician, 'Physician:AddEmrNote', [emrId], { transient }),
    ).rejects.toThrow(error);
  });

  test("a physician of another provider cannot annotate: NOT_FOUND at home, and no write into the owner's data", async () => {
    const s = await Scenario.start();
    const { emrId } = await s.admit(ORG1, ALICE);
    const outsider = s.of(ORG2).physician;
    const note = { transient: { note: { text: 'forged' } } };
    await expect(s.net.submit(outsider, 'Physician:AddEmrNote', [emrId], note)).rejects.toThrow(/^NOT_FOUND/);
    await expect(
      s.net.submit(outsider, 'Physician:AddEmrNote', [emrId], { ...note, peer: ORG1 }),
    ).rejects.toThrow(/^FAILED_PRECONDITION/);
  });
});
