import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newCaClient } from '../ca/ca-client';
import { writeTlsFiles } from '../identity/msp';
import type { OrgModel } from '../model/network-model';
import { gatewaySpec } from '../nodes/gateway';
import type { NodeSpec, SecretKeyRef } from '../nodes/node-spec';
import { enrollIdentity, enrollRegistrar, type OrgEnrollment } from '../provider/identities';
import type { SecretStore } from '../secrets/secret-store';
import { LOOPBACK, TLS_HOSTS, TLS_SERVER_NAME, type DevnetLayout } from './layout';
import type { ProcessSupervisor } from './processes';

/** The parts of a Devnet that running a provider's REST gateway needs. */
export interface GatewayHost {
  readonly layout: DevnetLayout;
  readonly secrets: SecretStore;
  readonly supervisor: ProcessSupervisor;
  peerEndpoint(org: OrgModel): { readonly address: string; readonly tlsCaCertPath: string };
}

export function gatewayName(org: OrgModel): string {
  return `gateway-${org.name}`;
}

/** Where the org's CA keeps its certificate: the trust anchor of its TLS certificate too. */
function caCertPath(host: GatewayHost, org: OrgModel): string {
  return join(host.layout.nodeDir(org, 'ca'), 'data', 'ca-cert.pem');
}

function tlsDir(host: GatewayHost, org: OrgModel): string {
  return join(host.layout.nodeDir(org, gatewayName(org)), 'tls');
}

/** The devnet rendering of {@link gatewaySpec}: loopback, HTTPS with a TLS certificate of the org's CA. */
export function devnetGatewaySpec(
  host: GatewayHost,
  org: OrgModel,
  orgIndex: number,
  script: string,
): NodeSpec {
  const name = gatewayName(org);
  const peer = host.peerEndpoint(org);
  const tls = tlsDir(host, org);
  return gatewaySpec({
    name,
    mspId: org.mspId,
    placement: LOOPBACK,
    port: host.layout.gatewayPort(orgIndex),
    image: 'unused-on-devnet',
    runtime: { node: process.execPath, script },
    peer: { endpoint: peer.address, tlsCaFile: peer.tlsCaCertPath, serverName: TLS_SERVER_NAME },
    ca: { url: host.layout.caUrl(orgIndex), tlsCaFile: caCertPath(host, org), caName: `ca-${org.name}` },
    secrets: {
      registrar: { enrollmentId: 'registrar', secret: { name: `ca-${org.name}`, key: 'registrar-secret' } },
      jwtKey: { name: name, key: 'jwt-secret' },
      keyEncryptionKey: { name: name, key: 'key-encryption-key' },
    },
    dataDir: join(host.layout.nodeDir(org, name), 'data'),
    tls: { certFile: join(tls, 'server.crt'), keyFile: join(tls, 'server.key') },
  });
}

/**
 * Starts the provider's REST gateway once its peer serves the committed, initialized chaincode: a TLS
 * certificate from the org's CA (profile tls) for localhost/127.0.0.1, the JWT and key-encryption secrets, then
 * the process. `script` is the compiled gateway server; without it (gateway not built) nothing starts.
 */
export async function startDevnetGateway(
  host: GatewayHost,
  org: OrgModel,
  orgIndex: number,
  script: string | undefined,
): Promise<string> {
  if (script === undefined || !existsSync(script)) {
    return 'skipped: the gateway is not built (npx tsc -b gateway/tsconfig.build.json)';
  }
  const name = gatewayName(org);
  const tls = tlsDir(host, org);
  if (!existsSync(join(tls, 'server.crt'))) {
    const enrollment: OrgEnrollment = {
      ca: newCaClient({
        url: host.layout.caUrl(orgIndex),
        tlsCaCertificate: await readUtf8(caCertPath(host, org)),
        caName: `ca-${org.name}`,
      }),
      org,
      secrets: host.secrets,
      registrar: { enrollmentId: 'registrar', secretName: `ca-${org.name}`, secretKey: 'registrar-secret' },
    };
    const registrar = await enrollRegistrar(enrollment);
    const identity = await enrollIdentity(
      enrollment,
      registrar,
      { enrollmentId: name, type: 'client' },
      { hosts: TLS_HOSTS },
    );
    await writeTlsFiles(tls, { identity, caCertificate: await enrollment.ca.getCaCertificate() });
  }
  await putRandomOnce(host.secrets, { name, key: 'jwt-secret' }, randomBytes(32).toString('base64url'));
  await putRandomOnce(host.secrets, { name, key: 'key-encryption-key' }, randomBytes(32).toString('base64'));
  return host.supervisor.start(devnetGatewaySpec(host, org, orgIndex, script));
}

/** The network.json fields of a running gateway: its base URL and the CA certificate that verifies its TLS. */
export async function describeDevnetGateway(
  host: GatewayHost,
  org: OrgModel,
  orgIndex: number,
): Promise<{ gatewayUrl?: string; gatewayTlsCaCertPath?: string }> {
  if (!(await host.supervisor.records()).some((record) => record.name === gatewayName(org))) return {};
  return {
    gatewayUrl: `https://127.0.0.1:${host.layout.gatewayPort(orgIndex)}`,
    gatewayTlsCaCertPath: join(tlsDir(host, org), 'ca.crt'),
  };
}

async function readUtf8(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

/** Keeps an existing secret (a restarted gateway must still open its database and accept its tokens). */
async function putRandomOnce(secrets: SecretStore, ref: SecretKeyRef, value: string): Promise<void> {
  if ((await secrets.get(ref)) === undefined) await secrets.put(ref, value);
}
