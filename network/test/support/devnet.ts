import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newCaClient } from '../../src/ca/ca-client';
import { connectGateway, type GatewayConnection } from '../../src/admin/gateway-connection';
import { Devnet } from '../../src/devnet/devnet';
import type { DevnetDescription, OrganizationDescription } from '../../src/devnet/network-file';
import { devnetOptions } from '../../src/devnet/settings';
import type { Identity } from '../../src/identity/identity';
import { readFileSync } from 'node:fs';

/**
 * A devnet of its own for a test file: a temporary state folder and a port range apart from a developer's running
 * `make devnet` (EMR_TEST_PORT_BASE, default 17000), so tests never touch it.
 */
export function newTestDevnet(providers = 2): Devnet {
  const root = mkdtempSync(join(tmpdir(), 'emr-devnet-test-'));
  const portBase = Number(process.env['EMR_TEST_PORT_BASE'] ?? 17000);
  return new Devnet({ ...devnetOptions({ root, portBase, providers }) });
}

export function organization(description: DevnetDescription, mspId: string): OrganizationDescription {
  const org = description.organizations.find((o) => o.mspId === mspId);
  if (!org) throw new Error(`${mspId} is not in network.json`);
  return org;
}

/** Registers and enrolls a user with an `emr.role` attribute at the org's CA, as a test would as any client. */
export async function enrollTestUser(
  org: OrganizationDescription,
  enrollmentId: string,
  role: string,
): Promise<Identity> {
  const ca = newCaClient({
    url: org.ca.url,
    tlsCaCertificate: readFileSync(org.ca.tlsCaCertPath, 'utf8'),
    caName: org.ca.caName,
  });
  const registrar = await ca.enroll({ ...org.ca.bootstrapAdmin, mspId: org.mspId });
  const secret = await ca.register(registrar, {
    enrollmentId,
    type: 'client',
    attributes: [{ name: 'emr.role', value: role, ecert: true }],
  });
  return ca.enroll({ enrollmentId, secret, mspId: org.mspId });
}

export function connectToPeer(org: OrganizationDescription, identity: Identity): GatewayConnection {
  const peer = org.peers[0];
  if (!peer) throw new Error(`${org.mspId} has no peer`);
  return connectGateway(
    {
      address: peer.endpoint,
      tlsCaCertificate: readFileSync(peer.tlsCaCertPath, 'utf8'),
      serverNameOverride: peer.serverNameOverride,
    },
    identity,
  );
}
