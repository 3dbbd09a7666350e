import { createPrivateKey, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, hash, signers, type Contract, type Gateway } from '@hyperledger/fabric-gateway';
import {
  Devnet,
  devnetOptions,
  newCaClient,
  newGrpcClient,
  newProgress,
  REPO_ROOT,
  type DevnetDescription,
  type Identity,
  type RegistrationAttribute,
} from '@emr/network';

export const PROVIDER1 = 'Provider1MSP';

/** The reference chaincode (bench/baseline-chaincode), deployed next to the EMR chaincode. */
export const BASELINE_CHAINCODE = {
  name: 'baseline',
  version: '1.0',
  modulePath: join(REPO_ROOT, 'bench', 'baseline-chaincode'),
} as const;

type GrpcClient = ReturnType<typeof newGrpcClient>;

/** A user enrolled from its provider's CA, with the EMR and baseline contracts on its provider's peer. */
export interface BenchUser {
  readonly mspId: string;
  readonly gateway: Gateway;
  readonly emr: Contract;
  readonly baseline: Contract;
}

/** Per-call deadlines: generous, so that a slow call under load counts as slow rather than failed. */
const DEADLINE_MS = 60_000;

/**
 * The benchmark's own devnet (temporary folder, its own ports) with the baseline chaincode, and its users. All
 * users of one org share one gRPC connection to the org's peer, as the REST gateway's clients do.
 */
export class BenchNetwork {
  readonly devnet: Devnet;
  readonly description: DevnetDescription;
  readonly #connections = new Map<string, GrpcClient>();
  readonly #gateways: Gateway[] = [];
  readonly #registrars = new Map<
    string,
    Promise<{ ca: ReturnType<typeof newCaClient>; registrar: Identity }>
  >();

  private constructor(devnet: Devnet, description: DevnetDescription) {
    this.devnet = devnet;
    this.description = description;
  }

  static async start(portBase: number): Promise<BenchNetwork> {
    const root = mkdtempSync(join(tmpdir(), 'emr-bench-'));
    const devnet = new Devnet({
      ...devnetOptions({ root, portBase, providers: 2 }),
      progress: newProgress('bench devnet'),
    });
    try {
      await devnet.up();
      await devnet.deployChaincode(BASELINE_CHAINCODE);
      return new BenchNetwork(devnet, await devnet.describe());
    } catch (err) {
      await devnet.down();
      throw err;
    }
  }

  healthCenter(mspId: string): Promise<BenchUser> {
    return this.#user(mspId, `bench-healthcenter-${opaqueId()}`, [role('healthcenter')]);
  }

  physician(mspId: string): Promise<BenchUser> {
    return this.#user(mspId, `bench-physician-${opaqueId()}`, [role('physician')]);
  }

  /** A patient enrolled as the gateway does it: pseudonym from DerivePatientRef, opaque enrollment id. */
  async patient(healthCenter: BenchUser, patientId: string): Promise<BenchUser> {
    const result = await healthCenter.emr.evaluate('HealthCenter:DerivePatientRef', {
      transientData: { patientId },
      endorsingOrganizations: [healthCenter.mspId],
    });
    const { patientRef } = JSON.parse(Buffer.from(result).toString('utf8')) as { patientRef: string };
    return this.#user(healthCenter.mspId, `bench-patient-${opaqueId()}`, [
      role('patient'),
      { name: 'emr.patientRef', value: patientRef, ecert: true },
    ]);
  }

  async stop(): Promise<void> {
    for (const gateway of this.#gateways.splice(0)) gateway.close();
    for (const client of this.#connections.values()) client.close();
    this.#connections.clear();
    await this.devnet.down();
  }

  async #user(mspId: string, enrollmentId: string, attributes: RegistrationAttribute[]): Promise<BenchUser> {
    const { ca, registrar } = await this.#registrar(mspId);
    const secret = await ca.register(registrar, { enrollmentId, type: 'client', attributes });
    const identity = await ca.enroll({ enrollmentId, secret, mspId });
    const gateway = connect({
      client: this.#connection(mspId),
      identity: { mspId, credentials: Buffer.from(identity.certificate) },
      signer: signers.newPrivateKeySigner(createPrivateKey(identity.privateKey)),
      hash: hash.sha256,
      evaluateOptions: () => ({ deadline: Date.now() + DEADLINE_MS }),
      endorseOptions: () => ({ deadline: Date.now() + DEADLINE_MS }),
      submitOptions: () => ({ deadline: Date.now() + DEADLINE_MS }),
      commitStatusOptions: () => ({ deadline: Date.now() + DEADLINE_MS }),
    });
    this.#gateways.push(gateway);
    const network = gateway.getNetwork(this.description.channel);
    return {
      mspId,
      gateway,
      emr: network.getContract(this.description.chaincode),
      baseline: network.getContract(BASELINE_CHAINCODE.name),
    };
  }

  #connection(mspId: string): GrpcClient {
    let client = this.#connections.get(mspId);
    if (client === undefined) {
      const peer = this.#org(mspId).peers[0];
      if (peer === undefined) throw new Error(`${mspId} has no peer`);
      client = newGrpcClient({
        address: peer.endpoint,
        tlsCaCertificate: readFileSync(peer.tlsCaCertPath, 'utf8'),
        serverNameOverride: peer.serverNameOverride,
      });
      this.#connections.set(mspId, client);
    }
    return client;
  }

  #registrar(mspId: string): Promise<{ ca: ReturnType<typeof newCaClient>; registrar: Identity }> {
    let entry = this.#registrars.get(mspId);
    if (entry === undefined) {
      const org = this.#org(mspId);
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

  #org(mspId: string): DevnetDescription['organizations'][number] {
    const org = this.description.organizations.find((o) => o.mspId === mspId);
    if (org === undefined) throw new Error(`${mspId} is not part of the devnet`);
    return org;
  }
}

function role(value: string): RegistrationAttribute {
  return { name: 'emr.role', value, ecert: true };
}

function opaqueId(): string {
  return randomBytes(8).toString('hex');
}
