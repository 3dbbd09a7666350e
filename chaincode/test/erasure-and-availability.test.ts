import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { providerModel } from '../../network/src/model/network-model';
import { withRetry } from '../../network/src/retry';
import type { HealthCenterClient, PhysicianClient } from './support/emr-client';
import { EmrTestNetwork, PROVIDER1, PROVIDER2 } from './support/emr-network';
import { expectRejected } from './support/fabric-errors';
import { findHeld, findOnDisk, labelsFound, Plaintexts } from './support/plaintext-scan';
import { newNote, newPatient } from './support/test-patients';

/**
 * GDPR erasure (PurgeEmr with the patient's consent) and provider independence (one provider's peer down does
 * not stop another provider's admissions and notes), on a devnet of this file's own.
 */
const MINUTE = 60_000;
const PEER1 = 'peer0-provider1';
const PEER2 = 'peer0-provider2';

describe('EMR chaincode on devnet: erasure and availability', () => {
  let net: EmrTestNetwork;
  let healthCenter1: HealthCenterClient;
  let physician1: PhysicianClient;
  let physician2: PhysicianClient;

  beforeAll(async () => {
    net = await EmrTestNetwork.start({ portOffset: 500 });
    [healthCenter1, physician1, physician2] = await Promise.all([
      net.healthCenter(PROVIDER1),
      net.physician(PROVIDER1),
      net.physician(PROVIDER2),
    ]);
  }, 5 * MINUTE);

  afterAll(async () => {
    await net.stop();
  }, MINUTE);

  function peerDir(index: number, name: string): string {
    return net.devnet.layout.nodeDir(providerModel(index), name);
  }

  /** Two more blocks: with purge interval 1 the peer purges private data history as blocks commit. */
  async function commitTwoBlocks(): Promise<void> {
    for (let i = 0; i < 2; i++) {
      await healthCenter1.createEmr(newPatient());
    }
  }

  it(
    "erases an EMR with the patient's consent: reads NOT_FOUND, shares revoked, the owner's peer no longer holds the plaintext",
    async () => {
      const demographics = newPatient();
      const erased = new Plaintexts().addPatient('erased', demographics);
      const { emr, patient } = await net.admit(healthCenter1, demographics);
      for (const label of ['erased note 1', 'erased note 2']) {
        const text = newNote('referral to cardiology');
        erased.add(label, text);
        await physician1.addEmrNote(emr.emrId, text);
      }
      const { requestId } = await physician2.requestEmrAccess(PROVIDER1, demographics.patientId);
      await healthCenter1.authorizeEmrReading(requestId);
      await patient.approveEmrSharing(requestId);

      // Control: the owner's peer holds every item — also after a restart, when LevelDB has moved the journal
      // into (Snappy-compressed) tables that the scan must decode.
      expect(labelsFound(await findHeld(peerDir(1, PEER1), erased))).toEqual([...erased.labels].sort());
      await net.devnet.restart(PEER1);
      const afterRestart = await findHeld(peerDir(1, PEER1), erased);
      expect(labelsFound(afterRestart)).toEqual([...erased.labels].sort());

      await expectRejected(
        withRetry(() => healthCenter1.purgeEmr(emr.emrId), { attempts: 20, delayMs: 500 }),
        'FAILED_PRECONDITION',
      );
      expect(await patient.consentToEmrErasure()).toEqual({ erasureConsent: 'RECORDED' });
      expect(await healthCenter1.purgeEmr(emr.emrId)).toEqual({
        emrId: emr.emrId,
        purgedNotes: 2,
        revokedRequests: [requestId],
      });

      await expectRejected(physician1.readEmr(emr.emrId), 'NOT_FOUND');
      await expectRejected(physician1.emrByPatientId(demographics.patientId), 'NOT_FOUND');
      await expectRejected(patient.ownEmr(), 'NOT_FOUND');
      await expectRejected(patient.medicalVisitCount(), 'NOT_FOUND');
      await expectRejected(physician2.logSharedEmrAccess(PROVIDER1, requestId), 'FORBIDDEN');
      await expectRejected(healthCenter1.purgeEmr(emr.emrId), 'NOT_FOUND');
      expect(await healthCenter1.isPatientRegistered(demographics.patientId)).toBe(false);

      await commitTwoBlocks();
      expect(labelsFound(await findHeld(peerDir(1, PEER1), erased))).toEqual([]);
      // What a raw copy of the disk still shows are the deleted LevelDB entries (state DB, private data store,
      // transient store) that LevelDB drops at its next compaction of those files: nothing else, no block file.
      const residue = await findOnDisk(peerDir(1, PEER1), erased);
      expect(residue.filter((finding) => !/\.(ldb|log)$/.test(finding.where))).toEqual([]);
    },
    3 * MINUTE,
  );

  it(
    "keeps provider1 admitting patients and adding notes while provider2's peer is down",
    async () => {
      await net.devnet.supervisor.stop(PEER2);
      try {
        const demographics = newPatient();
        const { emrId } = await healthCenter1.createEmr(demographics);
        const note = newNote('follow-up in two weeks');
        expect(await physician1.addEmrNote(emrId, note)).toEqual({ emrId, seq: 1, version: 2 });
        expect((await physician1.readEmr(emrId)).notes.map((n) => n.text)).toEqual([note]);
      } finally {
        await net.devnet.restart(PEER2);
      }
      const healthCenter2 = await net.healthCenter(PROVIDER2);
      const { emrId } = await withRetry(() => healthCenter2.createEmr(newPatient()), {
        attempts: 30,
        delayMs: 1000,
      });
      expect(emrId).toMatch(/^[0-9a-f]{64}$/);
    },
    3 * MINUTE,
  );
});
