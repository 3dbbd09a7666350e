/**
 * The devnet runtime: a provider's workloads as local processes of a running devnet (network/src/devnet), on the
 * ports devnet's layout gives org number N (`provider<N>`). It plays the part the pods play in Kubernetes — each
 * node enrolls itself at the org's CA with the enrollment secret the operator registered in the provider's
 * Secrets — so the operator's steps run unchanged against real Fabric processes: in tests, in the onboarding
 * benchmark and for local development. Nodes that already run (a devnet's own providers) are left alone, except
 * a chaincode server running another package than the spec's (an upgrade): it is restarted with the new one.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  newCaClient,
  TLS_FILES,
  writeLocalMsp,
  writeTlsFiles,
  type Devnet,
  type GrpcEndpoint,
  type Identity,
  type OrgModel,
  type SecretStore,
} from '@emr/network';
import { startDevnetGateway } from '@emr/network/dist/devnet/gateway-process';
import { TLS_HOSTS, TLS_SERVER_NAME } from '@emr/network/dist/devnet/layout';
import type { MedicalProvider } from '../api/medical-provider';
import { enrollmentSecretName, names } from '../provider/names';
import type {
  CaEndpoint,
  PeerEndpoint,
  ProviderRuntime,
  RuntimeContext,
  RuntimeFactory,
  WorkloadState,
} from './types';

export interface DevnetRuntimeOptions {
  readonly devnet: Devnet;
  /** The compiled REST gateway (gateway/dist/server.js); without it GatewayReady waits. */
  readonly gatewayScript?: string;
}

const ready = (message: string): WorkloadState => ({ ready: true, message });
const notReady = (message: string): WorkloadState => ({ ready: false, message });

/** Devnet numbers orgs by the digits their name ends with (`provider3` → 3). */
export function devnetOrgIndex(name: string): number {
  const match = /(\d+)$/.exec(name);
  if (!match)
    throw new Error(`a devnet provider's name ends with its number (e.g. provider3), not "${name}"`);
  return Number(match[1]);
}

export function newDevnetRuntime(options: DevnetRuntimeOptions): RuntimeFactory {
  return {
    forProvider(provider: MedicalProvider, context: RuntimeContext): ProviderRuntime {
      return new DevnetProvider(options, provider, context.secrets);
    },
  };
}

class DevnetProvider implements ProviderRuntime {
  readonly #devnet: Devnet;
  readonly #gatewayScript: string | undefined;
  readonly #provider: MedicalProvider;
  readonly #secrets: SecretStore;
  readonly #org: OrgModel;
  readonly #index: number;

  constructor(options: DevnetRuntimeOptions, provider: MedicalProvider, secrets: SecretStore) {
    this.#devnet = options.devnet;
    this.#gatewayScript = options.gatewayScript;
    this.#provider = provider;
    this.#secrets = secrets;
    this.#org = { name: provider.metadata.name, mspId: provider.spec.mspId };
    this.#index = devnetOrgIndex(provider.metadata.name);
  }

  get workloads(): ProviderRuntime['workloads'] {
    return {
      ensureCa: () => this.#ensureCa(),
      ensurePeers: () => this.#ensurePeers(),
      ensureChaincodeServer: (packageId) => this.#ensureChaincodeServer(packageId),
      ensureGateway: () => this.#ensureGateway(),
      remove: () => this.#remove(),
    };
  }

  get endpoints(): ProviderRuntime['endpoints'] {
    return {
      ca: () => this.#caEndpoint(),
      orderer: () => this.#orderer(),
      peers: () => this.#peers(),
    };
  }

  get #layout(): Devnet['layout'] {
    return this.#devnet.layout;
  }

  async #running(name: string): Promise<boolean> {
    return this.#devnet.supervisor.isRunning(name);
  }

  async #ensureCa(): Promise<WorkloadState> {
    const name = names.ca(this.#org.name);
    if (await this.#running(name)) return ready(`${name} runs`);
    const ref = this.#provider.spec.ca.registrarSecretRef;
    const password = await this.#secrets.get({ name: ref.name, key: ref.key });
    if (password === undefined) return notReady(`waiting for Secret ${ref.name} (key ${ref.key})`);
    // The devnet CA spec reads its bootstrap password from devnet's own secret store.
    await this.#devnet.secrets.put({ name, key: 'registrar-secret' }, password);
    await this.#devnet.supervisor.start(this.#layout.caSpec(this.#org, this.#index));
    return ready(`${name} started`);
  }

  async #caEndpoint(): Promise<CaEndpoint> {
    return {
      url: this.#layout.caUrl(this.#index),
      caName: names.ca(this.#org.name),
      tlsCaCertificate: await this.#caCertificate(),
    };
  }

  #caCertificate(): Promise<string> {
    return readFile(join(this.#layout.nodeDir(this.#org, 'ca'), 'data', 'ca-cert.pem'), 'utf8');
  }

  /** What an enroll init container does: enroll a registered node identity with its stored secret. */
  async #enroll(enrollmentId: string, tls: boolean): Promise<Identity | undefined> {
    const secret = await this.#secrets.get({ name: enrollmentSecretName(this.#org.name), key: enrollmentId });
    if (secret === undefined) return undefined;
    const endpoint = await this.#caEndpoint();
    const ca = newCaClient({
      url: endpoint.url,
      tlsCaCertificate: endpoint.tlsCaCertificate,
      caName: endpoint.caName,
    });
    return ca.enroll({
      enrollmentId,
      secret,
      mspId: this.#org.mspId,
      ...(tls ? { profile: 'tls' as const, hosts: TLS_HOSTS } : {}),
    });
  }

  async #ensurePeers(): Promise<WorkloadState> {
    if (this.#provider.spec.peers.replicas !== 1) {
      return notReady(
        `devnet runs one peer per provider, spec.peers.replicas is ${this.#provider.spec.peers.replicas}`,
      );
    }
    const name = this.#layout.peerName(this.#org);
    if (await this.#running(name))
      return { ...ready(`1/1 peers running (${name})`), readyCount: 1, total: 1 };
    const signing = await this.#enroll(name, false);
    const tls = await this.#enroll(name, true);
    if (!signing || !tls) return notReady(`${name} is not registered yet`);
    const caCertificate = await this.#caCertificate();
    const dir = this.#layout.nodeDir(this.#org, name);
    await writeLocalMsp(join(dir, 'msp'), {
      identity: signing,
      caCertificate,
      tlsCaCertificate: caCertificate,
      nodeOUs: true,
    });
    await writeTlsFiles(join(dir, 'tls'), { identity: tls, caCertificate });
    // What the peer's ccaas builder fills into connection.json: its org's chaincode server, dialled with mTLS.
    await this.#devnet.secrets.put(
      { name, key: 'chaincode-builder-config' },
      JSON.stringify({
        address: `127.0.0.1:${this.#layout.chaincodeServerPort(this.#index)}`,
        root_cert: caCertificate,
        client_cert: tls.certificate,
        client_key: tls.privateKey,
      }),
    );
    await this.#devnet.supervisor.start(this.#layout.peerSpec(this.#org, this.#index));
    return { ...ready(`1/1 peers running (${name})`), readyCount: 1, total: 1 };
  }

  /**
   * The org's chaincode server running `packageId`. A server running another package (the spec's chaincode version
   * changed) is restarted with the new one — the peers reconnect to it once the definition naming it is committed.
   */
  async #ensureChaincodeServer(packageId: string): Promise<WorkloadState> {
    const name = this.#layout.chaincodeServerName(this.#org);
    const spec = this.#layout.chaincodeServerSpec(this.#org, this.#index, packageId);
    const { supervisor } = this.#devnet;
    const state = await supervisor.state(spec);
    if (state === 'current') return ready(`${name} runs ${packageId}`);
    const tlsDir = join(this.#layout.nodeDir(this.#org, name), 'tls');
    // A restart keeps the TLS identity the server was enrolled with.
    if (state === 'stopped' || !existsSync(join(tlsDir, TLS_FILES.certificate))) {
      const tls = await this.#enroll(name, true);
      if (!tls) return notReady(`${name} is not registered yet`);
      await writeTlsFiles(tlsDir, { identity: tls, caCertificate: await this.#caCertificate() });
    }
    if (state === 'outdated') await supervisor.stop(name);
    await supervisor.start(spec);
    return ready(`${name} ${state === 'outdated' ? 'restarted' : 'started'} with ${packageId}`);
  }

  async #ensureGateway(): Promise<WorkloadState> {
    const name = names.gateway(this.#org.name);
    if (await this.#running(name)) return ready(`${name} runs`);
    // devnet's gateway start-up enrolls from devnet's secret store: hand it the secret the operator registered.
    const key = { name: enrollmentSecretName(this.#org.name), key: name };
    const secret = await this.#secrets.get(key);
    if (secret === undefined) return notReady(`${name} is not registered yet`);
    await this.#devnet.secrets.put(key, secret);
    const outcome = await startDevnetGateway(this.#devnet, this.#org, this.#index, this.#gatewayScript);
    return outcome === 'started' || outcome === 'running'
      ? ready(`${name} ${outcome}`)
      : notReady(`${name}: ${outcome}`);
  }

  async #remove(): Promise<void> {
    const { supervisor } = this.#devnet;
    for (const name of [
      names.gateway(this.#org.name),
      this.#layout.chaincodeServerName(this.#org),
      this.#layout.peerName(this.#org),
      names.ca(this.#org.name),
    ]) {
      await supervisor.stop(name);
    }
  }

  async #orderer(): Promise<GrpcEndpoint> {
    const ordererOrg = this.#devnet.model.ordererOrg;
    const name = this.#layout.ordererName(0);
    return {
      address: `127.0.0.1:${this.#layout.ordererPorts(0).grpc}`,
      tlsCaCertificate: await readFile(join(this.#layout.nodeDir(ordererOrg, name), 'tls', 'ca.crt'), 'utf8'),
      serverNameOverride: TLS_SERVER_NAME,
    };
  }

  async #peers(): Promise<PeerEndpoint[]> {
    const port = this.#layout.peerPorts(this.#index).grpc;
    return [
      {
        name: this.#layout.peerName(this.#org),
        address: `127.0.0.1:${port}`,
        tlsCaCertificate: await this.#caCertificate(),
        serverNameOverride: TLS_SERVER_NAME,
        anchor: { host: '127.0.0.1', port },
      },
    ];
  }
}
