import { readFile, writeFile } from 'node:fs/promises';

/**
 * `.devnet/network.json`: the machine-readable description of a running devnet. Tools and tests read it instead
 * of guessing ports and paths. Paths are absolute.
 */
export interface DevnetDescription {
  readonly channel: string;
  readonly chaincode: string;
  readonly orderers: readonly {
    readonly name: string;
    readonly endpoint: string;
    readonly adminUrl: string;
    readonly tlsCaCertPath: string;
    readonly serverNameOverride: string;
  }[];
  readonly organizations: readonly OrganizationDescription[];
}

export interface OrganizationDescription {
  readonly name: string;
  readonly mspId: string;
  readonly kind: 'orderer' | 'provider';
  readonly ca: {
    readonly url: string;
    readonly caName: string;
    readonly tlsCaCertPath: string;
    readonly bootstrapAdmin: { readonly enrollmentId: string; readonly secret: string };
  };
  /** Local MSP of the org's admin (type admin), for peer CLI use: CORE_PEER_MSPCONFIGPATH. */
  readonly adminMspPath: string;
  readonly peers: readonly {
    readonly name: string;
    readonly endpoint: string;
    readonly tlsCaCertPath: string;
    readonly serverNameOverride: string;
  }[];
  /** Base URL of the org's REST gateway, once it runs. */
  readonly gatewayUrl?: string;
  /** PEM of the CA that issued the gateway's HTTPS certificate (the org's CA), to verify `gatewayUrl`. */
  readonly gatewayTlsCaCertPath?: string;
}

export async function writeNetworkFile(path: string, description: DevnetDescription): Promise<void> {
  await writeFile(path, `${JSON.stringify(description, null, 2)}\n`, { mode: 0o600 });
}

export async function readNetworkFile(path: string): Promise<DevnetDescription> {
  return JSON.parse(await readFile(path, 'utf8')) as DevnetDescription;
}
