import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { LightMyRequestResponse as Response } from 'fastify';
import { chaincodeEndorseError } from '../test-support/fake-ledger';
import { bearer, newTestApp, problemOf, type TestApp } from '../test-support/test-app';

const id = (digit: string): string => digit.repeat(64);
const view = (requestId: string, status: string, createdAt: string): Record<string, unknown> => ({
  requestId,
  ownerMsp: 'Provider2MSP',
  requesterMsp: 'Provider1MSP',
  status,
  ownerApproved: status === 'GRANTED',
  patientApproved: status === 'GRANTED',
  createdAt,
  updatedAt: createdAt,
});
const SHARED = {
  emrId: id('e'),
  ownerMsp: 'Provider2MSP',
  patient: { patientId: 'AB-1234', name: 'Alice', birthDate: '1980-01-01' },
  version: 1,
  noteCount: 0,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
  notes: [],
  requestId: id('1'),
  auditId: id('a'),
  snapshot: { version: 1, noteCount: 0, takenAt: '2025-01-02T00:00:00.000Z' },
};

describe('access requests and shared reads', () => {
  let t: TestApp;
  let physician: string;
  beforeEach(async () => {
    t = await newTestApp();
    physician = await t.userWithRole('dr-grey', 'physician');
  });
  afterEach(async () => {
    await t.close();
  });

  const requestAccess = (
    token: string,
    patientId: string,
    requestId: string,
    createdAt: string,
  ): Promise<Response> => {
    t.ledger.on('Sharing:RequestEmrAccess', view(requestId, 'PENDING', createdAt));
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/access-requests',
      headers: bearer(token),
      payload: { patientId, ownerOrg: 'Provider2MSP' },
    });
  };
  const readShared = (patientId: string): Promise<Response> =>
    t.app.inject({
      method: 'GET',
      url: `/api/v1/shared-emrs/Provider2MSP/${patientId}`,
      headers: bearer(physician),
    });

  it("sends RequestEmrAccess to the owner's peer with the patient id in transient data", async () => {
    const response = await requestAccess(physician, 'ab-1234', id('1'), '2025-01-01T00:00:00.000Z');
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ requestId: id('1'), status: 'PENDING' });
    expect(t.ledger.calls[0]).toMatchObject({
      kind: 'submit',
      name: 'Sharing:RequestEmrAccess',
      arguments: ['Provider2MSP'],
      transient: { patientId: 'ab-1234' },
      endorsingOrganizations: ['Provider2MSP'],
    });
  });

  it("reads a shared EMR in two steps on the owner's peer: submitted audit record, then evaluated read with its id", async () => {
    await requestAccess(physician, 'ab-1234', id('1'), '2025-01-01T00:00:00.000Z');
    await requestAccess(physician, 'ab-1234', id('2'), '2025-01-03T00:00:00.000Z');
    await requestAccess(physician, 'cd-5678', id('3'), '2025-01-04T00:00:00.000Z');
    t.ledger
      .on('Sharing:GetRequesterAccessRequests', [
        view(id('1'), 'GRANTED', '2025-01-01T00:00:00.000Z'),
        view(id('2'), 'REVOKED', '2025-01-03T00:00:00.000Z'),
        view(id('3'), 'GRANTED', '2025-01-04T00:00:00.000Z'),
      ])
      .on('Physician:LogSharedEmrAccess', { auditId: id('a') })
      .on('Physician:GetSharedEmr', SHARED);
    const response = await readShared('AB-1234');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(SHARED);
    const [log, read] = [
      ...t.ledger.callsOf('Physician:LogSharedEmrAccess'),
      ...t.ledger.callsOf('Physician:GetSharedEmr'),
    ];
    // The granted request of this patient, not the newer revoked one nor another patient's.
    expect(log).toMatchObject({
      kind: 'submit',
      arguments: [id('1')],
      endorsingOrganizations: ['Provider2MSP'],
    });
    expect(read).toMatchObject({
      kind: 'evaluate',
      arguments: [id('1'), id('a')],
      endorsingOrganizations: ['Provider2MSP'],
    });
  });

  it("lets the chaincode refuse when this patient's newest request is not granted (403), and answers 404 without any request", async () => {
    await requestAccess(physician, 'ab-1234', id('1'), '2025-01-01T00:00:00.000Z');
    t.ledger
      .on('Sharing:GetRequesterAccessRequests', [view(id('1'), 'PENDING', '2025-01-01T00:00:00.000Z')])
      .on('Physician:LogSharedEmrAccess', () => {
        throw chaincodeEndorseError('FORBIDDEN', 'sharing is not granted (request is PENDING)');
      });
    expect(problemOf(await readShared('AB-1234'))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(problemOf(await readShared('ZZ-9'))).toMatchObject({ status: 404, code: 'NO_GRANTED_REQUEST' });
  });

  it('repeats the read briefly while the owner peer has not committed the audit record yet', async () => {
    let attempts = 0;
    t.ledger
      .on('Sharing:GetRequesterAccessRequests', [view(id('1'), 'GRANTED', '2025-01-01T00:00:00.000Z')])
      .on('Physician:LogSharedEmrAccess', { auditId: id('a') })
      .on('Physician:GetSharedEmr', () => {
        if (++attempts < 3)
          throw chaincodeEndorseError('NOT_FOUND', 'no committed access record with this id');
        return SHARED;
      });
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/access-requests/${id('1')}/emr`,
      headers: bearer(physician),
    });
    expect(response.statusCode).toBe(200);
    expect(attempts).toBe(3);
  });

  it('lists incoming pending requests for healthcenter staff and outgoing ones for physicians', async () => {
    const healthcenter = await t.userWithRole('hc-desk', 'healthcenter');
    t.ledger
      .on('HealthCenter:GetPendingAccessRequests', [
        {
          ...view(id('1'), 'PENDING', '2025-01-01T00:00:00.000Z'),
          emrId: id('e'),
          requestedBy: 'x509::CN=dr',
        },
      ])
      .on('Sharing:GetRequesterAccessRequests', []);
    const list = (token: string, query = ''): Promise<Response> =>
      t.app.inject({ method: 'GET', url: `/api/v1/access-requests${query}`, headers: bearer(token) });
    expect((await list(healthcenter)).json()).toMatchObject({
      view: 'incoming',
      requests: [{ emrId: id('e') }],
    });
    expect((await list(physician)).json()).toEqual({ view: 'outgoing', requests: [] });
    expect((await list(healthcenter, '?view=outgoing')).json()).toMatchObject({ view: 'outgoing' });
    expect(problemOf(await list(physician, '?view=incoming')).code).toBe('ROLE_NOT_ALLOWED');
  });

  it('authorizes and revokes by submitting on the own peer with the request id as argument', async () => {
    const healthcenter = await t.userWithRole('hc-desk', 'healthcenter');
    t.ledger
      .on('HealthCenter:AuthorizeEmrReading', view(id('1'), 'GRANTED', '2025-01-01T00:00:00.000Z'))
      .on('HealthCenter:RevokeEmrSharing', view(id('1'), 'REVOKED', '2025-01-01T00:00:00.000Z'));
    for (const action of ['authorize', 'revoke']) {
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/v1/access-requests/${id('1')}/${action}`,
        headers: bearer(healthcenter),
      });
      expect(response.statusCode).toBe(200);
    }
    expect(t.ledger.calls.map((call) => [call.name, call.arguments, call.endorsingOrganizations])).toEqual([
      ['HealthCenter:AuthorizeEmrReading', [id('1')], ['Provider1MSP']],
      ['HealthCenter:RevokeEmrSharing', [id('1')], ['Provider1MSP']],
    ]);
    const byPhysician = await t.app.inject({
      method: 'POST',
      url: `/api/v1/access-requests/${id('1')}/authorize`,
      headers: bearer(physician),
    });
    expect(problemOf(byPhysician).status).toBe(403);
  });
});
