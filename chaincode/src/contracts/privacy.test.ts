import { beforeAll, describe, expect, test } from '@jest/globals';
import { canonicalJson } from '../domain/canonical-json';
import { sha256 } from '../test-support/fake-stub';
import {
  ALICE,
  BOB,
  json,
  NOTE_TEXTS,
  ORG1,
  ORG2,
  ORG3,
  Scenario,
  type Admission,
} from '../test-support/scenario';

/** Every form in which the tests' protected health information could leak. */
const PHI = [
  ALICE.patientId,
  ALICE.patientId.toUpperCase(),
  ALICE.name,
  'Zoë',
  ALICE.birthDate,
  BOB.patientId,
  BOB.name,
  BOB.birthDate,
  ...NOTE_TEXTS,
  'oseltamivir',
];

function leaks(chunks: readonly Buffer[], needles: readonly string[]): string[] {
  return needles.filter((needle) => chunks.some((chunk) => chunk.includes(Buffer.from(needle, 'utf8'))));
}

/** Both article workflows, plus revocation, withdrawal, rejected calls and an erasure. */
async function fullDay(): Promise<{ s: Scenario; alice: Admission; bob: Admission }> {
  const s = await Scenario.start();
  const alice = await s.admit(ORG1, ALICE);
  const bob = await s.admit(ORG1, BOB);
  for (const text of NOTE_TEXTS.slice(0, 2)) {
    await s.addNote(ORG1, alice.emrId, text);
  }
  await s.addNote(ORG1, bob.emrId, NOTE_TEXTS[2]);
  await s.net.evaluate(s.of(ORG1).physician, 'Physician:ReadEmr', [alice.emrId]);
  await s.net.evaluate(alice.patient, 'Patient:GetOwnEmr');

  const fromOrg2 = await s.request(s.of(ORG2).physician, ORG1, ALICE.patientId);
  await s.authorize(ORG1, fromOrg2);
  await s.approve(alice.patient, fromOrg2);
  await s.addNote(ORG1, alice.emrId, NOTE_TEXTS[3]);
  await s.readShared(s.of(ORG2).physician, ORG1, fromOrg2);
  await s.net.submit(alice.patient, 'Patient:RemoveEmrSharing', [ORG2]);

  const fromOrg3 = await s.request(s.of(ORG3).healthcenter, ORG1, BOB.patientId);
  await s.approve(bob.patient, fromOrg3);
  await s.authorize(ORG1, fromOrg3);
  await s.readShared(s.of(ORG3).physician, ORG1, fromOrg3);
  await s.net.submit(s.of(ORG1).healthcenter, 'HealthCenter:RevokeEmrSharing', [fromOrg3]);

  const rejected = [
    s.net.submit(s.of(ORG1).healthcenter, 'HealthCenter:CreateEmr', [], {
      transient: { patient: { ...ALICE } },
    }),
    s.request(s.of(ORG2).physician, ORG1, 'NHS-000-000-0000'),
    s.net.submit(s.of(ORG1).physician, 'Physician:AddEmrNote', [alice.emrId], {
      transient: { note: { text: NOTE_TEXTS[0], extra: ALICE.name } },
    }),
    s.net.submit(s.of(ORG1).healthcenter, 'HealthCenter:CreateEmr', [], {
      transient: { patient: { ...BOB, birthDate: ALICE.name } },
    }),
  ];
  for (const attempt of rejected) {
    await expect(attempt).rejects.toThrow(/^(CONFLICT|NOT_FOUND|INVALID_ARGUMENT): /);
  }

  await s.net.submit(bob.patient, 'Patient:ConsentToEmrErasure');
  await s.net.submit(s.of(ORG1).healthcenter, 'HealthCenter:PurgeEmr', [bob.emrId]);
  return { s, alice, bob };
}

describe('privacy by design', () => {
  let s: Scenario;
  let alice: Admission;

  beforeAll(async () => {
    ({ s, alice } = await fullDay());
  });

  test('no PHI in any block: arguments, responses of submitted transactions, events, creator certificates', () => {
    const blockChunks = s.net.blocks.flatMap((tx) => [
      ...tx.args.map((arg) => Buffer.from(arg)),
      Buffer.from(tx.response),
      tx.event?.payload ?? Buffer.alloc(0),
      tx.creatorCertificateDer,
      ...tx.publicWrites.map((write) => write.value ?? Buffer.alloc(0)),
    ]);
    expect(s.net.blocks.length).toBeGreaterThan(20);
    expect(leaks(blockChunks, PHI)).toEqual([]);
  });

  test('no PHI in public world state', () => {
    const chunks = [...s.net.world.public].flatMap(([key, entry]) => [Buffer.from(key), entry.value]);
    expect(chunks.length).toBeGreaterThan(0);
    expect(leaks(chunks, PHI)).toEqual([]);
  });

  test("the other providers' peers hold none of the patients' plaintext data, only hashes", () => {
    for (const org of [ORG2, ORG3]) {
      expect(leaks(s.net.peerView(org), PHI)).toEqual([]);
    }
    expect(leaks(s.net.peerView(ORG1), [ALICE.name, NOTE_TEXTS[0]])).toEqual([ALICE.name, NOTE_TEXTS[0]]);
  });

  test('no PHI in error messages (peers and chaincode servers log them)', () => {
    expect(s.net.errors.length).toBeGreaterThanOrEqual(4);
    expect(
      leaks(
        s.net.errors.map((message) => Buffer.from(message)),
        PHI,
      ),
    ).toEqual([]);
  });

  test('no patient pseudonym in public state, arguments, responses or events (only in the patient own certificate)', () => {
    const chunks = [
      ...[...s.net.world.public.values()].map((entry) => entry.value),
      ...s.net.blocks.flatMap((tx) => [
        ...tx.args.map((arg) => Buffer.from(arg)),
        Buffer.from(tx.response),
        tx.event?.payload ?? Buffer.alloc(0),
      ]),
    ];
    expect(leaks(chunks, [alice.patientRef])).toEqual([]);
  });

  test('private keys are not derived from guessable values: no key hash matches a patient id or pseudonym key', () => {
    const keyHashes = new Set(
      s.net.blocks.flatMap((tx) => tx.privateWriteHashes.map((write) => write.keyHash.toString('hex'))),
    );
    const guesses = [ALICE.patientId, ALICE.patientId.toUpperCase(), alice.patientRef].flatMap((id) => [
      `\u0000emr\u0000${id}\u0000`,
      `\u0000note\u0000${id}\u00000000000001\u0000`,
      id,
    ]);
    for (const guess of guesses) {
      expect(keyHashes.has(sha256(guess).toString('hex'))).toBe(false);
    }
  });

  test('every private JSON value is salted, so its on-chain hash cannot be confirmed by guessing the content', () => {
    const values = [...(s.net.world.private.get('_implicit_org_Org1MSP')?.values() ?? [])]
      .map((entry) => entry.value)
      .filter((value) => value.length !== 32);
    expect(values.length).toBeGreaterThan(10);
    for (const value of values) {
      expect(json<{ salt?: string }>(value.toString('utf8')).salt).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  test('every response of a submitted transaction is canonical JSON', () => {
    for (const tx of s.net.blocks) {
      expect(canonicalJson(JSON.parse(tx.response))).toBe(tx.response);
    }
  });

  test('the request mirrors and their index are public keys guarded by a key-level policy of the owner', () => {
    const guarded = [...s.net.world.public.keys()].filter((key) => !s.net.world.keyPolicies.has(key));
    expect(guarded).toEqual([]);
  });
});
