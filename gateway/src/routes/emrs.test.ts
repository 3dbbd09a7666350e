import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { LightMyRequestResponse as Response } from 'fastify';
import { status } from '@grpc/grpc-js';
import { CommitError, StatusCode } from '@hyperledger/fabric-gateway';
import { chaincodeEndorseError, chaincodeEvaluateError, grpcError } from '../test-support/fake-ledger';
import { bearer, newTestApp, problemOf, type TestApp } from '../test-support/test-app';

const EMR_ID = 'e'.repeat(64);
const EMR = {
  emrId: EMR_ID,
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

describe('EMR routes of physicians', () => {
  let t: TestApp;
  let physician: string;
  beforeEach(async () => {
    t = await newTestApp();
    physician = await t.userWithRole('dr-grey', 'physician');
  });
  afterEach(async () => {
    await t.close();
  });

  const readEmr = (): Promise<Response> =>
    t.app.inject({ method: 'GET', url: `/api/v1/emrs/${EMR_ID}`, headers: bearer(physician) });
  const addNote = (text: string): Promise<Response> =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/emrs/${EMR_ID}/notes`,
      headers: bearer(physician),
      payload: { text },
    });

  it('reads an EMR by evaluating Physician:ReadEmr on the own org with the id as argument', async () => {
    t.ledger.on('Physician:ReadEmr', EMR);
    const response = await readEmr();
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(EMR);
    expect(t.ledger.calls).toMatchObject([
      { kind: 'evaluate', arguments: [EMR_ID], endorsingOrganizations: ['Provider1MSP'] },
    ]);
  });

  it('adds a note by submitting AddEmrNote with the text in transient data, and answers 201 with the transaction id', async () => {
    t.ledger.on('Physician:AddEmrNote', { emrId: EMR_ID, seq: 2, version: 3 });
    const response = await addNote('Follow-up: better');
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      emrId: EMR_ID,
      seq: 2,
      version: 3,
      transactionId: expect.any(String),
    });
    expect(t.ledger.calls[0]).toMatchObject({
      kind: 'submit',
      arguments: [EMR_ID],
      transient: { note: JSON.stringify({ text: 'Follow-up: better' }) },
    });
  });

  it('finds the EMR by patient id sent as transient data, not as an argument', async () => {
    t.ledger.on('Physician:GetEmrByPatientId', EMR);
    await t.app.inject({ method: 'GET', url: '/api/v1/patients/AB-1234/emr', headers: bearer(physician) });
    expect(t.ledger.calls[0]).toMatchObject({ arguments: [], transient: { patientId: 'AB-1234' } });
  });

  it('validates ids and note size before calling the ledger', async () => {
    const badId = await t.app.inject({ method: 'GET', url: '/api/v1/emrs/XYZ', headers: bearer(physician) });
    expect(problemOf(badId)).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(problemOf(await addNote('x'.repeat(16_385))).status).toBe(400);
    expect(problemOf(await addNote('')).status).toBe(400);
    expect(t.ledger.calls).toHaveLength(0);
  });

  it('answers 502 LEDGER_ERROR when the ledger answers something that is not the expected shape', async () => {
    t.ledger.on('Physician:ReadEmr', { emrId: EMR_ID });
    expect(problemOf(await readEmr())).toMatchObject({ status: 502, code: 'LEDGER_ERROR' });
  });

  it('lets neither healthcenter staff nor patients read notes', async () => {
    const healthcenter = await t.userWithRole('hc-desk', 'healthcenter');
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/emrs/${EMR_ID}`,
      headers: bearer(healthcenter),
    });
    expect(problemOf(response)).toMatchObject({ status: 403, code: 'ROLE_NOT_ALLOWED' });
  });
});

describe('mapping of ledger failures to problems', () => {
  let t: TestApp;
  let physician: string;
  beforeEach(async () => {
    t = await newTestApp();
    physician = await t.userWithRole('dr-grey', 'physician');
  });
  afterEach(async () => {
    await t.close();
  });

  it.each([
    ['INVALID_ARGUMENT', 400],
    ['FORBIDDEN', 403],
    ['NOT_FOUND', 404],
    ['CONFLICT', 409],
    ['FAILED_PRECONDITION', 412],
  ])(
    'a chaincode %s on submit (EndorseError) is HTTP %i with that code and the chaincode message',
    async (code, status) => {
      t.ledger.on('Physician:AddEmrNote', () => {
        throw chaincodeEndorseError(code, 'the detail');
      });
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/v1/emrs/${EMR_ID}/notes`,
        headers: bearer(physician),
        payload: { text: 'x' },
      });
      expect(problemOf(response)).toMatchObject({
        status,
        code,
        detail: 'the detail',
        transactionId: 'a'.repeat(64),
      });
    },
  );

  it.each([
    ['FORBIDDEN', 403],
    ['NOT_FOUND', 404],
  ])('a chaincode %s on evaluate is HTTP %i', async (code, status) => {
    t.ledger.on('Physician:ReadEmr', () => {
      throw chaincodeEvaluateError(code, 'no such EMR');
    });
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/emrs/${EMR_ID}`,
      headers: bearer(physician),
    });
    expect(problemOf(response)).toMatchObject({ status, code });
  });

  it.each([
    [
      'gRPC UNAVAILABLE',
      503,
      'LEDGER_UNAVAILABLE',
      () => grpcError(status.UNAVAILABLE, 'UNAVAILABLE: No connection established'),
    ],
    [
      'gRPC DEADLINE_EXCEEDED',
      504,
      'LEDGER_TIMEOUT',
      () => grpcError(status.DEADLINE_EXCEEDED, 'DEADLINE_EXCEEDED: Deadline exceeded'),
    ],
    [
      'no endorsers known yet',
      503,
      'LEDGER_UNAVAILABLE',
      () =>
        grpcError(status.FAILED_PRECONDITION, 'FAILED_PRECONDITION: no combination of peers can be derived'),
    ],
    [
      'MVCC conflicts beyond the retries',
      409,
      'CONCURRENT_UPDATE',
      () =>
        new CommitError({
          code: StatusCode.MVCC_READ_CONFLICT,
          transactionId: 'b'.repeat(64),
          message: 'mvcc',
        }),
    ],
    [
      'an endorsement policy failure',
      502,
      'TRANSACTION_INVALID',
      () =>
        new CommitError({
          code: StatusCode.ENDORSEMENT_POLICY_FAILURE,
          transactionId: 'b'.repeat(64),
          message: 'x',
        }),
    ],
    ['anything unexpected', 500, 'INTERNAL', () => new TypeError('secret internals')],
  ])('%s is HTTP %i %s', async (_case, status, code, error) => {
    t.ledger.on('Physician:AddEmrNote', () => {
      throw error();
    });
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/v1/emrs/${EMR_ID}/notes`,
      headers: bearer(physician),
      payload: { text: 'x' },
    });
    const problem = problemOf(response);
    expect(problem).toMatchObject({ status, code });
    expect(problem.detail).not.toContain('secret internals');
    expect(response.headers['retry-after']).toBe(status === 503 ? '5' : undefined);
  });

  it('answers unknown routes with 404 ROUTE_NOT_FOUND as a problem', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(problemOf(response)).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });
  });
});
