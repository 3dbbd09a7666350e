import { sha256 } from './fake-stub';
import { FakeNetwork, type CallOptions, type Identity } from './fake-network';

/**
 * The article's world for unit tests: three providers (one peer each), each with an administrator, a
 * healthcenter user, two physicians, and patients enrolled with the pseudonym DerivePatientRef returned.
 */
export const ORG1 = 'Org1MSP';
export const ORG2 = 'Org2MSP';
export const ORG3 = 'Org3MSP';
export const ORGS = [ORG1, ORG2, ORG3] as const;

export interface Staff {
  readonly admin: Identity;
  readonly healthcenter: Identity;
  readonly physician: Identity;
  readonly physician2: Identity;
}

export interface PatientData {
  readonly patientId: string;
  readonly name: string;
  readonly birthDate: string;
}

/** Protected health information used by the tests; the privacy checks look for every one of these strings. */
export const ALICE: PatientData = {
  patientId: 'nhs-943-476-5919',
  name: 'Alice Zoë Martin',
  birthDate: '1984-07-12',
};
export const BOB: PatientData = {
  patientId: 'NHS-401-023-2137',
  name: 'Bob Okafor',
  birthDate: '1959-02-28',
};
export const NOTE_TEXTS = [
  'Influenza A confirmed; oseltamivir 75 mg twice daily for 5 days',
  'Follow-up: fever resolved, mild cough persists',
  'Chest X-ray clear; advised rest and fluids',
  'Late visit: sprained left ankle, RICE protocol',
] as const;

export function providerKeyOf(org: string): Buffer {
  return sha256(`test provider key of ${org}`);
}

/** Parses a response payload into the shape the test expects (a cast: the tests then assert the content). */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- deliberate typed cast for tests
export function json<T = unknown>(payload: string): T {
  return JSON.parse(payload) as T;
}

export interface Admission {
  readonly emrId: string;
  readonly patient: Identity;
  readonly patientRef: string;
}

export class Scenario {
  readonly net: FakeNetwork;
  readonly staff: Readonly<Record<string, Staff>>;
  #patientSerial = 0;

  private constructor(net: FakeNetwork, staff: Record<string, Staff>) {
    this.net = net;
    this.staff = staff;
  }

  /** A channel of ORG1..ORG3; `initialized` orgs have run InitializeProvider. */
  static async start(
    initialized: readonly string[] = ORGS,
    chaincodePolicy: 'ANY' | 'MAJORITY' = 'ANY',
  ): Promise<Scenario> {
    const net = new FakeNetwork(ORGS, chaincodePolicy);
    const staff: Record<string, Staff> = {};
    for (const org of ORGS) {
      const short = org.replace('MSP', '').toLowerCase();
      staff[org] = {
        admin: net.identity(org, { cn: `admin.${short}`, ous: ['admin'] }),
        healthcenter: net.identity(org, {
          cn: `frontdesk.${short}`,
          ous: ['client'],
          attrs: { 'emr.role': 'healthcenter' },
        }),
        physician: net.identity(org, {
          cn: `dr.house.${short}`,
          ous: ['client'],
          attrs: { 'emr.role': 'physician' },
        }),
        physician2: net.identity(org, {
          cn: `dr.grey.${short}`,
          ous: ['client'],
          attrs: { 'emr.role': 'physician' },
        }),
      };
    }
    const scenario = new Scenario(net, staff);
    for (const org of initialized) {
      await net.submit(scenario.of(org).admin, 'Provider:InitializeProvider', [], {
        transient: { providerKey: providerKeyOf(org) },
      });
    }
    return scenario;
  }

  of(org: string): Staff {
    const staff = this.staff[org];
    if (staff === undefined) {
      throw new Error(`no staff for ${org}`);
    }
    return staff;
  }

  /** The pseudonym org's healthcenter obtains for a patient id (evaluated, as at enrollment). */
  async patientRef(org: string, patientId: string): Promise<string> {
    const payload = await this.net.evaluate(this.of(org).healthcenter, 'HealthCenter:DerivePatientRef', [], {
      transient: { patientId },
    });
    return json<{ patientRef: string }>(payload).patientRef;
  }

  /** A patient identity of `org`, enrolled the way the gateway does it: opaque CN, pseudonym attribute. */
  async enrollPatient(org: string, patientId: string): Promise<Identity> {
    const patientRef = await this.patientRef(org, patientId);
    return this.net.identity(org, {
      cn: `patient-${++this.#patientSerial}`,
      ous: ['client'],
      attrs: { 'emr.role': 'patient', 'emr.patientRef': patientRef },
    });
  }

  /** Admission at `org`: CreateEmr by its healthcenter, then the patient's enrollment. */
  async admit(org: string, patient: PatientData): Promise<Admission> {
    const created = await this.net.submit(this.of(org).healthcenter, 'HealthCenter:CreateEmr', [], {
      transient: { patient: { ...patient } },
    });
    const { emrId } = json<{ emrId: string }>(created);
    const identity = await this.enrollPatient(org, patient.patientId);
    return { emrId, patient: identity, patientRef: identity.subject.attrs?.['emr.patientRef'] ?? '' };
  }

  async addNote(org: string, emrId: string, text: string, physician?: Identity): Promise<void> {
    await this.net.submit(physician ?? this.of(org).physician, 'Physician:AddEmrNote', [emrId], {
      transient: { note: { text } },
    });
  }

  /** RequestEmrAccess by `requester`, endorsed by the owner's peer; returns the request id. */
  async request(requester: Identity, ownerMsp: string, patientId: string): Promise<string> {
    const payload = await this.net.submit(requester, 'Sharing:RequestEmrAccess', [ownerMsp], {
      transient: { patientId },
      peer: ownerMsp,
    });
    return json<{ requestId: string }>(payload).requestId;
  }

  async authorize(ownerMsp: string, requestId: string): Promise<void> {
    await this.net.submit(this.of(ownerMsp).healthcenter, 'HealthCenter:AuthorizeEmrReading', [requestId]);
  }

  async approve(patient: Identity, requestId: string): Promise<void> {
    await this.net.submit(patient, 'Patient:ApproveEmrSharing', [requestId]);
  }

  /** Both steps of a shared read by `reader` at the owner's peer; returns the parsed shared EMR. */
  async readShared<T = SharedEmr>(reader: Identity, ownerMsp: string, requestId: string): Promise<T> {
    const options: CallOptions = { peer: ownerMsp };
    const logged = await this.net.submit(reader, 'Physician:LogSharedEmrAccess', [requestId], options);
    const { auditId } = json<{ auditId: string }>(logged);
    return json<T>(await this.net.evaluate(reader, 'Physician:GetSharedEmr', [requestId, auditId], options));
  }
}

export interface SharedEmr {
  readonly emrId: string;
  readonly ownerMsp: string;
  readonly patient: PatientData;
  readonly version: number;
  readonly noteCount: number;
  readonly notes: ReadonlyArray<{ readonly seq: number; readonly text: string }>;
  readonly requestId: string;
  readonly auditId: string;
  readonly snapshot: { readonly version: number; readonly noteCount: number; readonly takenAt: string };
}
