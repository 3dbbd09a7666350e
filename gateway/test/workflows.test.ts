import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { Devnet, DevnetDescription, OrganizationDescription } from '@emr/network';
import { fhirIssuesOf } from '../src/test-support/fhir-validation';
import { GatewayClient, startDevnet, type HttpAnswer } from './support/devnet';

const MINUTE = 60_000;

interface Emr {
  emrId: string;
  patient: { patientId: string; name: string };
  noteCount: number;
  notes: { seq: number; text: string; authorMsp: string }[];
}
interface Problem {
  code: string;
  status: number;
  detail: string;
}
interface Request {
  requestId: string;
  status: string;
  ownerApproved: boolean;
  patientApproved: boolean;
}

/**
 * Both workflows of the article through the REST API, as real users of two providers over HTTPS: each user has
 * their own Fabric identity from their provider's CA, every transaction is signed with it, and the chaincode
 * decides. Includes the denials the scenario requires.
 */
describe('REST gateway on devnet: the article workflows, end to end', () => {
  let devnet: Devnet;
  let description: DevnetDescription;
  let gw1: GatewayClient;
  let gw2: GatewayClient;
  const users: Record<'hc1' | 'phys1' | 'hc2' | 'phys2' | 'alice' | 'bob', string> = {
    hc1: '',
    phys1: '',
    hc2: '',
    phys2: '',
    alice: '',
    bob: '',
  };
  let aliceEmrId = '';
  let physicianPassword = '';

  beforeAll(async () => {
    ({ devnet, description } = await startDevnet());
    const org = (mspId: string): OrganizationDescription => {
      const found = description.organizations.find((o) => o.mspId === mspId);
      if (found === undefined) throw new Error(`${mspId} missing`);
      return found;
    };
    gw1 = new GatewayClient(org('Provider1MSP'));
    gw2 = new GatewayClient(org('Provider2MSP'));
    const [hc1, phys1, hc2, phys2] = await Promise.all([
      gw1.staff('hc-anna', 'healthcenter'),
      gw1.staff('dr-bert', 'physician'),
      gw2.staff('hc-carl', 'healthcenter'),
      gw2.staff('dr-dora', 'physician'),
    ]);
    Object.assign(users, { hc1: hc1.token, phys1: phys1.token, hc2: hc2.token, phys2: phys2.token });
    physicianPassword = phys1.password;
  }, 5 * MINUTE);

  afterAll(async () => {
    await devnet.down();
  }, MINUTE);

  it('records each provider gateway in network.json and serves probes, metrics and the OpenAPI document', async () => {
    expect(gw1.org.gatewayUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await gw1.call('GET', '/livez')).body).toEqual({ status: 'ok' });
    expect((await gw2.call('GET', '/readyz')).body).toEqual({ status: 'ready' });
    const openapi = await gw1.call<{ info: { title: string } }>('GET', '/openapi.json');
    expect(openapi.body.info.title).toBe('EMR gateway of Provider1MSP');
    const metrics = await gw1.call<string>('GET', '/metrics');
    expect(metrics.body).toContain('http_request_duration_seconds_bucket');
  });

  describe('workflow 1: managing an EMR', () => {
    it('lets the healthcenter admit a patient, who gets an opaque identity and a new EMR', async () => {
      const admitted = await gw1.call<{ username: string; enrollmentSecret: string; emrId: string }>(
        'POST',
        '/api/v1/patients',
        {
          token: users.hc1,
          body: { patientId: 'p-alice-1', name: 'Alice Liddell', birthDate: '1990-05-04' },
        },
      );
      expect(admitted.status).toBe(201);
      expect(admitted.body.username).not.toMatch(/alice/i);
      aliceEmrId = admitted.body.emrId;
      users.alice = await gw1.login(admitted.body.username, admitted.body.enrollmentSecret);
      const bob = await gw1.call<{ username: string; enrollmentSecret: string }>('POST', '/api/v1/patients', {
        token: users.hc1,
        body: { patientId: 'p-bob-2', name: 'Bob Builder', birthDate: '1985-11-30' },
      });
      users.bob = await gw1.login(bob.body.username, bob.body.enrollmentSecret);

      const registered = await gw1.call('GET', '/api/v1/patients/P-ALICE-1/registered', { token: users.hc1 });
      expect(registered.body).toEqual({ registered: true });
      const duplicate = await gw1.call<Problem>('POST', '/api/v1/patients', {
        token: users.hc1,
        body: { patientId: 'P-ALICE-1', name: 'Alice Liddell', birthDate: '1990-05-04' },
      });
      expect(duplicate.body).toMatchObject({ status: 409, code: 'CONFLICT' });
    });

    it('lets the physician read the EMR and add visit notes, also concurrently (MVCC conflicts are retried)', async () => {
      const byPatient = await gw1.call<Emr>('GET', '/api/v1/patients/p-alice-1/emr', { token: users.phys1 });
      expect(byPatient.body).toMatchObject({
        emrId: aliceEmrId,
        noteCount: 0,
        patient: { name: 'Alice Liddell' },
      });
      const first = await gw1.call('POST', `/api/v1/emrs/${aliceEmrId}/notes`, {
        token: users.phys1,
        body: { text: 'Visit 1: seasonal flu' },
      });
      expect(first).toMatchObject({ status: 201, body: { seq: 1, version: 2 } });
      const concurrent = await Promise.all(
        ['Visit 2: follow-up', 'Visit 3: x-ray', 'Visit 4: recovered'].map((text) =>
          gw1.call<{ seq: number }>('POST', `/api/v1/emrs/${aliceEmrId}/notes`, {
            token: users.phys1,
            body: { text },
          }),
        ),
      );
      expect(concurrent.map((answer) => answer.status)).toEqual([201, 201, 201]);
      expect(concurrent.map((answer) => answer.body.seq).sort()).toEqual([2, 3, 4]);
      const read = await gw1.call<Emr>('GET', `/api/v1/emrs/${aliceEmrId}`, { token: users.phys1 });
      expect(read.body.notes.map((note) => note.seq)).toEqual([1, 2, 3, 4]);
      // Notes endorsed against the same EMR version conflict at commit; the gateway ran them again.
      const metrics = await gw1.call<string>('GET', '/metrics');
      expect(metrics.body).toMatch(
        /fabric_submit_retries_total\{transaction="Physician:AddEmrNote",step="conflict"\} [1-9]/,
      );
    });

    it('lets the patient read their own EMR, as JSON and as a FHIR document Bundle, and count visits', async () => {
      const own = await gw1.call<Emr>('GET', '/api/v1/me/emr', { token: users.alice });
      expect(own.body).toMatchObject({ emrId: aliceEmrId, noteCount: 4 });
      const visits = await gw1.call('GET', '/api/v1/me/visits?org=Provider1MSP', { token: users.alice });
      expect(visits.body).toEqual({ org: 'Provider1MSP', visitCount: 4 });
      const fhir = await gw1.call<{ entry: { resource: { resourceType: string } }[] }>(
        'GET',
        '/api/v1/me/emr?format=fhir',
        { token: users.alice },
      );
      expect(fhir.headers['content-type']).toMatch(/^application\/fhir\+json/);
      expect(fhirIssuesOf(fhir.body)).toEqual([]);
      expect(fhir.body.entry.filter((entry) => entry.resource.resourceType === 'Encounter')).toHaveLength(4);
    });

    it('denies: healthcenter staff reading notes, a patient reading another EMR, the other provider reading it', async () => {
      const byHealthcenter = await gw1.call<Problem>('GET', `/api/v1/emrs/${aliceEmrId}`, {
        token: users.hc1,
      });
      expect(byHealthcenter.body).toMatchObject({ status: 403, code: 'ROLE_NOT_ALLOWED' });
      const byBob = await gw1.call<Problem>('GET', `/api/v1/emrs/${aliceEmrId}`, { token: users.bob });
      expect(byBob.status).toBe(403);
      const bobsOwn = await gw1.call<Emr>('GET', '/api/v1/me/emr', { token: users.bob });
      expect(bobsOwn.body.emrId).not.toBe(aliceEmrId);
      // Provider 2's physician at its own gateway: its peer has no such EMR.
      const byOtherOrg = await gw2.call<Problem>('GET', `/api/v1/emrs/${aliceEmrId}`, { token: users.phys2 });
      expect(byOtherOrg.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      // ... and at provider 1's gateway its token is not valid.
      const crossGateway = await gw1.call<Problem>('GET', `/api/v1/emrs/${aliceEmrId}`, {
        token: users.phys2,
      });
      expect(crossGateway.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    });
  });

  describe('workflow 2: sharing an EMR with another provider', () => {
    let requestId = '';
    const readShared = (): Promise<HttpAnswer<Emr & Problem>> =>
      gw2.call<Emr & Problem>('GET', '/api/v1/shared-emrs/Provider1MSP/P-ALICE-1', { token: users.phys2 });

    it("lets provider 2's physician ask for the EMR, and refuses the read before both approvals", async () => {
      const asked = await gw2.call<Request>('POST', '/api/v1/access-requests', {
        token: users.phys2,
        body: { patientId: 'p-alice-1', ownerOrg: 'Provider1MSP' },
      });
      expect(asked).toMatchObject({ status: 201, body: { status: 'PENDING' } });
      requestId = asked.body.requestId;
      expect((await readShared()).body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      const outgoing = await gw2.call<{ requests: Request[] }>('GET', '/api/v1/access-requests', {
        token: users.phys2,
      });
      expect(outgoing.body.requests.map((request) => request.requestId)).toContain(requestId);
    });

    it('needs the owner healthcenter and the patient; another patient cannot approve', async () => {
      const incoming = await gw1.call<{ requests: Request[] }>('GET', '/api/v1/access-requests', {
        token: users.hc1,
      });
      expect(incoming.body.requests.map((request) => request.requestId)).toContain(requestId);
      const authorized = await gw1.call<Request>('POST', `/api/v1/access-requests/${requestId}/authorize`, {
        token: users.hc1,
      });
      expect(authorized.body).toMatchObject({ status: 'PENDING', ownerApproved: true });
      expect((await readShared()).body).toMatchObject({ status: 403, code: 'FORBIDDEN' });

      const byBob = await gw1.call<Problem>('POST', `/api/v1/me/access-requests/${requestId}/approve`, {
        token: users.bob,
      });
      expect(byBob.body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      const mine = await gw1.call<Request[]>('GET', '/api/v1/me/access-requests', { token: users.alice });
      expect(mine.body.map((request) => request.requestId)).toEqual([requestId]);
      const approved = await gw1.call<Request>('POST', `/api/v1/me/access-requests/${requestId}/approve`, {
        token: users.alice,
      });
      expect(approved.body).toMatchObject({ status: 'GRANTED', patientApproved: true });
    });

    it('then lets the requester read the snapshot, audited in the access log of the patient and the owner', async () => {
      const shared = await readShared();
      expect(shared.status).toBe(200);
      expect(shared.body).toMatchObject({
        emrId: aliceEmrId,
        noteCount: 4,
        patient: { patientId: 'P-ALICE-1' },
      });
      await gw1.call('POST', `/api/v1/emrs/${aliceEmrId}/notes`, {
        token: users.phys1,
        body: { text: 'Visit 5: after the share' },
      });
      expect((await readShared()).body.noteCount).toBe(4);

      const log = await gw1.call<{ readerMsp: string; requestId: string }[]>('GET', '/api/v1/me/access-log', {
        token: users.alice,
      });
      expect(log.body).toHaveLength(2);
      expect(log.body[0]).toMatchObject({ readerMsp: 'Provider2MSP', requestId });
      const ownerLog = await gw1.call<unknown[]>('GET', `/api/v1/emrs/${aliceEmrId}/access-log`, {
        token: users.hc1,
      });
      expect(ownerLog.body).toHaveLength(2);
    });

    it('refuses the read after the owner revokes the share', async () => {
      const revoked = await gw1.call<Request>('POST', `/api/v1/access-requests/${requestId}/revoke`, {
        token: users.hc1,
      });
      expect(revoked.body).toMatchObject({ status: 'REVOKED' });
      expect((await readShared()).body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    });

    it('refuses the read after the patient withdraws consent for the provider', async () => {
      const asked = await gw2.call<Request>('POST', '/api/v1/access-requests', {
        token: users.hc2,
        body: { patientId: 'P-ALICE-1', ownerOrg: 'Provider1MSP' },
      });
      expect(asked.status).toBe(201);
      await gw1.call('POST', `/api/v1/access-requests/${asked.body.requestId}/authorize`, {
        token: users.hc1,
      });
      await gw1.call('POST', `/api/v1/me/access-requests/${asked.body.requestId}/approve`, {
        token: users.alice,
      });
      expect((await readShared()).body.noteCount).toBe(5);
      const withdrawn = await gw1.call<{ withdrawn: Request[] }>(
        'DELETE',
        '/api/v1/me/sharing/Provider2MSP',
        {
          token: users.alice,
        },
      );
      expect(withdrawn.body.withdrawn).toEqual([expect.objectContaining({ status: 'WITHDRAWN' })]);
      expect((await readShared()).body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    });
  });

  describe('restart', () => {
    it('shuts down gracefully and keeps its users: the next login is checked locally and signs with the stored key', async () => {
      await devnet.restart('gateway-provider1');
      const log = readFileSync(devnet.layout.logFile('gateway-provider1'), 'utf8');
      expect(log).toContain('"msg":"shutting down"');
      // The CA secret was single-use: only the gateway's own store can accept this password now.
      users.phys1 = await gw1.login('dr-bert', physicianPassword);
      const read = await gw1.call<Emr>('GET', `/api/v1/emrs/${aliceEmrId}`, { token: users.phys1 });
      expect(read.body.noteCount).toBe(5);
      const reenroll = await gw1.call<Problem>('POST', '/api/v1/auth/login', {
        body: { username: 'dr-bert', password: 'not-the-password' },
      });
      expect(reenroll.body).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
    });
  });

  describe('erasure (GDPR)', () => {
    it("erases the EMR only after the patient's consent; then it is gone", async () => {
      const erase = (): Promise<HttpAnswer<Problem>> =>
        gw1.call<Problem>('DELETE', '/api/v1/patients/p-alice-1/emr', { token: users.hc1 });
      expect((await erase()).body).toMatchObject({ status: 412, code: 'FAILED_PRECONDITION' });
      const consent = await gw1.call('POST', '/api/v1/me/erasure', { token: users.alice });
      expect(consent.body).toMatchObject({ erasureConsent: 'RECORDED' });
      const erased = await gw1.call<{ purgedNotes: number }>('DELETE', '/api/v1/patients/p-alice-1/emr', {
        token: users.hc1,
      });
      expect(erased).toMatchObject({ status: 200, body: { emrId: aliceEmrId, purgedNotes: 5 } });
      expect((await gw1.call<Problem>('GET', '/api/v1/me/emr', { token: users.alice })).body.status).toBe(
        404,
      );
    });
  });
});
