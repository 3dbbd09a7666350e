import { describe, expect, test } from '@jest/globals';
import { marshal } from '../domain/canonical-json';
import { FakeStub } from '../test-support/fake-stub';
import { ALICE, json, NOTE_TEXTS, ORG1, ORG2, ORG3, ORGS, Scenario } from '../test-support/scenario';

describe('endorsement design', () => {
  test('with the other providers down, a provider still admits patients, adds notes and serves them', async () => {
    const s = await Scenario.start();
    s.net.down.add(ORG2);
    s.net.down.add(ORG3);
    const { emrId, patient } = await s.admit(ORG1, ALICE);
    await s.addNote(ORG1, emrId, NOTE_TEXTS[0]);
    expect(json(await s.net.evaluate(patient, 'Patient:GetMedicalVisitCount'))).toBe(1);
    const writes = s.net.blocks.filter((tx) => tx.fcn !== 'Provider:InitializeProvider');
    expect(writes.map((tx) => [tx.endorser, tx.validation])).toEqual([
      [ORG1, 'VALID'],
      [ORG1, 'VALID'],
    ]);
  });

  test('sharing needs the owner up: a request to a provider that is down is UNAVAILABLE', async () => {
    const s = await Scenario.start();
    await s.admit(ORG1, ALICE);
    s.net.down.add(ORG1);
    await expect(s.request(s.of(ORG2).physician, ORG1, ALICE.patientId)).rejects.toThrow(/^UNAVAILABLE/);
  });

  test("the public request mirrors are guarded from creation by the owner's key-level policy", async () => {
    const s = await Scenario.start();
    await s.admit(ORG1, ALICE);
    const requestId = await s.request(s.of(ORG2).physician, ORG1, ALICE.patientId);
    const keys = [...s.net.world.public.keys()];
    expect(keys).toHaveLength(2);
    expect(keys.every((key) => s.net.world.keyPolicies.has(key))).toBe(true);

    const mirrorKey = `\u0000request\u0000${requestId}\u0000`;
    const forged = new FakeStub({
      world: s.net.world,
      peerMsp: ORG2,
      channel: s.net.channel,
      txId: 'd'.repeat(64),
      timestamp: new Date(0),
      creator: { mspid: ORG2, idBytes: Buffer.from(s.of(ORG2).physician.certificate) },
      args: [],
      transient: new Map(),
    });
    await forged.putState(mirrorKey, marshal({ requestId, status: 'GRANTED' }));
    expect(() => {
      s.net.commit({
        txId: 'd'.repeat(64),
        fcn: 'forged',
        args: [],
        creator: s.of(ORG2).physician,
        endorser: ORG2,
        payload: '',
        simulation: forged.simulation,
      });
    }).toThrow(/^ENDORSEMENT_POLICY_FAILURE/);
  });

  test.each(ORGS.map((org) => [org]))(
    'under the channel default MAJORITY chaincode policy, %s can still admit and annotate (collection policy only)',
    async (org) => {
      const s = await Scenario.start(ORGS, 'MAJORITY');
      const { emrId } = await s.admit(org, ALICE);
      await s.addNote(org, emrId, NOTE_TEXTS[0]);
    },
  );

  test('but under MAJORITY, RequestEmrAccess cannot commit: the chaincode needs an any-one-org policy', async () => {
    const s = await Scenario.start(ORGS, 'MAJORITY');
    await s.admit(ORG1, ALICE);
    await expect(s.request(s.of(ORG2).physician, ORG1, ALICE.patientId)).rejects.toThrow(
      /^ENDORSEMENT_POLICY_FAILURE: Sharing:RequestEmrAccess/,
    );
  });
});
