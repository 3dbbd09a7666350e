import { describe, expect, test } from '@jest/globals';
import { ALICE, BOB, json, ORG1, ORG2, Scenario } from '../test-support/scenario';

describe('HealthCenter:CreateEmr', () => {
  test('creates the EMR from transient data and answers only its id (the response is stored in a block)', async () => {
    const s = await Scenario.start();
    const payload = await s.net.submit(s.of(ORG1).healthcenter, 'HealthCenter:CreateEmr', [], {
      transient: { patient: { ...ALICE } },
    });
    const tx = s.net.blocks.at(-1);
    expect(json(payload)).toEqual({ emrId: tx?.txId, ownerMsp: ORG1, version: 1 });
    expect(tx?.args).toEqual([]);
    expect(tx?.event?.name).toBe('EmrCreated');
    expect(tx?.publicWrites).toEqual([]);
    expect(tx?.privateWriteHashes.map((w) => w.collection)).toEqual([
      '_implicit_org_Org1MSP',
      '_implicit_org_Org1MSP',
    ]);
  });

  test('a second EMR for the same patient at the same provider is a CONFLICT, whatever the id case', async () => {
    const s = await Scenario.start();
    await s.admit(ORG1, ALICE);
    await expect(
      s.net.submit(s.of(ORG1).healthcenter, 'HealthCenter:CreateEmr', [], {
        transient: { patient: { ...ALICE, patientId: ALICE.patientId.toUpperCase(), name: 'Other' } },
      }),
    ).rejects.toThrow(/^CONFLICT: the patient already has an EMR at this provider$/);
  });

  test('the same patient may have an EMR at each provider', async () => {
    const s = await Scenario.start();
    const one = await s.admit(ORG1, ALICE);
    const two = await s.admit(ORG2, ALICE);
    expect(one.emrId).not.toBe(two.emrId);
    expect(one.patientRef).not.toBe(two.patientRef);
  });

  test('two concurrent admissions of one patient: the second to commit is invalidated (MVCC)', async () => {
    const s = await Scenario.start();
    const hc = s.of(ORG1).healthcenter;
    const first = await s.net.endorse(hc, 'HealthCenter:CreateEmr', [], {
      transient: { patient: { ...ALICE } },
    });
    const second = await s.net.endorse(hc, 'HealthCenter:CreateEmr', [], {
      transient: { patient: { ...ALICE } },
    });
    s.net.commit(first);
    expect(() => {
      s.net.commit(second);
    }).toThrow(/^MVCC_READ_CONFLICT/);
  });

  test.each([
    ['no patient field', {}, /^INVALID_ARGUMENT: transient field patient is required/],
    [
      'patient not JSON',
      { patient: 'Alice' },
      /^INVALID_ARGUMENT: transient field patient is not valid UTF-8 JSON/,
    ],
    ['missing birthDate', { patient: { patientId: 'P1', name: 'N' } }, /^INVALID_ARGUMENT: birthDate/],
    ['bad patientId', { patient: { ...BOB, patientId: 'has space' } }, /^INVALID_ARGUMENT: patientId/],
    ['numeric name', { patient: { ...BOB, name: 42 } }, /^INVALID_ARGUMENT: name must be a string/],
    [
      'future birth date',
      { patient: { ...BOB, birthDate: '2099-01-01' } },
      /^INVALID_ARGUMENT: birthDate must not be in the future/,
    ],
    [
      'unknown field',
      { patient: { ...BOB, diagnosis: 'x' } },
      /^INVALID_ARGUMENT: patient has 1 unknown field/,
    ],
    [
      'oversized value',
      { patient: 'x'.repeat(40_000) },
      /^INVALID_ARGUMENT: transient field patient must be at most 32768 bytes/,
    ],
  ])('rejects %s with INVALID_ARGUMENT before writing anything', async (_name, transient, error) => {
    const s = await Scenario.start();
    const blocks = s.net.blocks.length;
    await expect(
      s.net.submit(s.of(ORG1).healthcenter, 'HealthCenter:CreateEmr', [], { transient }),
    ).rejects.toThrow(error);
    expect(s.net.blocks).toHaveLength(blocks);
  });

  test('arguments are not accepted: patient data travels only in transient data', async () => {
    const s = await Scenario.start();
    await expect(
      s.net.submit(s.of(ORG1).healthcenter, 'HealthCenter:CreateEmr', [JSON.stringify(ALICE)], {
        transient: { patient: { ...ALICE } },
      }),
    ).rejects.toThrow(/Expected 0 parameters, but 1 have been supplied/);
  });
});

describe('HealthCenter:CheckIsPatientRegistered', () => {
  test('is true when the patient has an EMR at the caller provider and false otherwise', async () => {
    const s = await Scenario.start();
    await s.admit(ORG1, ALICE);
    const check = async (org: string, patientId: string): Promise<unknown> =>
      json(
        await s.net.evaluate(s.of(org).healthcenter, 'HealthCenter:CheckIsPatientRegistered', [], {
          transient: { patientId },
        }),
      );
    expect(await check(ORG1, ALICE.patientId)).toBe(true);
    expect(await check(ORG1, ALICE.patientId.toUpperCase())).toBe(true);
    expect(await check(ORG1, BOB.patientId)).toBe(false);
    expect(await check(ORG2, ALICE.patientId)).toBe(false);
  });

  test('needs the patient id in transient data', async () => {
    const s = await Scenario.start();
    await expect(
      s.net.evaluate(s.of(ORG1).healthcenter, 'HealthCenter:CheckIsPatientRegistered'),
    ).rejects.toThrow(/^INVALID_ARGUMENT: transient field patientId is required/);
  });
});

describe('HealthCenter:DerivePatientRef', () => {
  test('returns the keyed pseudonym for the patient certificate, stable and specific to the provider', async () => {
    const s = await Scenario.start();
    const ref1 = await s.patientRef(ORG1, ALICE.patientId);
    expect(ref1).toMatch(/^[0-9a-f]{64}$/);
    expect(await s.patientRef(ORG1, ALICE.patientId.toUpperCase())).toBe(ref1);
    expect(await s.patientRef(ORG2, ALICE.patientId)).not.toBe(ref1);
    expect(await s.patientRef(ORG1, BOB.patientId)).not.toBe(ref1);
  });

  test('is an evaluate-only query: the harness refuses to submit it, so the link never reaches a block', async () => {
    const s = await Scenario.start();
    await expect(
      s.net.submit(s.of(ORG1).healthcenter, 'HealthCenter:DerivePatientRef', [], {
        transient: { patientId: 'P' },
      }),
    ).rejects.toThrow(/evaluate-only/);
  });
});
