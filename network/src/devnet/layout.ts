import { join } from 'node:path';
import type { OrgModel } from '../model/network-model';
import { caSpec } from '../nodes/ca';
import { chaincodeServerSpec } from '../nodes/chaincode-server';
import type { NodePaths, NodeSpec, Placement } from '../nodes/node-spec';
import { ordererSpec } from '../nodes/orderer';
import { peerSpec } from '../nodes/peer';

/**
 * The one place that knows devnet ports and paths. Org number n (0 = ordering org, 1.. = providers) owns ports
 * base + 100·n … base + 100·n + 99; node files live under <root>/orgs/<org>/<node>/.
 */
export const LOOPBACK: Placement = { listenHost: '127.0.0.1', advertisedHost: '127.0.0.1' };
/** The DNS SAN every devnet TLS certificate carries; clients verify against it rather than an IP. */
export const TLS_SERVER_NAME = 'localhost';
export const TLS_HOSTS = ['localhost', '127.0.0.1'] as const;

export interface DevnetSettings {
  /** Folder with all state: keys, ledgers, logs, network.json. */
  readonly root: string;
  readonly portBase: number;
  /** Folder with Fabric's default configuration (sampleconfig) from `make tools`. */
  readonly fabricConfig: string;
  /** Node.js and the chaincode's location, for chaincode servers. */
  readonly chaincodeRuntime: { readonly node: string; readonly shimCli: string; readonly modulePath: string };
}

export interface CaPorts {
  readonly api: number;
  readonly operations: number;
}

export class DevnetLayout {
  constructor(readonly settings: DevnetSettings) {}

  orgDir(org: OrgModel): string {
    return join(this.settings.root, 'orgs', org.name);
  }

  nodeDir(org: OrgModel, node: string): string {
    return join(this.orgDir(org), node);
  }

  nodePaths(org: OrgModel, node: string): NodePaths {
    const dir = this.nodeDir(org, node);
    return {
      fabricConfig: this.settings.fabricConfig,
      msp: join(dir, 'msp'),
      tls: join(dir, 'tls'),
      data: join(dir, 'data'),
    };
  }

  #base(orgIndex: number): number {
    return this.settings.portBase + 100 * orgIndex;
  }

  caPorts(orgIndex: number): CaPorts {
    return { api: this.#base(orgIndex) + 1, operations: this.#base(orgIndex) + 2 };
  }

  caUrl(orgIndex: number): string {
    return `https://127.0.0.1:${this.caPorts(orgIndex).api}`;
  }

  caSpec(org: OrgModel, orgIndex: number): NodeSpec {
    return caSpec({
      name: `ca-${org.name}`,
      mspId: org.mspId,
      caName: `ca-${org.name}`,
      placement: LOOPBACK,
      ports: this.caPorts(orgIndex),
      home: join(this.nodeDir(org, 'ca'), 'data'),
      csrHosts: TLS_HOSTS,
      bootstrap: { enrollmentId: 'registrar', secret: { name: `ca-${org.name}`, key: 'registrar-secret' } },
    });
  }

  ordererPorts(index: number): { grpc: number; admin: number; operations: number } {
    const base = this.#base(0);
    return { grpc: base + 10 + index, admin: base + 20 + index, operations: base + 30 + index };
  }

  ordererName(index: number): string {
    return `orderer${index + 1}`;
  }

  ordererSpec(org: OrgModel, index: number): NodeSpec {
    const name = this.ordererName(index);
    return ordererSpec({
      name,
      mspId: org.mspId,
      placement: LOOPBACK,
      ports: this.ordererPorts(index),
      paths: this.nodePaths(org, name),
    });
  }

  peerPorts(orgIndex: number): { grpc: number; chaincode: number; operations: number } {
    const base = this.#base(orgIndex);
    return { grpc: base + 40, chaincode: base + 50, operations: base + 60 };
  }

  peerName(org: OrgModel): string {
    return `peer0-${org.name}`;
  }

  peerSpec(org: OrgModel, orgIndex: number): NodeSpec {
    const name = this.peerName(org);
    return peerSpec({
      name,
      mspId: org.mspId,
      placement: LOOPBACK,
      ports: this.peerPorts(orgIndex),
      paths: this.nodePaths(org, name),
      chaincodeBuilder: {
        dir: join(this.settings.root, 'builders', 'ccaas'),
        config: { name: name, key: 'chaincode-builder-config' },
      },
    });
  }

  chaincodeServerPort(orgIndex: number): number {
    return this.#base(orgIndex) + 70;
  }

  chaincodeServerName(org: OrgModel): string {
    return `chaincode-${org.name}`;
  }

  chaincodeServerSpec(org: OrgModel, orgIndex: number, packageId: string): NodeSpec {
    const name = this.chaincodeServerName(org);
    return chaincodeServerSpec({
      name,
      mspId: org.mspId,
      placement: LOOPBACK,
      port: this.chaincodeServerPort(orgIndex),
      packageId,
      tlsDir: join(this.nodeDir(org, name), 'tls'),
      image: 'unused-on-devnet',
      runtime: this.settings.chaincodeRuntime,
    });
  }

  gatewayPort(orgIndex: number): number {
    return this.#base(orgIndex) + 80;
  }

  logFile(node: string): string {
    return join(this.settings.root, 'logs', `${node}.log`);
  }

  secretsDir(): string {
    return join(this.settings.root, 'secrets');
  }

  networkFile(): string {
    return join(this.settings.root, 'network.json');
  }

  stateFile(): string {
    return join(this.settings.root, 'processes.json');
  }
}
