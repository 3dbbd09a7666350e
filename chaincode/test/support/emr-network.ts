import { mkdtempSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryLedgerHeight } from '../../../network/src/admin/ledger';
import { newCaClient, type CaClient, type RegistrationAttribute } from '../../../network/src/ca/ca-client';
import { Devnet } from '../../../network/src/devnet/devnet';
import type { DevnetDescription, OrganizationDescription } from '../../../network/src/devnet/network-file';
import { devnetOptions } from '../../../network/src/devnet/settings';
import type { Identity } from '../../../network/src/identity/identity';
import { withRetry } from '../../../network/src/retry';
import { connectToPeer, organization } from '../../../network/test/support/devnet';
import { ATTRIBUTES } from '../../src/domain/roles';
import type { PatientDemographics } from '../../src/domain/emr';
import {
  HealthCenterClient,
  PatientClient,
  PhysicianClient,
  type CreatedEmr,
  type EmrClient,
} from './emr-client';

export const PROVIDER1 = 'Provider1MSP';
export const PROVIDER2 = 'Provider2MSP';

type ClientClass<C extends EmrClient> = new (...args: ConstructorParameters<typeof EmrClient>) => C;

/**
 * A devnet of a test file's own (2 providers, temporary folder, ports from EMR_TEST_PORT_BASE + `portOffset`) and
 * the users of the EMR scenario, each enrolled from its provider's real CA and connected to its provider's peer.
 */
export class EmrTestNetwork {
  readonly devnet: Devnet;
  #description: DevnetDescription | undefined;
  readonly #registrars = new Map<string, Promise<{ ca: CaClient; registrar: Identity }>>();
  readonly #clients: EmrClient[] = [];

  private constructor(devnet: Devnet) {
    this.devnet = devnet;
  }

  /** Brings up the devnet; resolves once each provider's Gateway can reach the other provider's peer. */
  static async start(options: { readonly portOffset: number }): Promise<EmrTestNetwork> {
    const root = mkdtempSync(join(tmpdir(), 'emr-chaincode-test-'));
    const portBase = Number(process.env['EMR_TEST_PORT_BASE'] ?? 17000) + options.portOffset;
    const network = new EmrTestNetwork(new Devnet(devnetOptions({ root, portBase, providers: 2 })));
    try {
      await network.devnet.up();
      network.#description = await network.devnet.describe();
      await network.#waitForCrossOrgGateways();
      return network;
    } catch (err) {
      // A half-started devnet would outlive the test run and hold its ports.
      await network.stop();
      throw err;
    }
  }

  get description(): DevnetDescription {
    if (this.#description === undefined) throw new Error('the network is not started');
    return this.#description;
  }

  org(mspId: string): OrganizationDescription {
    return organization(this.description, mspId);
  }

  healthCenter(mspId: string): Promise<HealthCenterClient> {
    return this.#staff(mspId, 'healthcenter', HealthCenterClient);
  }

  physician(mspId: string): Promise<PhysicianClient> {
    return this.#staff(mspId, 'physician', PhysicianClient);
  }

  /** Creates the EMR and enrolls the patient, as the gateway's admission does. */
  async admit(
    healthCenter: HealthCenterClient,
    patient: PatientDemographics,
  ): Promise<{ emr: CreatedEmr; patient: PatientClient }> {
    const emr = await healthCenter.createEmr(patient);
    return { emr, patient: await this.enrollPatient(healthCenter, patient.patientId) };
  }

  /**
   * Patient enrollment the way the gateway does it: the healthcenter derives the pseudonym on its own peer
   * (evaluate, patient id in transient data), then the CA registers an OPAQUE enrollment id — never the patient id
   * or name, since the certificate goes into every block the patient submits to — with the role and pseudonym.
   */
  async enrollPatient(healthCenter: HealthCenterClient, patientId: string): Promise<PatientClient> {
    const patientRef = await healthCenter.derivePatientRef(patientId);
    const identity = await this.#registerAndEnroll(healthCenter.mspId, `patient-${opaqueId()}`, [
      { name: ATTRIBUTES.role, value: 'patient', ecert: true },
      { name: ATTRIBUTES.patientRef, value: patientRef, ecert: true },
    ]);
    return this.#connect(identity, PatientClient);
  }

  /** Closes every client connection and deletes the devnet. */
  async stop(): Promise<void> {
    for (const client of this.#clients.splice(0)) client.close();
    await this.devnet.down();
  }

  async #staff<C extends EmrClient>(mspId: string, role: string, kind: ClientClass<C>): Promise<C> {
    const identity = await this.#registerAndEnroll(mspId, `${role}-${opaqueId()}`, [
      { name: ATTRIBUTES.role, value: role, ecert: true },
    ]);
    return this.#connect(identity, kind);
  }

  #connect<C extends EmrClient>(identity: Identity, kind: ClientClass<C>): C {
    const client = new kind(
      connectToPeer(this.org(identity.mspId), identity),
      this.description.channel,
      this.description.chaincode,
    );
    this.#clients.push(client);
    return client;
  }

  /** Registers through the org's bootstrap registrar from network.json (type client) and enrolls. */
  async #registerAndEnroll(
    mspId: string,
    enrollmentId: string,
    attributes: readonly RegistrationAttribute[],
  ): Promise<Identity> {
    const { ca, registrar } = await this.#registrar(mspId);
    const secret = await ca.register(registrar, { enrollmentId, type: 'client', attributes });
    return ca.enroll({ enrollmentId, secret, mspId });
  }

  #registrar(mspId: string): Promise<{ ca: CaClient; registrar: Identity }> {
    let entry = this.#registrars.get(mspId);
    if (entry === undefined) {
      const org = this.org(mspId);
      const ca = newCaClient({
        url: org.ca.url,
        tlsCaCertificate: readFileSync(org.ca.tlsCaCertPath, 'utf8'),
        caName: org.ca.caName,
      });
      entry = ca.enroll({ ...org.ca.bootstrapAdmin, mspId }).then((registrar) => ({ ca, registrar }));
      this.#registrars.set(mspId, entry);
    }
    return entry;
  }

  /** Gossip needs a moment after start-up before one org's Gateway knows the other org's peer. */
  async #waitForCrossOrgGateways(): Promise<void> {
    for (const [from, to] of [
      [PROVIDER1, PROVIDER2],
      [PROVIDER2, PROVIDER1],
    ] as const) {
      const client = await this.healthCenter(from);
      await withRetry(() => queryLedgerHeight(client.gateway, this.description.channel, to), {
        attempts: 30,
        delayMs: 1000,
      });
    }
  }
}

/** An enrollment id that says nothing about the person. */
function opaqueId(): string {
  return randomBytes(8).toString('hex');
}
