import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { LightMyRequestResponse as Response } from 'fastify';
import { X509Certificate } from 'node:crypto';
import { bearer, newTestApp, problemOf, type TestApp } from '../test-support/test-app';

const EMR_ID = 'e'.repeat(64);
const PATIENT_REF = '9'.repeat(64);
const ALICE = { patientId: 'ab-1234', name: 'Alice Example', birthDate: '1980-02-29' };

describe('patients', () => {
  let t: TestApp;
  let healthcenter: string;
  beforeEach(async () => {
    t = await newTestApp();
    healthcenter = await t.userWithRole('hc-desk', 'healthcenter');
    t.ledger
      .on('HealthCenter:CheckIsPatientRegistered', false)
      .on('HealthCenter:DerivePatientRef', { patientRef: PATIENT_REF })
      .on('HealthCenter:CreateEmr', { emrId: EMR_ID, ownerMsp: 'Provider1MSP', version: 1 });
  });
  afterEach(async () => {
    await t.close();
  });

  const admit = (payload: object = ALICE): Promise<Response> =>
    t.app.inject({ method: 'POST', url: '/api/v1/patients', headers: bearer(healthcenter), payload });

  it('admits a patient: pseudonym evaluated, opaque CA identity with role and pseudonym, EMR created with transient demographics', async () => {
    const response = await admit();
    expect(response.statusCode).toBe(201);
    const body = response.json<{ username: string; enrollmentSecret: string; emrId: string }>();
    expect(body).toMatchObject({ emrId: EMR_ID, org: 'Provider1MSP' });
    expect(body.username).toMatch(/^patient-[0-9a-f]{24}$/);
    expect(body.username.toUpperCase()).not.toContain('AB-1234');

    expect(t.ledger.calls.map((call) => [call.kind, call.name])).toEqual([
      ['evaluate', 'HealthCenter:CheckIsPatientRegistered'],
      ['evaluate', 'HealthCenter:DerivePatientRef'],
      ['submit', 'HealthCenter:CreateEmr'],
    ]);
    const [check, derive, create] = t.ledger.calls;
    expect(derive?.transient).toEqual({ patientId: 'ab-1234' });
    expect(derive?.arguments).toEqual([]);
    expect(JSON.parse(create?.transient['patient'] ?? '{}')).toEqual(ALICE);
    expect(create?.arguments).toEqual([]);
    for (const call of [check, derive, create])
      expect(call?.endorsingOrganizations).toEqual(['Provider1MSP']);
    // Signed by the healthcenter user's own certificate.
    expect(new X509Certificate(create?.certificate ?? '').subject).toContain('CN=hc-desk');

    expect(t.ca.registrations.get(body.username)?.attributes).toEqual([
      { name: 'emr.role', value: 'patient', ecert: true },
      { name: 'emr.patientRef', value: PATIENT_REF, ecert: true },
    ]);
    const patient = await t.login(body.username, body.enrollmentSecret);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: body.username, password: body.enrollmentSecret },
    });
    expect(login.json()).toMatchObject({ role: 'patient' });
    expect(patient.length).toBeGreaterThan(20);
  });

  it('answers 409 CONFLICT for a patient who already has an EMR, before registering anyone at the CA', async () => {
    t.ledger.on('HealthCenter:CheckIsPatientRegistered', true);
    const before = t.ca.registrations.size;
    expect(problemOf(await admit())).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(t.ca.registrations.size).toBe(before);
    expect(t.ledger.callsOf('HealthCenter:CreateEmr')).toHaveLength(0);
  });

  it.each([
    ['a non-date birthDate', { ...ALICE, birthDate: '29.02.1980' }],
    ['a patient id with a space', { ...ALICE, patientId: 'ab 12' }],
    ['an empty name', { ...ALICE, name: '' }],
    ['a control character in the name', { ...ALICE, name: 'A\u0007B' }],
    ['an unknown field', { ...ALICE, ssn: '1' }],
  ])('answers 400 for %s without calling the ledger', async (_case, payload) => {
    expect(problemOf(await admit(payload))).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(t.ledger.calls).toHaveLength(0);
  });

  it('checks registration with the patient id in transient data only', async () => {
    t.ledger.on('HealthCenter:CheckIsPatientRegistered', true);
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/patients/ab-1234/registered',
      headers: bearer(healthcenter),
    });
    expect(response.json()).toEqual({ registered: true });
    expect(t.ledger.calls[0]).toMatchObject({ arguments: [], transient: { patientId: 'ab-1234' } });
  });

  it('erases the EMR of a patient admitted here by its EMR id, and says 404 for a patient it does not know', async () => {
    await admit();
    t.ledger.on('HealthCenter:PurgeEmr', { emrId: EMR_ID, purgedNotes: 2, revokedRequests: [] });
    const erase = (patientId: string): Promise<Response> =>
      t.app.inject({
        method: 'DELETE',
        url: `/api/v1/patients/${patientId}/emr`,
        headers: bearer(healthcenter),
      });
    const response = await erase('AB-1234');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ emrId: EMR_ID, purgedNotes: 2 });
    expect(t.ledger.callsOf('HealthCenter:PurgeEmr')[0]?.arguments).toEqual([EMR_ID]);
    expect(problemOf(await erase('someone-else'))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('stores no patient id in clear in its database', async () => {
    await admit();
    expect(await t.store.patients.emrIdOf('AB-1234')).toBeUndefined();
  });
});
