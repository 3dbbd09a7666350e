import { beforeAll, describe, expect, test } from '@jest/globals';
import type { Identity, TransientValue } from '../test-support/fake-network';
import { ALICE, json, ORG1, ORG2, Scenario } from '../test-support/scenario';

type Caller = 'admin' | 'healthcenter' | 'physician' | 'patient' | 'nurse' | 'no-role';
type Kind = 'SUBMIT' | 'EVALUATE';

/** The access-control table: who may call what, and how each call is sent. */
const MATRIX: Record<string, { allowed: readonly Caller[]; kind: Kind; args: number }> = {
  'HealthCenter:CreateEmr': { allowed: ['healthcenter'], kind: 'SUBMIT', args: 0 },
  'HealthCenter:CheckIsPatientRegistered': { allowed: ['healthcenter'], kind: 'EVALUATE', args: 0 },
  'HealthCenter:DerivePatientRef': { allowed: ['healthcenter'], kind: 'EVALUATE', args: 0 },
  'HealthCenter:AuthorizeEmrReading': { allowed: ['healthcenter'], kind: 'SUBMIT', args: 1 },
  'HealthCenter:RevokeEmrSharing': { allowed: ['healthcenter'], kind: 'SUBMIT', args: 1 },
  'HealthCenter:GetPendingAccessRequests': { allowed: ['healthcenter'], kind: 'EVALUATE', args: 0 },
  'HealthCenter:GetEmrAccessLog': { allowed: ['healthcenter'], kind: 'EVALUATE', args: 1 },
  'HealthCenter:PurgeEmr': { allowed: ['healthcenter'], kind: 'SUBMIT', args: 1 },
  'Physician:ReadEmr': { allowed: ['physician'], kind: 'EVALUATE', args: 1 },
  'Physician:GetEmrByPatientId': { allowed: ['physician'], kind: 'EVALUATE', args: 0 },
  'Physician:AddEmrNote': { allowed: ['physician'], kind: 'SUBMIT', args: 1 },
  'Physician:LogSharedEmrAccess': { allowed: ['physician'], kind: 'SUBMIT', args: 1 },
  'Physician:GetSharedEmr': { allowed: ['physician'], kind: 'EVALUATE', args: 2 },
  'Patient:GetOwnEmr': { allowed: ['patient'], kind: 'EVALUATE', args: 0 },
  'Patient:GetMedicalVisitCount': { allowed: ['patient'], kind: 'EVALUATE', args: 0 },
  'Patient:ApproveEmrSharing': { allowed: ['patient'], kind: 'SUBMIT', args: 1 },
  'Patient:RemoveEmrSharing': { allowed: ['patient'], kind: 'SUBMIT', args: 1 },
  'Patient:GetOwnAccessRequests': { allowed: ['patient'], kind: 'EVALUATE', args: 0 },
  'Patient:GetOwnAccessLog': { allowed: ['patient'], kind: 'EVALUATE', args: 0 },
  'Patient:ConsentToEmrErasure': { allowed: ['patient'], kind: 'SUBMIT', args: 0 },
  'Sharing:RequestEmrAccess': { allowed: ['physician', 'healthcenter'], kind: 'SUBMIT', args: 1 },
  'Sharing:GetRequesterAccessRequests': { allowed: ['physician', 'healthcenter'], kind: 'EVALUATE', args: 0 },
  'Provider:InitializeProvider': { allowed: ['admin'], kind: 'SUBMIT', args: 0 },
};

const CALLERS: readonly Caller[] = ['admin', 'healthcenter', 'physician', 'patient', 'nurse', 'no-role'];

describe('access matrix: operation x role x org', () => {
  let s: Scenario;
  let emrId: string;
  let requestId: string;
  const callers = new Map<string, Identity>();

  beforeAll(async () => {
    s = await Scenario.start();
    const alice = await s.admit(ORG1, ALICE);
    emrId = alice.emrId;
    requestId = await s.request(s.of(ORG2).physician, ORG1, ALICE.patientId);
    for (const org of [ORG1, ORG2]) {
      const staff = s.of(org);
      callers.set(`${org}/admin`, staff.admin);
      callers.set(`${org}/healthcenter`, staff.healthcenter);
      callers.set(`${org}/physician`, staff.physician);
      callers.set(
        `${org}/patient`,
        org === ORG1 ? alice.patient : await s.enrollPatient(org, ALICE.patientId),
      );
      callers.set(
        `${org}/nurse`,
        s.net.identity(org, { cn: 'nurse', ous: ['client'], attrs: { 'emr.role': 'nurse' } }),
      );
      callers.set(`${org}/no-role`, s.net.identity(org, { cn: 'plain', ous: ['client'] }));
    }
  });

  test('every transaction of the chaincode is in the matrix, with its submit/evaluate kind', () => {
    const exposed: Record<string, Kind> = {};
    for (const [contract, transactions] of Object.entries(s.net.transactions())) {
      if (contract !== 'org.hyperledger.fabric') {
        for (const [name, kind] of Object.entries(transactions)) {
          exposed[`${contract}:${name}`] = kind;
        }
      }
    }
    expect(exposed).toEqual(
      Object.fromEntries(Object.entries(MATRIX).map(([name, row]) => [name, row.kind])),
    );
  });

  const cases = Object.entries(MATRIX).flatMap(([fcn, row]) =>
    CALLERS.filter((caller) => !row.allowed.includes(caller)).flatMap((caller) =>
      [ORG1, ORG2].map((org) => [fcn, caller, org, row.args] as const),
    ),
  );

  test.each(cases)('%s by %s of %s is FORBIDDEN', async (fcn, caller, org, arity) => {
    const identity = callers.get(`${org}/${caller}`);
    if (identity === undefined) {
      throw new Error('fixture');
    }
    const args = [requestId, emrId].slice(0, arity);
    const blocks = s.net.blocks.length;
    await expect(s.net.endorse(identity, fcn, args, { peer: ORG1 })).rejects.toThrow(/^FORBIDDEN: /);
    expect(s.net.blocks).toHaveLength(blocks);
  });

  test('an unknown transaction is a coded NOT_FOUND', async () => {
    await expect(s.net.evaluate(s.of(ORG1).physician, 'Physician:DeleteEmr')).rejects.toThrow(
      /^NOT_FOUND: no transaction Physician:DeleteEmr/,
    );
  });
});

describe("access matrix: the allowed role of another provider on the owner's records", () => {
  /**
   * For each owner-scoped operation called by the right role of ORG2 about Alice's EMR at ORG1: the outcome on
   * ORG2's own peer, and when the caller targets ORG1's peer. Never a success.
   */
  type Row = readonly [
    fcn: string,
    role: 'healthcenter' | 'physician',
    args: (ids: { emrId: string; requestId: string }) => string[],
    transient: Record<string, TransientValue> | undefined,
    onOwnPeer: RegExp,
    onOwnerPeer: RegExp,
  ];
  const patientId = { patientId: ALICE.patientId };
  const rows: readonly Row[] = [
    ['Physician:ReadEmr', 'physician', (ids) => [ids.emrId], undefined, /^NOT_FOUND/, /^FAILED_PRECONDITION/],
    ['Physician:GetEmrByPatientId', 'physician', () => [], patientId, /^NOT_FOUND/, /^FAILED_PRECONDITION/],
    [
      'Physician:AddEmrNote',
      'physician',
      (ids) => [ids.emrId],
      { note: { text: 'x' } },
      /^NOT_FOUND/,
      /^FAILED_PRECONDITION/,
    ],
    [
      'HealthCenter:AuthorizeEmrReading',
      'healthcenter',
      (ids) => [ids.requestId],
      undefined,
      /^FORBIDDEN/,
      /^FAILED_PRECONDITION/,
    ],
    [
      'HealthCenter:RevokeEmrSharing',
      'healthcenter',
      (ids) => [ids.requestId],
      undefined,
      /^FORBIDDEN/,
      /^FAILED_PRECONDITION/,
    ],
    [
      'HealthCenter:GetEmrAccessLog',
      'healthcenter',
      (ids) => [ids.emrId],
      undefined,
      /^NOT_FOUND/,
      /^FAILED_PRECONDITION/,
    ],
    [
      'HealthCenter:PurgeEmr',
      'healthcenter',
      (ids) => [ids.emrId],
      undefined,
      /^NOT_FOUND/,
      /^FAILED_PRECONDITION/,
    ],
  ];

  test.each(rows)(
    '%s by a %s of another provider is refused',
    async (fcn, role, args, transient, own, owner) => {
      const s = await Scenario.start();
      const alice = await s.admit(ORG1, ALICE);
      const requestId = await s.request(s.of(ORG2).physician, ORG1, ALICE.patientId);
      const identity = s.of(ORG2)[role];
      const callArgs = args({ emrId: alice.emrId, requestId });
      await expect(s.net.endorse(identity, fcn, callArgs, { transient })).rejects.toThrow(own);
      await expect(s.net.endorse(identity, fcn, callArgs, { transient, peer: ORG1 })).rejects.toThrow(owner);
    },
  );

  test("another provider's healthcenter learns nothing: CheckIsPatientRegistered answers for its own provider", async () => {
    const s = await Scenario.start();
    await s.admit(ORG1, ALICE);
    const answer = await s.net.evaluate(
      s.of(ORG2).healthcenter,
      'HealthCenter:CheckIsPatientRegistered',
      [],
      {
        transient: { patientId: ALICE.patientId },
      },
    );
    expect(json(answer)).toBe(false);
  });
});
