import { describe, expect, test } from '@jest/globals';
import { ALICE, BOB, json, NOTE_TEXTS, ORG1, ORG2, Scenario } from '../test-support/scenario';

describe('Patient:GetOwnEmr', () => {
  test('a patient downloads their own EMR, found from the pseudonym in their certificate', async () => {
    const s = await Scenario.start();
    const { emrId, patient } = await s.admit(ORG1, ALICE);
    await s.addNote(ORG1, emrId, NOTE_TEXTS[0]);
    const own = json<{ emrId: string; notes: { text: string }[]; patient: { name: string } }>(
      await s.net.evaluate(patient, 'Patient:GetOwnEmr'),
    );
    expect(own.emrId).toBe(emrId);
    expect(own.patient.name).toBe(ALICE.name);
    expect(own.notes.map((n) => n.text)).toEqual([NOTE_TEXTS[0]]);
    const doctor = await s.net.evaluate(s.of(ORG1).physician, 'Physician:ReadEmr', [emrId]);
    expect(json(doctor)).toEqual(own);
  });

  test("a patient reads only their own EMR: Bob's certificate yields Bob's record", async () => {
    const s = await Scenario.start();
    await s.admit(ORG1, ALICE);
    const bob = await s.admit(ORG1, BOB);
    const own = json<{ patient: { name: string } }>(await s.net.evaluate(bob.patient, 'Patient:GetOwnEmr'));
    expect(own.patient.name).toBe(BOB.name);
  });

  test('a patient enrolled before admission has no EMR yet: NOT_FOUND', async () => {
    const s = await Scenario.start();
    const early = await s.enrollPatient(ORG1, BOB.patientId);
    await expect(s.net.evaluate(early, 'Patient:GetOwnEmr')).rejects.toThrow(
      /^NOT_FOUND: no EMR for this patient/,
    );
  });

  test("a patient certificate of another provider does not reach this provider's records", async () => {
    const s = await Scenario.start();
    await s.admit(ORG1, ALICE);
    const atOrg2 = await s.enrollPatient(ORG2, ALICE.patientId);
    await expect(s.net.evaluate(atOrg2, 'Patient:GetOwnEmr')).rejects.toThrow(/^NOT_FOUND/);
    await expect(s.net.evaluate(atOrg2, 'Patient:GetOwnEmr', [], { peer: ORG1 })).rejects.toThrow(
      /^FAILED_PRECONDITION/,
    );
  });

  test('a patient certificate without a valid emr.patientRef is FORBIDDEN', async () => {
    const s = await Scenario.start();
    const variants: Record<string, string>[] = [
      { 'emr.role': 'patient' },
      { 'emr.role': 'patient', 'emr.patientRef': 'NHS-1' },
    ];
    for (const attrs of variants) {
      const identity = s.net.identity(ORG1, { cn: 'p', ous: ['client'], attrs });
      await expect(s.net.evaluate(identity, 'Patient:GetOwnEmr')).rejects.toThrow(
        /^FORBIDDEN: the patient's certificate has no valid emr.patientRef attribute/,
      );
    }
  });
});

describe('Patient:GetMedicalVisitCount', () => {
  test('returns the number of visits (notes) at the provider as a JSON number', async () => {
    const s = await Scenario.start();
    const { emrId, patient } = await s.admit(ORG1, ALICE);
    expect(await s.net.evaluate(patient, 'Patient:GetMedicalVisitCount')).toBe('0');
    for (const text of NOTE_TEXTS.slice(0, 3)) {
      await s.addNote(ORG1, emrId, text);
    }
    const count: unknown = json(await s.net.evaluate(patient, 'Patient:GetMedicalVisitCount'));
    expect(count).toBe(3);
  });

  test('counts visits per provider: the same person has one identity and one count at each provider', async () => {
    const s = await Scenario.start();
    const one = await s.admit(ORG1, ALICE);
    const two = await s.admit(ORG2, ALICE);
    await s.addNote(ORG1, one.emrId, 'x');
    await s.addNote(ORG2, two.emrId, 'y');
    await s.addNote(ORG2, two.emrId, 'z');
    expect(json(await s.net.evaluate(one.patient, 'Patient:GetMedicalVisitCount'))).toBe(1);
    expect(json(await s.net.evaluate(two.patient, 'Patient:GetMedicalVisitCount'))).toBe(2);
  });
});
