import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { LightMyRequestResponse as Response } from 'fastify';
import { bearer, newTestApp, problemOf, type TestApp } from '../test-support/test-app';

const id = (digit: string): string => digit.repeat(64);
const EMR = {
  emrId: id('e'),
  ownerMsp: 'Provider1MSP',
  patient: { patientId: 'AB-1234', name: 'Alice Example', birthDate: '1980-02-29' },
  version: 2,
  noteCount: 1,
  createdAt: '2025-01-01T10:00:00.000Z',
  updatedAt: '2025-01-02T10:00:00.000Z',
  notes: [
    {
      seq: 1,
      text: 'Flu',
      authorId: 'x509::CN=dr',
      authorMsp: 'Provider1MSP',
      createdAt: '2025-01-02T10:00:00.000Z',
    },
  ],
};

describe("a patient's own routes", () => {
  let t: TestApp;
  let patient: string;
  beforeEach(async () => {
    t = await newTestApp();
    const healthcenter = await t.userWithRole('hc-desk', 'healthcenter');
    t.ledger
      .on('HealthCenter:CheckIsPatientRegistered', false)
      .on('HealthCenter:DerivePatientRef', { patientRef: '9'.repeat(64) })
      .on('HealthCenter:CreateEmr', { emrId: id('e'), ownerMsp: 'Provider1MSP', version: 1 });
    const admitted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/patients',
      headers: bearer(healthcenter),
      payload: { patientId: 'AB-1234', name: 'Alice Example', birthDate: '1980-02-29' },
    });
    const { username, enrollmentSecret } = admitted.json<{ username: string; enrollmentSecret: string }>();
    patient = await t.login(username, enrollmentSecret);
    t.ledger.calls.length = 0;
  });
  afterEach(async () => {
    await t.close();
  });

  const get = (url: string): Promise<Response> =>
    t.app.inject({ method: 'GET', url, headers: bearer(patient) });

  it('evaluates GetOwnEmr signed by the patient and answers the EMR as JSON', async () => {
    t.ledger.on('Patient:GetOwnEmr', EMR);
    const response = await get('/api/v1/me/emr');
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual(EMR);
    expect(t.ledger.calls[0]).toMatchObject({
      kind: 'evaluate',
      arguments: [],
      endorsingOrganizations: ['Provider1MSP'],
    });
  });

  it('answers a FHIR document Bundle as application/fhir+json with format=fhir', async () => {
    t.ledger.on('Patient:GetOwnEmr', EMR);
    const response = await get('/api/v1/me/emr?format=fhir');
    expect(response.headers['content-type']).toMatch(/^application\/fhir\+json/);
    const bundle = response.json<{
      resourceType: string;
      type: string;
      entry: { resource: { resourceType: string } }[];
    }>();
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'document' });
    expect(bundle.entry.map((entry) => entry.resource.resourceType)).toEqual([
      'Composition',
      'Patient',
      'Organization',
      'Encounter',
    ]);
    expect(problemOf(await get('/api/v1/me/emr?format=xml')).status).toBe(400);
  });

  it('counts visits at this provider only', async () => {
    t.ledger.on('Patient:GetMedicalVisitCount', 3);
    expect((await get('/api/v1/me/visits')).json()).toEqual({ org: 'Provider1MSP', visitCount: 3 });
    expect((await get('/api/v1/me/visits?org=Provider1MSP')).json()).toEqual({
      org: 'Provider1MSP',
      visitCount: 3,
    });
    expect(problemOf(await get('/api/v1/me/visits?org=Provider2MSP'))).toMatchObject({ status: 400 });
  });

  it('approves a request, withdraws sharing with a provider and consents to erasure by submitting on the own peer', async () => {
    const publicView = {
      requestId: id('1'),
      ownerMsp: 'Provider1MSP',
      requesterMsp: 'Provider2MSP',
      status: 'WITHDRAWN',
      ownerApproved: true,
      patientApproved: true,
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
    };
    t.ledger
      .on('Patient:ApproveEmrSharing', { ...publicView, status: 'GRANTED' })
      .on('Patient:RemoveEmrSharing', [publicView])
      .on('Patient:ConsentToEmrErasure', { erasureConsent: 'RECORDED' });
    const approve = await t.app.inject({
      method: 'POST',
      url: `/api/v1/me/access-requests/${id('1')}/approve`,
      headers: bearer(patient),
    });
    expect(approve.json()).toMatchObject({ status: 'GRANTED', transactionId: expect.any(String) });
    const remove = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/me/sharing/Provider2MSP',
      headers: bearer(patient),
    });
    expect(remove.json()).toMatchObject({ withdrawn: [{ requestId: id('1'), status: 'WITHDRAWN' }] });
    const erasure = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/erasure',
      headers: bearer(patient),
    });
    expect(erasure.json()).toMatchObject({ erasureConsent: 'RECORDED' });
    expect(t.ledger.calls.map((call) => [call.kind, call.name, call.arguments])).toEqual([
      ['submit', 'Patient:ApproveEmrSharing', [id('1')]],
      ['submit', 'Patient:RemoveEmrSharing', ['Provider2MSP']],
      ['submit', 'Patient:ConsentToEmrErasure', []],
    ]);
  });

  it('keeps patients out of staff routes', async () => {
    expect(problemOf(await get(`/api/v1/emrs/${id('e')}`)).code).toBe('ROLE_NOT_ALLOWED');
    expect(problemOf(await get('/api/v1/access-requests')).code).toBe('ROLE_NOT_ALLOWED');
    expect(t.ledger.calls).toHaveLength(0);
  });
});
