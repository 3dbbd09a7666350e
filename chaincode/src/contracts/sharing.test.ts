import { describe, expect, test } from '@jest/globals';
import type { Identity } from '../test-support/fake-network';
import {
  ALICE,
  BOB,
  json,
  NOTE_TEXTS,
  ORG1,
  ORG2,
  ORG3,
  Scenario,
  type SharedEmr,
} from '../test-support/scenario';

interface RequestView {
  requestId: string;
  ownerMsp: string;
  requesterMsp: string;
  status: string;
  ownerApproved: boolean;
  patientApproved: boolean;
  emrId?: string;
  requestedBy?: string;
  snapshot?: { version: number; noteCount: number };
  closedReason?: string;
}

interface World {
  s: Scenario;
  emrId: string;
  alice: Identity;
  requestId: string;
}

/** Alice is a patient of ORG1 with two notes; a physician of ORG2 asked for her EMR. */
async function requested(): Promise<World> {
  const s = await Scenario.start();
  const { emrId, patient } = await s.admit(ORG1, ALICE);
  await s.addNote(ORG1, emrId, NOTE_TEXTS[0]);
  await s.addNote(ORG1, emrId, NOTE_TEXTS[1]);
  const requestId = await s.request(s.of(ORG2).physician, ORG1, ALICE.patientId);
  return { s, emrId, alice: patient, requestId };
}

async function granted(): Promise<World> {
  const world = await requested();
  await world.s.authorize(ORG1, world.requestId);
  await world.s.approve(world.alice, world.requestId);
  return world;
}

async function logAndRead(s: Scenario, reader: Identity, requestId: string): Promise<SharedEmr> {
  return s.readShared(reader, ORG1, requestId);
}

describe('Sharing an EMR (article workflow 2)', () => {
  test('steps 1-2: another provider cannot read the EMR without permission', async () => {
    const { s, emrId } = await requested();
    const outsider = s.of(ORG2).physician;
    await expect(s.net.evaluate(outsider, 'Physician:ReadEmr', [emrId], { peer: ORG1 })).rejects.toThrow(
      /^FAILED_PRECONDITION/,
    );
    await expect(
      s.net.submit(outsider, 'Physician:LogSharedEmrAccess', ['0'.repeat(64)], { peer: ORG1 }),
    ).rejects.toThrow(/^NOT_FOUND: no such access request/);
  });

  test('step 3: RequestEmrAccess creates a PENDING request and answers only its public view', async () => {
    const { s, requestId } = await requested();
    const tx = s.net.blocks.at(-1);
    expect(tx?.fcn).toBe('Sharing:RequestEmrAccess');
    expect(tx?.args).toEqual([ORG1]);
    expect(json(tx?.response ?? '')).toEqual({
      requestId,
      ownerMsp: ORG1,
      requesterMsp: ORG2,
      status: 'PENDING',
      ownerApproved: false,
      patientApproved: false,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(tx?.event?.name).toBe('EmrAccessRequested');
  });

  test('steps 4-7: owner approval then patient approval let the requester physician read the EMR', async () => {
    const { s, emrId, requestId } = await granted();
    const shared = await logAndRead(s, s.of(ORG2).physician, requestId);
    expect(shared).toMatchObject({ emrId, ownerMsp: ORG1, requestId, noteCount: 2, version: 3 });
    expect(shared.patient.name).toBe(ALICE.name);
    expect(shared.notes.map((n) => n.text)).toEqual([NOTE_TEXTS[0], NOTE_TEXTS[1]]);
    const other = await logAndRead(s, s.of(ORG2).physician2, requestId);
    expect(other.notes).toEqual(shared.notes);
  });

  test('the approvals may come in either order: patient first, then owner', async () => {
    const { s, alice, requestId } = await requested();
    await s.approve(alice, requestId);
    await s.authorize(ORG1, requestId);
    expect((await logAndRead(s, s.of(ORG2).physician, requestId)).noteCount).toBe(2);
  });

  test.each([
    ['no approval', async () => {}],
    ['only the owner approved', async (w: World) => w.s.authorize(ORG1, w.requestId)],
    ['only the patient approved', async (w: World) => w.s.approve(w.alice, w.requestId)],
  ])('with %s, the shared read is FORBIDDEN', async (_name, setup) => {
    const world = await requested();
    await setup(world);
    await expect(
      world.s.net.submit(world.s.of(ORG2).physician, 'Physician:LogSharedEmrAccess', [world.requestId], {
        peer: ORG1,
      }),
    ).rejects.toThrow(/^FORBIDDEN: sharing is not granted \(request is PENDING\)/);
  });
});

describe('snapshot sharing', () => {
  test('the requester sees the EMR as it stood at the second approval; later notes are invisible', async () => {
    const { s, emrId, alice, requestId } = await requested();
    await s.authorize(ORG1, requestId);
    await s.addNote(ORG1, emrId, NOTE_TEXTS[2]);
    await s.approve(alice, requestId);
    await s.addNote(ORG1, emrId, NOTE_TEXTS[3]);
    const shared = await logAndRead(s, s.of(ORG2).physician, requestId);
    expect(shared.notes.map((n) => n.text)).toEqual([NOTE_TEXTS[0], NOTE_TEXTS[1], NOTE_TEXTS[2]]);
    expect(shared.snapshot).toMatchObject({ version: 4, noteCount: 3 });
    expect(shared).toMatchObject({ version: 4, noteCount: 3 });
    const current = json<{ noteCount: number }>(await s.net.evaluate(alice, 'Patient:GetOwnEmr'));
    expect(current.noteCount).toBe(4);
  });

  test('newer data needs a new request, which pins a newer snapshot', async () => {
    const { s, emrId, alice, requestId } = await granted();
    await s.addNote(ORG1, emrId, NOTE_TEXTS[3]);
    const second = await s.request(s.of(ORG2).healthcenter, ORG1, ALICE.patientId);
    await s.approve(alice, second);
    await s.authorize(ORG1, second);
    expect((await logAndRead(s, s.of(ORG2).physician, requestId)).noteCount).toBe(2);
    expect((await logAndRead(s, s.of(ORG2).physician, second)).noteCount).toBe(3);
  });

  test('a note endorsed before the second approval but committed after it invalidates the approval (MVCC)', async () => {
    const { s, emrId, alice, requestId } = await requested();
    await s.authorize(ORG1, requestId);
    const note = await s.net.endorse(s.of(ORG1).physician, 'Physician:AddEmrNote', [emrId], {
      transient: { note: { text: NOTE_TEXTS[3] } },
    });
    const approval = await s.net.endorse(alice, 'Patient:ApproveEmrSharing', [requestId]);
    s.net.commit(note);
    expect(() => {
      s.net.commit(approval);
    }).toThrow(/^MVCC_READ_CONFLICT/);
    await s.approve(alice, requestId);
    expect((await logAndRead(s, s.of(ORG2).physician, requestId)).noteCount).toBe(3);
  });
});

describe('withdrawal and revocation', () => {
  test('after the patient withdraws (RemoveEmrSharing), shared reads are FORBIDDEN, even with an old audit id', async () => {
    const { s, alice, requestId } = await granted();
    const reader = s.of(ORG2).physician;
    const { auditId } = await logAndRead(s, reader, requestId);
    const payload = await s.net.submit(alice, 'Patient:RemoveEmrSharing', [ORG2]);
    expect(json(payload)).toEqual([expect.objectContaining({ requestId, status: 'WITHDRAWN' })]);
    await expect(
      s.net.submit(reader, 'Physician:LogSharedEmrAccess', [requestId], { peer: ORG1 }),
    ).rejects.toThrow(/^FORBIDDEN: sharing is not granted \(request is WITHDRAWN\)/);
    await expect(
      s.net.evaluate(reader, 'Physician:GetSharedEmr', [requestId, auditId], { peer: ORG1 }),
    ).rejects.toThrow(/^FORBIDDEN: sharing is not granted \(request is WITHDRAWN\)/);
  });

  test('RemoveEmrSharing withdraws every pending or granted request of that provider, and only those', async () => {
    const { s, alice, requestId } = await granted();
    const pending = await s.request(s.of(ORG2).healthcenter, ORG1, ALICE.patientId);
    const fromOrg3 = await s.request(s.of(ORG3).physician, ORG1, ALICE.patientId);
    const payload = json<RequestView[]>(await s.net.submit(alice, 'Patient:RemoveEmrSharing', [ORG2]));
    expect(payload.map((r) => r.requestId).sort()).toEqual([requestId, pending].sort());
    const mine = json<RequestView[]>(await s.net.evaluate(alice, 'Patient:GetOwnAccessRequests'));
    expect(mine.find((r) => r.requestId === fromOrg3)?.status).toBe('PENDING');
    await expect(s.net.submit(alice, 'Patient:RemoveEmrSharing', [ORG2])).rejects.toThrow(
      /^NOT_FOUND: no pending or granted sharing with provider Org2MSP/,
    );
    await expect(s.net.submit(alice, 'Patient:RemoveEmrSharing', ['not an msp'])).rejects.toThrow(
      /^INVALID_ARGUMENT: requesterMsp must be an MSP ID/,
    );
  });

  test('after the owner revokes (RevokeEmrSharing), shared reads are FORBIDDEN', async () => {
    const { s, requestId } = await granted();
    const reader = s.of(ORG2).physician;
    const { auditId } = await logAndRead(s, reader, requestId);
    const payload = await s.net.submit(s.of(ORG1).healthcenter, 'HealthCenter:RevokeEmrSharing', [requestId]);
    expect(json(payload)).toMatchObject({ requestId, status: 'REVOKED' });
    await expect(
      s.net.evaluate(reader, 'Physician:GetSharedEmr', [requestId, auditId], { peer: ORG1 }),
    ).rejects.toThrow(/^FORBIDDEN: sharing is not granted \(request is REVOKED\)/);
  });

  test('the owner may also refuse a pending request by revoking it; closed requests cannot be approved', async () => {
    const { s, alice, requestId } = await requested();
    await s.net.submit(s.of(ORG1).healthcenter, 'HealthCenter:RevokeEmrSharing', [requestId]);
    await expect(s.approve(alice, requestId)).rejects.toThrow(/^CONFLICT: request is REVOKED/);
    await expect(s.authorize(ORG1, requestId)).rejects.toThrow(/^CONFLICT: request is REVOKED/);
    await expect(
      s.net.submit(s.of(ORG1).healthcenter, 'HealthCenter:RevokeEmrSharing', [requestId]),
    ).rejects.toThrow(/^CONFLICT: request is REVOKED/);
  });

  test('a revoked or withdrawn request no longer counts: the provider may ask again, and withdraw the new one', async () => {
    const { s, alice, requestId } = await requested();
    const requester = s.of(ORG2).physician;
    await s.net.submit(s.of(ORG1).healthcenter, 'HealthCenter:RevokeEmrSharing', [requestId]);
    const second = await s.request(requester, ORG1, ALICE.patientId);
    const withdrawn = json<RequestView[]>(await s.net.submit(alice, 'Patient:RemoveEmrSharing', [ORG2]));
    expect(withdrawn.map((r) => [r.requestId, r.status])).toEqual([[second, 'WITHDRAWN']]);
    const third = await s.request(requester, ORG1, ALICE.patientId);
    const pending = json<RequestView[]>(
      await s.net.evaluate(s.of(ORG1).healthcenter, 'HealthCenter:GetPendingAccessRequests'),
    );
    expect(pending.map((r) => r.requestId)).toEqual([third]);
  });

  test('approving twice is a CONFLICT', async () => {
    const { s, alice, requestId } = await requested();
    await s.authorize(ORG1, requestId);
    await s.approve(alice, requestId);
    await expect(s.authorize(ORG1, requestId)).rejects.toThrow(/^CONFLICT: request is GRANTED/);
    await expect(s.approve(alice, requestId)).rejects.toThrow(/^CONFLICT: request is GRANTED/);
  });
});

describe('who may approve, request and read', () => {
  test("only the owner's healthcenter authorizes; another provider's healthcenter is FORBIDDEN", async () => {
    const { s, requestId } = await requested();
    for (const org of [ORG2, ORG3]) {
      await expect(s.authorize(org, requestId)).rejects.toThrow(
        /^FORBIDDEN: the request is addressed to another provider/,
      );
      await expect(
        s.net.submit(s.of(org).healthcenter, 'HealthCenter:RevokeEmrSharing', [requestId]),
      ).rejects.toThrow(/^FORBIDDEN/);
    }
  });

  test('only the patient concerned approves: another patient of the owner, or of another provider, is FORBIDDEN', async () => {
    const { s, requestId } = await requested();
    const bob = await s.admit(ORG1, BOB);
    await expect(s.approve(bob.patient, requestId)).rejects.toThrow(
      /^FORBIDDEN: the request concerns another patient/,
    );
    const aliceAtOrg2 = (await s.admit(ORG2, ALICE)).patient;
    await expect(s.approve(aliceAtOrg2, requestId)).rejects.toThrow(
      /^FORBIDDEN: the request is addressed to another provider/,
    );
  });

  test('only physicians of the requesting provider read; its healthcenter and third providers cannot', async () => {
    const { s, requestId } = await granted();
    await expect(
      s.net.submit(s.of(ORG2).healthcenter, 'Physician:LogSharedEmrAccess', [requestId], { peer: ORG1 }),
    ).rejects.toThrow(/^FORBIDDEN: role healthcenter may not call this transaction/);
    await expect(
      s.net.submit(s.of(ORG3).physician, 'Physician:LogSharedEmrAccess', [requestId], { peer: ORG1 }),
    ).rejects.toThrow(/^FORBIDDEN: the request was made by another provider/);
  });

  test('an audit id unlocks only the read of the physician who logged it, for that request', async () => {
    const { s, alice, requestId } = await granted();
    const other = await s.request(s.of(ORG2).physician2, ORG1, ALICE.patientId);
    await s.authorize(ORG1, other);
    await s.approve(alice, other);
    const { auditId } = await logAndRead(s, s.of(ORG2).physician, requestId);
    await expect(
      s.net.evaluate(s.of(ORG2).physician2, 'Physician:GetSharedEmr', [requestId, auditId], { peer: ORG1 }),
    ).rejects.toThrow(/^FORBIDDEN: the access record belongs to another read/);
    await expect(
      s.net.evaluate(s.of(ORG2).physician, 'Physician:GetSharedEmr', [other, auditId], { peer: ORG1 }),
    ).rejects.toThrow(/^FORBIDDEN: the access record belongs to another read/);
  });

  test('a shared read without a committed audit record is impossible (endorsed but not committed is not enough)', async () => {
    const { s, requestId } = await granted();
    const reader = s.of(ORG2).physician;
    const endorsed = await s.net.endorse(reader, 'Physician:LogSharedEmrAccess', [requestId], { peer: ORG1 });
    const { auditId } = json<{ auditId: string }>(endorsed.payload);
    await expect(
      s.net.evaluate(reader, 'Physician:GetSharedEmr', [requestId, auditId], { peer: ORG1 }),
    ).rejects.toThrow(/^NOT_FOUND: no committed access record with this id/);
    s.net.commit(endorsed);
    const shared = json<SharedEmr>(
      await s.net.evaluate(reader, 'Physician:GetSharedEmr', [requestId, auditId], { peer: ORG1 }),
    );
    expect(shared.auditId).toBe(auditId);
  });

  test("the shared read runs on the owner's peer: on the requester's own peer it is FAILED_PRECONDITION", async () => {
    const { s, requestId } = await granted();
    await expect(
      s.net.submit(s.of(ORG2).physician, 'Physician:LogSharedEmrAccess', [requestId]),
    ).rejects.toThrow(/^FAILED_PRECONDITION: records of Org1MSP are not available on this peer/);
  });
});

describe('Sharing:RequestEmrAccess validation', () => {
  test('a physician or healthcenter user may request; both are recorded as the requester', async () => {
    const { s } = await requested();
    const bob = await s.admit(ORG1, BOB);
    const id = await s.request(s.of(ORG3).healthcenter, ORG1, BOB.patientId);
    const mine = json<RequestView[]>(await s.net.evaluate(bob.patient, 'Patient:GetOwnAccessRequests'));
    expect(mine).toEqual([expect.objectContaining({ requestId: id, requesterMsp: ORG3 })]);
    expect(mine[0]?.requestedBy).toContain('CN=frontdesk.org3');
  });

  test('a second pending request from the same provider for the same patient is a CONFLICT', async () => {
    const { s } = await requested();
    await expect(s.request(s.of(ORG2).physician2, ORG1, ALICE.patientId.toUpperCase())).rejects.toThrow(
      /^CONFLICT: your provider already has a pending request for this EMR/,
    );
  });

  test('an unknown patient at the owner is NOT_FOUND', async () => {
    const { s } = await requested();
    await expect(s.request(s.of(ORG2).physician, ORG1, BOB.patientId)).rejects.toThrow(
      /^NOT_FOUND: no EMR for this patient at provider Org1MSP/,
    );
  });

  test.each([
    ['the caller own provider', ORG2, /^INVALID_ARGUMENT: ownerMsp is the caller's own provider/],
    ['a malformed MSP ID', 'Org 1', /^INVALID_ARGUMENT: ownerMsp must be an MSP ID/],
    ['an org outside the channel', 'Org9MSP', /^NOT_FOUND: no provider Org9MSP on this channel/],
  ])('rejects %s as owner', async (_name, owner, error) => {
    const { s } = await requested();
    await expect(
      s.net.submit(s.of(ORG2).physician, 'Sharing:RequestEmrAccess', [owner], {
        transient: { patientId: ALICE.patientId },
        peer: ORG1,
      }),
    ).rejects.toThrow(error);
  });

  test('a channel org that has not initialized its provider key is NOT_FOUND as an owner', async () => {
    const s = await Scenario.start([ORG1, ORG2]);
    await expect(s.request(s.of(ORG2).physician, ORG3, ALICE.patientId)).rejects.toThrow(
      /^NOT_FOUND: no provider Org3MSP on this channel/,
    );
  });

  test('the patient id is required, in transient data', async () => {
    const { s } = await requested();
    await expect(
      s.net.submit(s.of(ORG3).physician, 'Sharing:RequestEmrAccess', [ORG1], { peer: ORG1 }),
    ).rejects.toThrow(/^INVALID_ARGUMENT: transient field patientId is required/);
  });

  test("endorsed by the requester's own peer, it fails: only the owner can derive the pseudonym", async () => {
    const { s } = await requested();
    await expect(
      s.net.submit(s.of(ORG3).physician, 'Sharing:RequestEmrAccess', [ORG1], {
        transient: { patientId: ALICE.patientId },
      }),
    ).rejects.toThrow(/^FAILED_PRECONDITION: records of Org1MSP are not available on this peer/);
  });
});

describe('listing requests', () => {
  test("the owner's healthcenter lists PENDING requests with the EMR id and requester", async () => {
    const { s, emrId, requestId } = await requested();
    const bob = await s.admit(ORG1, BOB);
    const forBob = await s.request(s.of(ORG3).physician, ORG1, BOB.patientId);
    await s.approve(bob.patient, forBob);
    await s.authorize(ORG1, forBob);
    const pending = json<RequestView[]>(
      await s.net.evaluate(s.of(ORG1).healthcenter, 'HealthCenter:GetPendingAccessRequests'),
    );
    expect(pending).toEqual([
      expect.objectContaining({ requestId, emrId, requesterMsp: ORG2, status: 'PENDING' }),
    ]);
    expect(
      json<RequestView[]>(
        await s.net.evaluate(s.of(ORG2).healthcenter, 'HealthCenter:GetPendingAccessRequests'),
      ),
    ).toEqual([]);
  });

  test('the requesting provider lists its requests with their status, on its own peer', async () => {
    const { s, alice, requestId } = await requested();
    const list = async (): Promise<RequestView[]> =>
      json<RequestView[]>(await s.net.evaluate(s.of(ORG2).physician2, 'Sharing:GetRequesterAccessRequests'));
    expect(await list()).toEqual([expect.objectContaining({ requestId, ownerMsp: ORG1, status: 'PENDING' })]);
    await s.authorize(ORG1, requestId);
    expect((await list())[0]).toMatchObject({
      ownerApproved: true,
      patientApproved: false,
      status: 'PENDING',
    });
    await s.approve(alice, requestId);
    expect((await list())[0]).toMatchObject({ status: 'GRANTED' });
    expect(
      json<RequestView[]>(await s.net.evaluate(s.of(ORG3).physician, 'Sharing:GetRequesterAccessRequests')),
    ).toEqual([]);
  });

  test('the patient lists every request for their EMR with its status and snapshot', async () => {
    const { s, alice, requestId } = await granted();
    const mine = json<RequestView[]>(await s.net.evaluate(alice, 'Patient:GetOwnAccessRequests'));
    expect(mine).toEqual([
      expect.objectContaining({
        requestId,
        status: 'GRANTED',
        snapshot: expect.objectContaining({ noteCount: 2 }),
      }),
    ]);
  });

  test('a public request mirror forged by another org is not listed (it does not match the owner record hash)', async () => {
    const { s, requestId } = await requested();
    const stub = s.net.world.public;
    const forgedKey = `\u0000request\u0000${'e'.repeat(64)}\u0000`;
    const real = stub.get(`\u0000request\u0000${requestId}\u0000`);
    const copy = JSON.parse(real?.value.toString() ?? '{}') as Record<string, unknown>;
    stub.set(forgedKey, {
      value: Buffer.from(JSON.stringify({ ...copy, requestId: 'e'.repeat(64) })),
      version: 999,
    });
    stub.set(`\u0000requestByRequester\u0000${ORG2}\u0000${'e'.repeat(64)}\u0000`, {
      value: Buffer.from(JSON.stringify({ requestId: 'e'.repeat(64) })),
      version: 999,
    });
    const listed = json<RequestView[]>(
      await s.net.evaluate(s.of(ORG2).physician, 'Sharing:GetRequesterAccessRequests'),
    );
    expect(listed.map((r) => r.requestId)).toEqual([requestId]);
  });
});

describe('access log', () => {
  test('every shared read is recorded with reader, reader org, time and EMR version; patient and owner list it', async () => {
    const { s, emrId, alice, requestId } = await granted();
    const first = await logAndRead(s, s.of(ORG2).physician, requestId);
    const second = await logAndRead(s, s.of(ORG2).physician2, requestId);
    const byPatient = json<Record<string, unknown>[]>(await s.net.evaluate(alice, 'Patient:GetOwnAccessLog'));
    const byOwner = json<Record<string, unknown>[]>(
      await s.net.evaluate(s.of(ORG1).healthcenter, 'HealthCenter:GetEmrAccessLog', [emrId]),
    );
    expect(byOwner).toEqual(byPatient);
    expect(byPatient).toEqual([
      {
        auditId: first.auditId,
        requestId,
        emrId,
        ownerMsp: ORG1,
        readerId: expect.stringContaining('CN=dr.house.org2'),
        readerMsp: ORG2,
        readAt: expect.stringMatching(/^2025-03-01T\d\d:\d\d:00\.000Z$/),
        emrVersion: 3,
        noteCount: 2,
      },
      expect.objectContaining({
        auditId: second.auditId,
        readerId: expect.stringContaining('CN=dr.grey.org2'),
      }),
    ]);
    const logTx = s.net.blocks.find((tx) => tx.txId === first.auditId);
    expect(logTx?.response).toBe(JSON.stringify({ auditId: first.auditId }));
  });

  test("the audit time is the transaction's timestamp", async () => {
    const { s, alice, requestId } = await granted();
    s.net.setTime('2025-06-01T10:00:00.000Z');
    await logAndRead(s, s.of(ORG2).physician, requestId);
    const [entry] = json<{ readAt: string }[]>(await s.net.evaluate(alice, 'Patient:GetOwnAccessLog'));
    expect(entry?.readAt).toBe('2025-06-01T10:01:00.000Z');
  });

  test("another provider's healthcenter cannot list an EMR's access log", async () => {
    const { s, emrId } = await granted();
    await expect(
      s.net.evaluate(s.of(ORG2).healthcenter, 'HealthCenter:GetEmrAccessLog', [emrId]),
    ).rejects.toThrow(/^NOT_FOUND/);
  });
});
