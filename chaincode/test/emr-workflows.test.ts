import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { providerModel } from '../../network/src/model/network-model';
import type { PatientDemographics } from '../src/domain/emr';
import { channelBlocks, channelBlocksWithPrivateData } from './support/channel-blocks';
import type { HealthCenterClient, PatientClient, PhysicianClient } from './support/emr-client';
import { EmrTestNetwork, PROVIDER1, PROVIDER2 } from './support/emr-network';
import { expectRejected } from './support/fabric-errors';
import { findHeld, findOnDisk, labelsFound, Plaintexts } from './support/plaintext-scan';
import { newNote, newPatient } from './support/test-patients';

/**
 * The two workflows of the article ("Managing an EMR", "Sharing an EMR") on a real Fabric network: users enrolled
 * from each provider's CA, the chaincode served to both peers, every call targeted as a client must target it.
 * Ends with a privacy scan of provider2's peer, its blocks and every log for all the plaintext used here.
 */
const MINUTE = 60_000;

interface AdmittedPatient {
  readonly demographics: PatientDemographics;
  readonly emrId: string;
  readonly client: PatientClient;
  readonly notes: string[];
}

describe('EMR chaincode on devnet (2 providers, identities from the real CAs)', () => {
  let net: EmrTestNetwork;
  let healthCenter1: HealthCenterClient;
  let physician1: PhysicianClient;
  let healthCenter2: HealthCenterClient;
  let physician2: PhysicianClient;
  // The sharing workflow, step by step: owner approves first for one patient, the patient first for the other.
  let ownerFirst: AdmittedPatient & { requestId: string };
  let patientFirst: AdmittedPatient & { requestId: string };
  let ownerFirstAuditId: string;
  let patientFirstAuditId: string;
  /** Every piece of protected health information written in this file, by label. */
  const phi = new Plaintexts();

  beforeAll(async () => {
    net = await EmrTestNetwork.start({ portOffset: 0 });
    [healthCenter1, physician1, healthCenter2, physician2] = await Promise.all([
      net.healthCenter(PROVIDER1),
      net.physician(PROVIDER1),
      net.healthCenter(PROVIDER2),
      net.physician(PROVIDER2),
    ]);
  }, 5 * MINUTE);

  afterAll(async () => {
    await net.stop();
  }, MINUTE);

  /** Admits a new patient at provider1 and adds `noteCount` notes; registers all of it as PHI. */
  async function admitAtProvider1(label: string, noteCount: number): Promise<AdmittedPatient> {
    const demographics = newPatient();
    phi.addPatient(label, demographics);
    const { emr, patient } = await net.admit(healthCenter1, demographics);
    const admitted = { demographics, emrId: emr.emrId, client: patient, notes: [] };
    for (let i = 0; i < noteCount; i++) await addNote(admitted, `${label} note ${i + 1}`);
    return admitted;
  }

  async function addNote(patient: AdmittedPatient, label: string): Promise<void> {
    const text = newNote('blood pressure 128/82, continue current medication');
    phi.add(label, text);
    const added = await physician1.addEmrNote(patient.emrId, text);
    patient.notes.push(text);
    expect(added).toEqual({
      emrId: patient.emrId,
      seq: patient.notes.length,
      version: patient.notes.length + 1,
    });
  }

  describe('Managing an EMR', () => {
    it(
      'creates the EMR once, the physician reads and annotates it, the patient reads it and counts visits',
      async () => {
        const demographics = newPatient();
        phi.addPatient('managed', demographics);
        expect(await healthCenter1.isPatientRegistered(demographics.patientId)).toBe(false);

        const { emr, patient } = await net.admit(healthCenter1, demographics);
        expect(emr).toEqual({
          emrId: expect.stringMatching(/^[0-9a-f]{64}$/),
          ownerMsp: PROVIDER1,
          version: 1,
        });
        expect(await healthCenter1.isPatientRegistered(demographics.patientId)).toBe(true);
        expect(await healthCenter1.isPatientRegistered(demographics.patientId.toLowerCase())).toBe(true);
        expect(await healthCenter2.isPatientRegistered(demographics.patientId)).toBe(false);
        await expectRejected(healthCenter1.createEmr(demographics), 'CONFLICT');

        const admitted: AdmittedPatient = { demographics, emrId: emr.emrId, client: patient, notes: [] };
        expect((await physician1.readEmr(emr.emrId)).notes).toEqual([]);
        await addNote(admitted, 'managed note 1');
        await addNote(admitted, 'managed note 2');

        const record = await physician1.readEmr(emr.emrId);
        expect(record).toMatchObject({
          emrId: emr.emrId,
          ownerMsp: PROVIDER1,
          patient: demographics,
          version: 3,
          noteCount: 2,
        });
        expect(record.notes.map((note) => [note.seq, note.text, note.authorMsp])).toEqual([
          [1, admitted.notes[0], PROVIDER1],
          [2, admitted.notes[1], PROVIDER1],
        ]);
        expect(await physician1.emrByPatientId(demographics.patientId)).toEqual(record);
        expect(await patient.ownEmr()).toEqual(record);
        expect(await patient.medicalVisitCount()).toBe(2);
      },
      2 * MINUTE,
    );
  });

  describe('Sharing an EMR (provider2 asks for EMRs held by provider1)', () => {
    it(
      "provider2's physician requests two patients' EMRs, endorsed by the owner; both wait as PENDING",
      async () => {
        const [a, b] = [await admitAtProvider1('shared A', 2), await admitAtProvider1('shared B', 1)];
        const requestA = await physician2.requestEmrAccess(PROVIDER1, a.demographics.patientId);
        const requestB = await physician2.requestEmrAccess(PROVIDER1, b.demographics.patientId);
        for (const request of [requestA, requestB]) {
          expect(request).toMatchObject({
            ownerMsp: PROVIDER1,
            requesterMsp: PROVIDER2,
            status: 'PENDING',
            ownerApproved: false,
            patientApproved: false,
          });
        }
        ownerFirst = { ...a, requestId: requestA.requestId };
        patientFirst = { ...b, requestId: requestB.requestId };

        const pending = await healthCenter1.pendingAccessRequests();
        expect(pending.map((r) => [r.requestId, r.emrId])).toEqual(
          expect.arrayContaining([
            [requestA.requestId, a.emrId],
            [requestB.requestId, b.emrId],
          ]),
        );
        expect((await a.client.ownAccessRequests()).map((r) => r.requestId)).toEqual([requestA.requestId]);
        expect(await physician2.requesterAccessRequests()).toEqual(
          expect.arrayContaining([requestA, requestB]),
        );
        await expectRejected(physician2.requestEmrAccess(PROVIDER1, a.demographics.patientId), 'CONFLICT');
      },
      2 * MINUTE,
    );

    it(
      'denies the requester (FORBIDDEN) while only one of owner and patient has approved',
      async () => {
        await expectRejected(physician2.logSharedEmrAccess(PROVIDER1, ownerFirst.requestId), 'FORBIDDEN');
        expect(await healthCenter1.authorizeEmrReading(ownerFirst.requestId)).toMatchObject({
          status: 'PENDING',
          ownerApproved: true,
          patientApproved: false,
        });
        expect(await patientFirst.client.approveEmrSharing(patientFirst.requestId)).toMatchObject({
          status: 'PENDING',
          ownerApproved: false,
          patientApproved: true,
        });
        for (const { requestId } of [ownerFirst, patientFirst]) {
          await expectRejected(physician2.logSharedEmrAccess(PROVIDER1, requestId), 'FORBIDDEN');
          await expectRejected(physician2.sharedEmr(PROVIDER1, requestId, requestId), 'FORBIDDEN');
        }
      },
      2 * MINUTE,
    );

    it(
      'grants on the second approval, in either order; a repeated approval is a CONFLICT',
      async () => {
        const granted = { status: 'GRANTED', ownerApproved: true, patientApproved: true };
        expect(await ownerFirst.client.approveEmrSharing(ownerFirst.requestId)).toMatchObject(granted);
        expect(await healthCenter1.authorizeEmrReading(patientFirst.requestId)).toMatchObject(granted);
        await expectRejected(ownerFirst.client.approveEmrSharing(ownerFirst.requestId), 'CONFLICT');
        await expectRejected(healthCenter1.authorizeEmrReading(patientFirst.requestId), 'CONFLICT');
        const mine = await physician2.requesterAccessRequests();
        const statuses = new Map(mine.map((r) => [r.requestId, r.status]));
        expect([statuses.get(ownerFirst.requestId), statuses.get(patientFirst.requestId)]).toEqual([
          'GRANTED',
          'GRANTED',
        ]);
      },
      2 * MINUTE,
    );

    it(
      'shows the requester the EMR as of the second approval: a note added afterwards is not visible',
      async () => {
        const notesAtGrant = [...ownerFirst.notes];
        await addNote(ownerFirst, 'shared A note after grant');
        expect((await physician1.readEmr(ownerFirst.emrId)).noteCount).toBe(3);

        ownerFirstAuditId = await physician2.logSharedEmrAccess(PROVIDER1, ownerFirst.requestId);
        const shared = await physician2.sharedEmr(PROVIDER1, ownerFirst.requestId, ownerFirstAuditId);
        expect(shared).toMatchObject({
          emrId: ownerFirst.emrId,
          ownerMsp: PROVIDER1,
          patient: ownerFirst.demographics,
          requestId: ownerFirst.requestId,
          auditId: ownerFirstAuditId,
          snapshot: { version: 3, noteCount: 2 },
        });
        expect(shared.notes.map((note) => note.text)).toEqual(notesAtGrant);

        const sharedB = await physician2.readSharedEmr(PROVIDER1, patientFirst.requestId);
        patientFirstAuditId = sharedB.auditId;
        expect(sharedB.notes.map((note) => note.text)).toEqual(patientFirst.notes);
      },
      2 * MINUTE,
    );

    it(
      'reads only with a committed access record of the reader, which the patient and the owner can list',
      async () => {
        const neverLogged = 'f'.repeat(64);
        await expectRejected(physician2.sharedEmr(PROVIDER1, ownerFirst.requestId, neverLogged), 'NOT_FOUND');
        const otherPhysician2 = await net.physician(PROVIDER2);
        await expectRejected(
          otherPhysician2.sharedEmr(PROVIDER1, ownerFirst.requestId, ownerFirstAuditId),
          'FORBIDDEN',
        );

        const expected = {
          auditId: ownerFirstAuditId,
          requestId: ownerFirst.requestId,
          emrId: ownerFirst.emrId,
          ownerMsp: PROVIDER1,
          readerMsp: PROVIDER2,
          emrVersion: 3,
          noteCount: 2,
        };
        const patientLog = await ownerFirst.client.ownAccessLog();
        expect(patientLog).toEqual([expect.objectContaining(expected)]);
        expect(patientLog[0]?.readerId).toMatch(/physician-/);
        expect(await healthCenter1.emrAccessLog(ownerFirst.emrId)).toEqual(patientLog);
      },
      2 * MINUTE,
    );

    it(
      "denies the requester after the patient's RemoveEmrSharing, also with an earlier access record",
      async () => {
        const withdrawn = await ownerFirst.client.removeEmrSharing(PROVIDER2);
        expect(withdrawn.map((r) => [r.requestId, r.status])).toEqual([[ownerFirst.requestId, 'WITHDRAWN']]);
        await expectRejected(physician2.logSharedEmrAccess(PROVIDER1, ownerFirst.requestId), 'FORBIDDEN');
        await expectRejected(
          physician2.sharedEmr(PROVIDER1, ownerFirst.requestId, ownerFirstAuditId),
          'FORBIDDEN',
        );
      },
      2 * MINUTE,
    );

    it(
      "denies the requester after the owner's RevokeEmrSharing, also with an earlier access record",
      async () => {
        expect(await healthCenter1.revokeEmrSharing(patientFirst.requestId)).toMatchObject({
          status: 'REVOKED',
        });
        await expectRejected(physician2.logSharedEmrAccess(PROVIDER1, patientFirst.requestId), 'FORBIDDEN');
        await expectRejected(
          physician2.sharedEmr(PROVIDER1, patientFirst.requestId, patientFirstAuditId),
          'FORBIDDEN',
        );
        const statuses = new Map(
          (await physician2.requesterAccessRequests()).map((r) => [r.requestId, r.status]),
        );
        expect([statuses.get(ownerFirst.requestId), statuses.get(patientFirst.requestId)]).toEqual([
          'WITHDRAWN',
          'REVOKED',
        ]);
      },
      2 * MINUTE,
    );

    describe('access matrix spot checks', () => {
      it('a patient can neither read nor approve for another patient', async () => {
        const patient = ownerFirst.client;
        await expectRejected(
          patient.evaluate('Physician:ReadEmr', { args: [patientFirst.emrId] }),
          'FORBIDDEN',
        );
        await expectRejected(
          patient.evaluate('Physician:GetEmrByPatientId', {
            transient: { patientId: patientFirst.demographics.patientId },
          }),
          'FORBIDDEN',
        );
        await expectRejected(patient.approveEmrSharing(patientFirst.requestId), 'FORBIDDEN');
        expect((await patient.ownEmr()).emrId).toBe(ownerFirst.emrId);
      });

      it("the healthcenter cannot read or write notes, nor a patient's view", async () => {
        const emrId = ownerFirst.emrId;
        await expectRejected(healthCenter1.evaluate('Physician:ReadEmr', { args: [emrId] }), 'FORBIDDEN');
        await expectRejected(
          healthCenter1.evaluate('Physician:GetEmrByPatientId', {
            transient: { patientId: ownerFirst.demographics.patientId },
          }),
          'FORBIDDEN',
        );
        await expectRejected(healthCenter1.evaluate('Patient:GetOwnEmr'), 'FORBIDDEN');
        await expectRejected(
          healthCenter1.submit('Physician:AddEmrNote', {
            args: [emrId],
            transient: { note: JSON.stringify({ text: 'not a physician' }) },
          }),
          'FORBIDDEN',
        );
      });

      it("another provider's physician cannot read or annotate the EMR outside a share", async () => {
        const emrId = ownerFirst.emrId;
        // On its own peer the EMR id means nothing; on the owner's peer its own org's records are not there.
        await expectRejected(physician2.readEmr(emrId), 'NOT_FOUND');
        await expectRejected(
          physician2.evaluate('Physician:ReadEmr', { args: [emrId], on: PROVIDER1 }),
          'FAILED_PRECONDITION',
        );
        await expectRejected(
          physician2.submit('Physician:AddEmrNote', {
            args: [emrId],
            transient: { note: JSON.stringify({ text: 'foreign note' }) },
            on: PROVIDER1,
          }),
          'FAILED_PRECONDITION',
        );
      });
    });
  });

  describe("privacy: provider2 holds none of provider1's patients' plaintext", () => {
    /** Public by design (ids, event names): each must be found where the plaintext must not, as a control. */
    function publicItems(): Plaintexts {
      return new Plaintexts()
        .add('an EMR id (argument and response)', ownerFirst.emrId)
        .add('a request id', ownerFirst.requestId)
        .add('an audit id (response)', ownerFirstAuditId)
        .add('an event name', 'SharedEmrAccessLogged');
    }

    it(
      "finds no plaintext anywhere in provider2's peer folder; finds all of it held by provider1's peer (control)",
      async () => {
        const layout = net.devnet.layout;
        const peer2 = layout.nodeDir(providerModel(2), 'peer0-provider2');
        const peer1 = layout.nodeDir(providerModel(1), 'peer0-provider1');
        expect(phi.labels.length).toBeGreaterThan(10);
        expect(labelsFound(await findOnDisk(peer2, phi))).toEqual([]);
        expect(labelsFound(await findOnDisk(peer2, publicItems()))).toEqual([...publicItems().labels].sort());
        expect(labelsFound(await findHeld(peer1, phi))).toEqual([...phi.labels].sort());
      },
      2 * MINUTE,
    );

    it(
      'delivers blocks (and private data) to a provider2 user without plaintext, with the public ids (control)',
      async () => {
        const channel = net.description.channel;
        const blocks = await channelBlocks(healthCenter2.gateway, channel);
        const withPrivateData = await channelBlocksWithPrivateData(healthCenter2.gateway, channel);
        expect(withPrivateData.length).toBe(blocks.length);
        const all = [...blocks, ...withPrivateData];
        expect(labelsFound(all.flatMap((block) => phi.find(block, 'block')))).toEqual([]);
        const control = publicItems();
        expect(labelsFound(blocks.flatMap((block) => control.find(block, 'block')))).toEqual(
          [...control.labels].sort(),
        );
      },
      2 * MINUTE,
    );

    it('writes none of the plaintext to the log of any node (peers, chaincode servers, orderers, CAs)', async () => {
      const logs = join(net.devnet.layout.settings.root, 'logs');
      expect(labelsFound(await findOnDisk(logs, phi))).toEqual([]);
      expect(
        labelsFound(await findOnDisk(logs, new Plaintexts().add('a peer name', 'peer0-provider2'))),
      ).toEqual(['a peer name']);
    });
  });
});
