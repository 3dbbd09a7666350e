import { describe, expect, test } from '@jest/globals';
import { ALICE, json, NOTE_TEXTS, ORG1, ORG2, Scenario } from '../test-support/scenario';

async function withGrantedShare(): Promise<{
  s: Scenario;
  emrId: string;
  alice: Awaited<ReturnType<Scenario['admit']>>['patient'];
  requestId: string;
}> {
  const s = await Scenario.start();
  const { emrId, patient } = await s.admit(ORG1, ALICE);
  for (const text of NOTE_TEXTS) {
    await s.addNote(ORG1, emrId, text);
  }
  const requestId = await s.request(s.of(ORG2).physician, ORG1, ALICE.patientId);
  await s.authorize(ORG1, requestId);
  await s.approve(patient, requestId);
  await s.readShared(s.of(ORG2).physician, ORG1, requestId);
  return { s, emrId, alice: patient, requestId };
}

describe('GDPR erasure (Patient:ConsentToEmrErasure, then HealthCenter:PurgeEmr)', () => {
  test('without the patient consent, PurgeEmr is FAILED_PRECONDITION and nothing changes', async () => {
    const { s, emrId } = await withGrantedShare();
    await expect(s.net.submit(s.of(ORG1).healthcenter, 'HealthCenter:PurgeEmr', [emrId])).rejects.toThrow(
      /^FAILED_PRECONDITION: the patient has not consented to the erasure of this EMR/,
    );
  });

  test('with consent, demographics and every note are purged from the owner peer and active shares are revoked', async () => {
    const { s, emrId, alice, requestId } = await withGrantedShare();
    expect(json(await s.net.submit(alice, 'Patient:ConsentToEmrErasure'))).toEqual({
      erasureConsent: 'RECORDED',
    });
    const payload = await s.net.submit(s.of(ORG1).healthcenter, 'HealthCenter:PurgeEmr', [emrId]);
    expect(json(payload)).toEqual({ emrId, purgedNotes: 4, revokedRequests: [requestId] });

    const owned = [...(s.net.world.private.get('_implicit_org_Org1MSP')?.values() ?? [])].map((v) =>
      v.value.toString('latin1'),
    );
    for (const phi of [ALICE.name, ALICE.birthDate, ALICE.patientId.toUpperCase(), ...NOTE_TEXTS]) {
      expect(owned.some((value) => value.includes(phi))).toBe(false);
    }
    await expect(s.net.evaluate(alice, 'Patient:GetOwnEmr')).rejects.toThrow(/^NOT_FOUND/);
    await expect(s.net.evaluate(s.of(ORG1).physician, 'Physician:ReadEmr', [emrId])).rejects.toThrow(
      /^NOT_FOUND/,
    );
    await expect(
      s.net.submit(s.of(ORG2).physician, 'Physician:LogSharedEmrAccess', [requestId], { peer: ORG1 }),
    ).rejects.toThrow(/^FORBIDDEN: sharing is not granted \(request is REVOKED\)/);
    const requests = json<{ closedReason?: string }[]>(
      await s.net.evaluate(alice, 'Patient:GetOwnAccessRequests'),
    );
    expect(requests[0]?.closedReason).toBe('EMR_ERASED');
  });

  test('the pseudonymous access log survives erasure, for accountability', async () => {
    const { s, emrId, alice } = await withGrantedShare();
    await s.net.submit(alice, 'Patient:ConsentToEmrErasure');
    await s.net.submit(s.of(ORG1).healthcenter, 'HealthCenter:PurgeEmr', [emrId]);
    expect(json<unknown[]>(await s.net.evaluate(alice, 'Patient:GetOwnAccessLog'))).toHaveLength(1);
    expect(
      json<unknown[]>(await s.net.evaluate(s.of(ORG1).healthcenter, 'HealthCenter:GetEmrAccessLog', [emrId])),
    ).toHaveLength(1);
  });

  test('an erased patient can be admitted again, with a new EMR; old shares stay closed', async () => {
    const { s, emrId, alice, requestId } = await withGrantedShare();
    await s.net.submit(alice, 'Patient:ConsentToEmrErasure');
    await s.net.submit(s.of(ORG1).healthcenter, 'HealthCenter:PurgeEmr', [emrId]);
    await expect(s.net.submit(s.of(ORG1).healthcenter, 'HealthCenter:PurgeEmr', [emrId])).rejects.toThrow(
      /^NOT_FOUND: the EMR has already been erased/,
    );
    const again = await s.admit(ORG1, ALICE);
    expect(again.emrId).not.toBe(emrId);
    expect(json(await s.net.evaluate(alice, 'Patient:GetMedicalVisitCount'))).toBe(0);
    await expect(s.approve(alice, requestId)).rejects.toThrow(/^CONFLICT: request is REVOKED/);
  });

  test('consent is recorded once per EMR; a patient without an EMR cannot consent', async () => {
    const { s, alice } = await withGrantedShare();
    await s.net.submit(alice, 'Patient:ConsentToEmrErasure');
    await expect(s.net.submit(alice, 'Patient:ConsentToEmrErasure')).rejects.toThrow(
      /^CONFLICT: erasure consent already recorded/,
    );
    const stranger = await s.enrollPatient(ORG1, 'NOBODY-1');
    await expect(s.net.submit(stranger, 'Patient:ConsentToEmrErasure')).rejects.toThrow(/^NOT_FOUND/);
  });

  test("another provider's healthcenter cannot purge", async () => {
    const { s, emrId, alice } = await withGrantedShare();
    await s.net.submit(alice, 'Patient:ConsentToEmrErasure');
    await expect(s.net.submit(s.of(ORG2).healthcenter, 'HealthCenter:PurgeEmr', [emrId])).rejects.toThrow(
      /^NOT_FOUND/,
    );
    await expect(
      s.net.submit(s.of(ORG2).healthcenter, 'HealthCenter:PurgeEmr', [emrId], { peer: ORG1 }),
    ).rejects.toThrow(/^FAILED_PRECONDITION/);
  });
});
