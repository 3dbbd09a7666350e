import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newCaClient, type CaClient } from '../ca/ca-client';
import {
  MUTUAL_TLS_CONNECTION,
  packageChaincodeAsService,
  type ChaincodePackage,
} from '../admin/chaincode-package';
import { createGenesisBlock } from '../admin/configtx/genesis-block';
import type { OrganizationDefinition } from '../admin/configtx/organization';
import { connectGateway } from '../admin/gateway-connection';
import type { GrpcEndpoint } from '../admin/grpc';
import { newChaincodeLifecycle, type ChaincodeDefinition } from '../admin/lifecycle';
import { joinOrdererToChannel } from '../admin/orderer';
import { newPeerAdmin } from '../admin/peer';
import type { Identity } from '../identity/identity';
import { writeLocalMsp } from '../identity/msp';
import {
  defaultNetworkModel,
  PROVIDER_USERS,
  providerModel,
  ROLE_ATTRIBUTE,
  type NetworkModel,
  type OrgModel,
} from '../model/network-model';
import { chaincodeServerSpec } from '../nodes/chaincode-server';
import type { NodeSpec } from '../nodes/node-spec';
import { newProgress, type Progress } from '../progress';
import { enrollIdentity, enrollNode, enrollRegistrar, type OrgEnrollment } from '../provider/identities';
import { initializeEmrProvider } from '../provider/emr-provider';
import { addProviderToChannel } from '../provider/membership';
import { withRetry } from '../retry';
import { getOrCreateSecret, newFileSecretStore, type SecretStore } from '../secrets/secret-store';
import { loadMspIdentity, loadTlsIdentity, saveNodeCredentials } from './credentials';
import { describeDevnetGateway, devnetGatewaySpec, gatewayName, startDevnetGateway } from './gateway-process';
import { DevnetLayout, LOOPBACK, TLS_HOSTS, TLS_SERVER_NAME, type DevnetSettings } from './layout';
import {
  readNetworkFile,
  writeNetworkFile,
  type DevnetDescription,
  type OrganizationDescription,
} from './network-file';
import { DevnetError, ProcessSupervisor } from './processes';

/** A chaincode served next to the EMR chaincode (see {@link Devnet.deployChaincode}). */
export interface AdditionalChaincode {
  /** Lower-case letters and digits: it names the builder-config key `address_<name>`. */
  readonly name: string;
  readonly version: string;
  /** Folder whose package.json `main` exports the fabric-contract-api contracts. */
  readonly modulePath: string;
}

/** Chaincode servers of one org listen on the EMR server's port + slot; slots 1–9 are free for more chaincodes. */
const MAX_ADDITIONAL_CHAINCODES = 9;

export interface DevnetOptions {
  readonly settings: DevnetSettings;
  /** Folder with peer, orderer, fabric-ca-server (`make tools`). */
  readonly binDir: string;
  /** Folder of the compiled ccaas builder (network/dist/builder). */
  readonly builderScript: string;
  /** The compiled REST gateway (gateway/dist/server.js); providers get no gateway when absent or not built. */
  readonly gatewayScript?: string;
  readonly providers?: number;
  readonly progress?: Progress;
}

/**
 * A real multi-org Fabric network as local processes: an ordering org with 3 Raft orderers and provider orgs with
 * one peer and one chaincode server each, every org with its own CA, all on loopback with TLS.
 */
export class Devnet {
  readonly layout: DevnetLayout;
  readonly model: NetworkModel;
  readonly supervisor: ProcessSupervisor;
  readonly secrets: SecretStore;
  readonly #options: DevnetOptions;
  readonly #progress: Progress;

  constructor(options: DevnetOptions) {
    this.#options = options;
    this.layout = new DevnetLayout(options.settings);
    this.model = defaultNetworkModel(options.providers ?? 2);
    this.secrets = newFileSecretStore(this.layout.secretsDir());
    this.supervisor = new ProcessSupervisor({
      stateFile: this.layout.stateFile(),
      logDir: join(options.settings.root, 'logs'),
      binDir: options.binDir,
      secrets: this.secrets,
    });
    this.#progress = options.progress ?? newProgress('devnet');
  }

  /** Brings the network up; 'already-running' when every node of an earlier `up` still runs. */
  async up(): Promise<'started' | 'already-running'> {
    if (existsSync(this.layout.networkFile())) {
      const records = await this.supervisor.records();
      const down = [];
      for (const record of records) {
        if (!(await this.supervisor.isRunning(record.name))) down.push(record.name);
      }
      if (down.length === 0) {
        return 'already-running';
      }
      throw new DevnetError(
        `devnet in ${this.layout.settings.root} is partly down (${down.join(', ')}); run \`make devnet-down\` and \`make devnet\` again`,
      );
    }
    const p = this.#progress;
    const { model } = this;
    await this.#writeBuilder();
    const orgs = [model.ordererOrg, ...model.providers];
    for (const [index, org] of orgs.entries()) {
      await p.step(
        `start CA of ${org.name}`,
        () => this.#startCa(org, index),
        (r) => r,
      );
    }
    const ordererOrg = await p.step(
      'enroll orderer org identities',
      () => this.#enrollOrdererOrg(),
      () => '3 orderers, admin',
    );
    const providers: OrganizationDefinition[] = [];
    for (const provider of model.providers) {
      providers.push(
        await p.step(
          `enroll ${provider.name} identities`,
          () => this.#enrollProvider(provider),
          () => 'admin, peer, chaincode server, users',
        ),
      );
    }
    const genesis = createGenesisBlock({
      channelId: model.channelId,
      ordererOrganizations: [ordererOrg.definition],
      consenters: ordererOrg.consenters,
      applicationOrganizations: providers,
    });
    await mkdir(join(this.layout.settings.root, 'channel'), { recursive: true });
    await writeFile(this.#genesisPath(), genesis);
    for (let i = 0; i < model.ordererOrg.orderers; i++) {
      await p.step(
        `start ${this.layout.ordererName(i)}`,
        () => this.supervisor.start(this.layout.ordererSpec(model.ordererOrg, i)),
        (r) => r,
      );
    }
    for (let i = 0; i < model.ordererOrg.orderers; i++) {
      await p.step(
        `join ${this.layout.ordererName(i)} to channel ${model.channelId}`,
        () => this.#joinOrderer(i, genesis),
        (r) => r,
      );
    }
    const pkg = this.chaincodePackage();
    for (const provider of model.providers) {
      await this.#bringUpProviderNodes(provider, genesis, pkg);
    }
    await p.step(
      `commit chaincode ${model.chaincode.name}`,
      () => this.#commitChaincode(model.providers[0] ?? providerModel(1), pkg),
      (r) => r,
    );
    for (const provider of model.providers) {
      await p.step(
        `initialize EMR provider ${provider.mspId}`,
        () => this.#initializeProvider(provider),
        (r) => r,
      );
    }
    for (const provider of model.providers) {
      await p.step(
        `start ${gatewayName(provider)}`,
        () => startDevnetGateway(this, provider, this.#orgIndex(provider), this.#options.gatewayScript),
        (r) => r,
      );
    }
    await writeNetworkFile(this.layout.networkFile(), await this.describe());
    return 'started';
  }

  /**
   * Onboards provider N into the running channel: its CA and identities, a config update signed by the admins of
   * the current member orgs, then its peer, chaincode server and approval — the step the operator runs per
   * MedicalProvider.
   */
  async addProvider(index: number): Promise<void> {
    const provider = providerModel(index);
    const p = this.#progress;
    const members = await this.#memberProviders();
    if (members.some((member) => member.name === provider.name)) {
      throw new DevnetError(`${provider.name} is already part of the devnet`);
    }
    await p.step(
      `start CA of ${provider.name}`,
      () => this.#startCa(provider, index),
      (r) => r,
    );
    const definition = await p.step(
      `enroll ${provider.name} identities`,
      () => this.#enrollProvider(provider),
      () => 'done',
    );
    const signers = await Promise.all(members.map((m) => this.#adminIdentity(m)));
    await p.step(
      `add ${provider.mspId} to channel ${this.model.channelId}`,
      () =>
        addProviderToChannel({
          orderer: this.#ordererEndpoint(0),
          channelId: this.model.channelId,
          organization: definition,
          signers,
        }),
      (r) => `${r} (signed by ${signers.map((s) => s.mspId).join(', ')})`,
    );
    await this.#bringUpProviderNodes(provider, await readFile(this.#genesisPath()), this.chaincodePackage());
    await p.step(
      `initialize EMR provider ${provider.mspId}`,
      () => this.#initializeProvider(provider),
      (r) => r,
    );
    await p.step(
      `start ${gatewayName(provider)}`,
      () => startDevnetGateway(this, provider, index, this.#options.gatewayScript),
      (r) => r,
    );
    await writeNetworkFile(this.layout.networkFile(), await this.describe());
  }

  /** Stops every process and deletes all devnet state. */
  async down(): Promise<number> {
    const stopped = await this.supervisor.stopAll();
    await rm(this.layout.settings.root, { recursive: true, force: true });
    return stopped;
  }

  chaincodePackage(): ChaincodePackage {
    const { name, version } = this.model.chaincode;
    return packageChaincodeAsService(`${name}_${version}`, MUTUAL_TLS_CONNECTION);
  }

  peerEndpoint(provider: OrgModel): GrpcEndpoint & { readonly tlsCaCertPath: string } {
    const tlsCaCertPath = join(
      this.layout.nodeDir(provider, this.layout.peerName(provider)),
      'tls',
      'ca.crt',
    );
    return {
      address: `127.0.0.1:${this.layout.peerPorts(this.#orgIndex(provider)).grpc}`,
      tlsCaCertificate: existsSync(tlsCaCertPath) ? readFileSyncUtf8(tlsCaCertPath) : '',
      serverNameOverride: TLS_SERVER_NAME,
      tlsCaCertPath,
    };
  }

  async describe(): Promise<DevnetDescription> {
    const ordererOrg = this.model.ordererOrg;
    const providers = await this.#memberProviders();
    return {
      channel: this.model.channelId,
      chaincode: this.model.chaincode.name,
      orderers: Array.from({ length: ordererOrg.orderers }, (_, i) => ({
        name: this.layout.ordererName(i),
        endpoint: `127.0.0.1:${this.layout.ordererPorts(i).grpc}`,
        adminUrl: `https://127.0.0.1:${this.layout.ordererPorts(i).admin}`,
        tlsCaCertPath: join(this.layout.nodeDir(ordererOrg, this.layout.ordererName(i)), 'tls', 'ca.crt'),
        serverNameOverride: TLS_SERVER_NAME,
      })),
      organizations: [
        await this.#describeOrg(ordererOrg, 'orderer'),
        ...(await Promise.all(providers.map((provider) => this.#describeOrg(provider, 'provider')))),
      ],
    };
  }

  async #describeOrg(org: OrgModel, kind: 'orderer' | 'provider'): Promise<OrganizationDescription> {
    const index = this.#orgIndex(org);
    const peer = this.peerEndpoint(org);
    return {
      name: org.name,
      mspId: org.mspId,
      kind,
      ca: {
        url: this.layout.caUrl(index),
        caName: `ca-${org.name}`,
        tlsCaCertPath: this.#caCertPath(org),
        bootstrapAdmin: { enrollmentId: 'registrar', secret: await this.#registrarSecret(org) },
      },
      adminMspPath: join(this.layout.orgDir(org), 'admin', 'msp'),
      peers:
        kind === 'provider'
          ? [
              {
                name: this.layout.peerName(org),
                endpoint: peer.address,
                tlsCaCertPath: peer.tlsCaCertPath,
                serverNameOverride: TLS_SERVER_NAME,
              },
            ]
          : [],
      ...(kind === 'provider' ? await describeDevnetGateway(this, org, index) : {}),
    };
  }

  #memberProviders(): Promise<OrgModel[]> {
    const members: OrgModel[] = [];
    for (let index = 1; existsSync(join(this.layout.orgDir(providerModel(index)), 'admin')); index++) {
      members.push(providerModel(index));
    }
    return Promise.resolve(members);
  }

  #orgIndex(org: OrgModel): number {
    if (org.name === this.model.ordererOrg.name) return 0;
    return Number(/(\d+)$/.exec(org.name)?.[1] ?? NaN);
  }

  #genesisPath(): string {
    return join(this.layout.settings.root, 'channel', `${this.model.channelId}-genesis.block`);
  }

  #caCertPath(org: OrgModel): string {
    return join(this.layout.nodeDir(org, 'ca'), 'data', 'ca-cert.pem');
  }

  #registrarSecret(org: OrgModel): Promise<string> {
    return getOrCreateSecret(this.secrets, { name: `ca-${org.name}`, key: 'registrar-secret' });
  }

  async #startCa(org: OrgModel, index: number): Promise<string> {
    await this.#registrarSecret(org);
    const outcome = await this.supervisor.start(this.layout.caSpec(org, index));
    // The CA reports healthy on its operations port a moment before its API port accepts connections; on a busy
    // host, enrolling right away was refused (seen in the onboarding benchmark's `add-provider`).
    const ca = await this.#caClient(org);
    await withRetry(() => ca.getCaCertificate(), { attempts: 50, delayMs: 100 });
    return outcome;
  }

  async #caClient(org: OrgModel): Promise<CaClient> {
    return newCaClient({
      url: this.layout.caUrl(this.#orgIndex(org)),
      tlsCaCertificate: await readFile(this.#caCertPath(org), 'utf8'),
      caName: `ca-${org.name}`,
    });
  }

  async #enrollment(
    org: OrgModel,
  ): Promise<{ enrollment: OrgEnrollment; registrar: Identity; caCertificate: string }> {
    const enrollment: OrgEnrollment = {
      ca: await this.#caClient(org),
      org,
      secrets: this.secrets,
      registrar: { enrollmentId: 'registrar', secretName: `ca-${org.name}`, secretKey: 'registrar-secret' },
    };
    const registrar = await enrollRegistrar(enrollment);
    return { enrollment, registrar, caCertificate: await enrollment.ca.getCaCertificate() };
  }

  /** The org admin: an enrollment certificate with OU=admin, plus a TLS client certificate for mutual TLS. */
  async #enrollAdmin(
    org: OrgModel,
    enrollment: OrgEnrollment,
    registrar: Identity,
    caCertificate: string,
  ): Promise<void> {
    const request = { enrollmentId: `${org.name}-admin`, type: 'admin' as const };
    const signing = await enrollIdentity(enrollment, registrar, request);
    const tls = await enrollIdentity(enrollment, registrar, request, { hosts: [] });
    await saveNodeCredentials(join(this.layout.orgDir(org), 'admin'), { signing, tls }, caCertificate);
  }

  async #enrollOrdererOrg(): Promise<{
    definition: OrganizationDefinition;
    consenters: { host: string; port: number; clientTlsCertificate: string; serverTlsCertificate: string }[];
  }> {
    const org = this.model.ordererOrg;
    const { enrollment, registrar, caCertificate } = await this.#enrollment(org);
    await this.#enrollAdmin(org, enrollment, registrar, caCertificate);
    const consenters = [];
    for (let i = 0; i < org.orderers; i++) {
      const name = this.layout.ordererName(i);
      const credentials = await enrollNode(enrollment, registrar, {
        name,
        type: 'orderer',
        hosts: TLS_HOSTS,
      });
      await saveNodeCredentials(this.layout.nodeDir(org, name), credentials, caCertificate);
      const port = this.layout.ordererPorts(i).grpc;
      consenters.push({
        host: '127.0.0.1',
        port,
        clientTlsCertificate: credentials.tls.certificate,
        serverTlsCertificate: credentials.tls.certificate,
      });
    }
    return {
      definition: {
        mspId: org.mspId,
        rootCertificates: [caCertificate],
        tlsRootCertificates: [caCertificate],
        nodeOUs: true,
        ordererEndpoints: consenters.map((c) => `${c.host}:${c.port}`),
      },
      consenters,
    };
  }

  async #enrollProvider(provider: OrgModel): Promise<OrganizationDefinition> {
    const index = this.#orgIndex(provider);
    const { enrollment, registrar, caCertificate } = await this.#enrollment(provider);
    await this.#enrollAdmin(provider, enrollment, registrar, caCertificate);
    const peerName = this.layout.peerName(provider);
    const peer = await enrollNode(enrollment, registrar, { name: peerName, type: 'peer', hosts: TLS_HOSTS });
    await saveNodeCredentials(this.layout.nodeDir(provider, peerName), peer, caCertificate);
    const serverName = this.layout.chaincodeServerName(provider);
    const server = await enrollNode(enrollment, registrar, {
      name: serverName,
      type: 'client',
      hosts: TLS_HOSTS,
      tlsOnly: true,
    });
    await saveNodeCredentials(this.layout.nodeDir(provider, serverName), server, caCertificate);
    // What the peer's ccaas builder fills into connection.json: its own org's chaincode server, dialled with mTLS.
    await this.secrets.put(
      { name: peerName, key: 'chaincode-builder-config' },
      JSON.stringify({
        address: `127.0.0.1:${this.layout.chaincodeServerPort(index)}`,
        root_cert: caCertificate,
        client_cert: peer.tls.certificate,
        client_key: peer.tls.privateKey,
      }),
    );
    for (const user of PROVIDER_USERS) {
      const identity = await enrollIdentity(enrollment, registrar, {
        enrollmentId: user.enrollmentId,
        type: 'client',
        attributes: [{ name: ROLE_ATTRIBUTE, value: user.role, ecert: true }],
      });
      await writeLocalMsp(join(this.layout.orgDir(provider), 'users', user.enrollmentId, 'msp'), {
        identity,
        caCertificate,
        tlsCaCertificate: caCertificate,
        nodeOUs: true,
      });
    }
    return {
      mspId: provider.mspId,
      rootCertificates: [caCertificate],
      tlsRootCertificates: [caCertificate],
      nodeOUs: true,
      anchorPeers: [{ host: '127.0.0.1', port: this.layout.peerPorts(index).grpc }],
    };
  }

  #ordererEndpoint(index: number): GrpcEndpoint {
    const org = this.model.ordererOrg;
    const tlsCa = readFileSyncUtf8(
      join(this.layout.nodeDir(org, this.layout.ordererName(index)), 'tls', 'ca.crt'),
    );
    return {
      address: `127.0.0.1:${this.layout.ordererPorts(index).grpc}`,
      tlsCaCertificate: tlsCa,
      serverNameOverride: TLS_SERVER_NAME,
    };
  }

  async #joinOrderer(index: number, genesis: Uint8Array): Promise<string> {
    const org = this.model.ordererOrg;
    const adminTls = await loadTlsIdentity(join(this.layout.orgDir(org), 'admin', 'tls'), org.mspId);
    const result = await joinOrdererToChannel(
      {
        adminUrl: `https://127.0.0.1:${this.layout.ordererPorts(index).admin}`,
        tlsCaCertificate: this.#ordererEndpoint(index).tlsCaCertificate,
        clientIdentity: adminTls,
      },
      this.model.channelId,
      genesis,
    );
    return result.outcome;
  }

  #adminIdentity(org: OrgModel): Promise<Identity> {
    return loadMspIdentity(join(this.layout.orgDir(org), 'admin', 'msp'), org.mspId);
  }

  #definition(pkg: ChaincodePackage): ChaincodeDefinition {
    const cc = this.model.chaincode;
    return { ...cc, packageId: pkg.packageId };
  }

  async #bringUpProviderNodes(provider: OrgModel, genesis: Uint8Array, pkg: ChaincodePackage): Promise<void> {
    const p = this.#progress;
    const index = this.#orgIndex(provider);
    const admin = await this.#adminIdentity(provider);
    const peerName = this.layout.peerName(provider);
    await p.step(
      `start ${peerName}`,
      () => this.supervisor.start(this.layout.peerSpec(provider, index)),
      (r) => r,
    );
    const peerAdmin = newPeerAdmin(this.peerEndpoint(provider), admin);
    try {
      await p.step(
        `join ${peerName} to channel ${this.model.channelId}`,
        // The peer reports healthy (operations port) a moment before its gRPC port accepts connections.
        () =>
          withRetry(() => peerAdmin.joinChannel(genesis, this.model.channelId), {
            attempts: 30,
            delayMs: 200,
          }),
        (r) => r,
      );
      await p.step(
        `install chaincode on ${peerName}`,
        () => peerAdmin.installChaincode(pkg),
        (r) => r,
      );
    } finally {
      peerAdmin.close();
    }
    const serverName = this.layout.chaincodeServerName(provider);
    await p.step(
      `start ${serverName}`,
      () => this.supervisor.start(this.layout.chaincodeServerSpec(provider, index, pkg.packageId)),
      (r) => r,
    );
    using connection = connectGateway(this.peerEndpoint(provider), admin);
    const lifecycle = newChaincodeLifecycle(connection.gateway, this.model.channelId);
    await p.step(
      `approve chaincode for ${provider.mspId}`,
      // Right after start-up the Raft leader may not be elected yet, and a new org's peer may not be known to gossip.
      () =>
        withRetry(() => lifecycle.approveForMyOrg(this.#definition(pkg)), { attempts: 30, delayMs: 1000 }),
      (r) => r,
    );
  }

  async #initializeProvider(provider: OrgModel): Promise<string> {
    using connection = connectGateway(this.peerEndpoint(provider), await this.#adminIdentity(provider));
    const { channelId, chaincode } = this.model;
    return await withRetry(() => initializeEmrProvider(connection.gateway, channelId, chaincode.name), {
      attempts: 30,
      delayMs: 1000,
    });
  }

  async #commitChaincode(committer: OrgModel, pkg: ChaincodePackage): Promise<string> {
    using connection = connectGateway(this.peerEndpoint(committer), await this.#adminIdentity(committer));
    const lifecycle = newChaincodeLifecycle(connection.gateway, this.model.channelId);
    return await withRetry(() => lifecycle.commit(this.#definition(pkg)), { attempts: 30, delayMs: 1000 });
  }

  async #writeBuilder(): Promise<void> {
    const bin = join(this.layout.settings.root, 'builders', 'ccaas', 'bin');
    await mkdir(bin, { recursive: true });
    for (const command of ['detect', 'build', 'release']) {
      const script = `#!/bin/sh\nexec "${process.execPath}" "${this.#options.builderScript}" ${command} "$@"\n`;
      await writeFile(join(bin, command), script);
      await chmod(join(bin, command), 0o755);
    }
  }

  /**
   * Deploys another chaincode as a service next to the EMR chaincode (the benchmark's baseline chaincode), on every
   * member provider: a TLS identity and a server on the org's next chaincode port; the peer's builder config gains
   * `address_<name>` — the package's connection.json dials `{{.address_<name>}}`, so one package serves every org
   * as for the EMR chaincode — and the peer restarts to load it; then install, approve and commit under the EMR
   * chaincode's endorsement policy. Idempotent. Providers added later do not get it.
   */
  async deployChaincode(chaincode: AdditionalChaincode): Promise<string> {
    if (!/^[a-z][a-z0-9]{0,30}$/.test(chaincode.name) || chaincode.name === this.model.chaincode.name) {
      throw new DevnetError(`cannot deploy a chaincode named "${chaincode.name}" next to the EMR chaincode`);
    }
    const addressKey = `address_${chaincode.name}`;
    const pkg = packageChaincodeAsService(`${chaincode.name}_${chaincode.version}`, {
      ...MUTUAL_TLS_CONNECTION,
      address: `{{.${addressKey}}}`,
    });
    const definition: ChaincodeDefinition = {
      name: chaincode.name,
      version: chaincode.version,
      sequence: 1,
      endorsementPolicyReference: this.model.chaincode.endorsementPolicyReference,
      packageId: pkg.packageId,
    };
    const providers = await this.#memberProviders();
    for (const provider of providers) {
      await this.#deployChaincodeOn(provider, chaincode, addressKey, pkg, definition);
    }
    const committer = providers[0] ?? providerModel(1);
    using connection = connectGateway(this.peerEndpoint(committer), await this.#adminIdentity(committer));
    const lifecycle = newChaincodeLifecycle(connection.gateway, this.model.channelId);
    return await this.#progress.step(
      `commit chaincode ${chaincode.name}`,
      () => withRetry(() => lifecycle.commit(definition), { attempts: 30, delayMs: 1000 }),
      (r) => r,
    );
  }

  async #deployChaincodeOn(
    provider: OrgModel,
    chaincode: AdditionalChaincode,
    addressKey: string,
    pkg: ChaincodePackage,
    definition: ChaincodeDefinition,
  ): Promise<void> {
    const p = this.#progress;
    const peerName = this.layout.peerName(provider);
    const port = await this.#additionalChaincodePort(provider, addressKey);
    const serverName = `chaincode-${chaincode.name}-${provider.name}`;
    const { enrollment, registrar, caCertificate } = await this.#enrollment(provider);
    const server = await enrollNode(enrollment, registrar, {
      name: serverName,
      type: 'client',
      hosts: TLS_HOSTS,
      tlsOnly: true,
    });
    await saveNodeCredentials(this.layout.nodeDir(provider, serverName), server, caCertificate);
    const admin = await this.#adminIdentity(provider);
    const peerAdmin = newPeerAdmin(this.peerEndpoint(provider), admin);
    try {
      await p.step(
        `install chaincode ${chaincode.name} on ${peerName}`,
        () => withRetry(() => peerAdmin.installChaincode(pkg), { attempts: 30, delayMs: 1000 }),
        (r) => r,
      );
    } finally {
      peerAdmin.close();
    }
    const spec = chaincodeServerSpec({
      name: serverName,
      mspId: provider.mspId,
      placement: LOOPBACK,
      port,
      packageId: pkg.packageId,
      tlsDir: join(this.layout.nodeDir(provider, serverName), 'tls'),
      image: 'unused-on-devnet',
      runtime: { ...this.layout.settings.chaincodeRuntime, modulePath: chaincode.modulePath },
    });
    await p.step(
      `start ${serverName}`,
      () => this.supervisor.start(spec),
      (r) => r,
    );
    using connection = connectGateway(this.peerEndpoint(provider), admin);
    const lifecycle = newChaincodeLifecycle(connection.gateway, this.model.channelId);
    await p.step(
      `approve chaincode ${chaincode.name} for ${provider.mspId}`,
      () => withRetry(() => lifecycle.approveForMyOrg(definition), { attempts: 30, delayMs: 1000 }),
      (r) => r,
    );
  }

  /** The port of an additional chaincode's server; a new one is added to the peer's builder config (restart). */
  async #additionalChaincodePort(provider: OrgModel, addressKey: string): Promise<number> {
    const peerName = this.layout.peerName(provider);
    const ref = { name: peerName, key: 'chaincode-builder-config' };
    const stored = await this.secrets.get(ref);
    if (stored === undefined) {
      throw new DevnetError(`${peerName} has no chaincode builder config`);
    }
    const config = JSON.parse(stored) as Record<string, string>;
    const existing = config[addressKey];
    if (existing !== undefined) {
      return Number(existing.slice(existing.lastIndexOf(':') + 1));
    }
    const slot = 1 + Object.keys(config).filter((key) => key.startsWith('address_')).length;
    if (slot > MAX_ADDITIONAL_CHAINCODES) {
      throw new DevnetError(`${peerName} already serves ${MAX_ADDITIONAL_CHAINCODES} additional chaincodes`);
    }
    const port = this.layout.chaincodeServerPort(this.#orgIndex(provider)) + slot;
    await this.secrets.put(ref, JSON.stringify({ ...config, [addressKey]: `127.0.0.1:${port}` }));
    // The builder config reaches the peer's external builder through the peer's environment, read at start.
    await this.#progress.step(
      `restart ${peerName} with the new builder config`,
      () => this.restart(peerName),
      () => 'restarted',
    );
    return port;
  }

  /** Restarts one node (stop, then start from its spec): a peer must catch up with blocks it missed. */
  async restart(name: string): Promise<void> {
    const spec = await this.#specByName(name);
    await this.supervisor.stop(name);
    await this.supervisor.start(spec);
  }

  async #specByName(name: string): Promise<NodeSpec> {
    for (const provider of await this.#memberProviders()) {
      if (name === this.layout.peerName(provider))
        return this.layout.peerSpec(provider, this.#orgIndex(provider));
      const gatewayScript = this.#options.gatewayScript;
      if (name === gatewayName(provider) && gatewayScript !== undefined)
        return devnetGatewaySpec(this, provider, this.#orgIndex(provider), gatewayScript);
    }
    for (let i = 0; i < this.model.ordererOrg.orderers; i++) {
      if (name === this.layout.ordererName(i)) return this.layout.ordererSpec(this.model.ordererOrg, i);
    }
    throw new DevnetError(`no devnet node named ${name}`);
  }

  static async readDescription(root: string): Promise<DevnetDescription> {
    return readNetworkFile(join(root, 'network.json'));
  }
}

function readFileSyncUtf8(path: string): string {
  return readFileSync(path, 'utf8');
}
