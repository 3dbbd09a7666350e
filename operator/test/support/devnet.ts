/**
 * A devnet of the operator's tests (ports from 29000, a temporary folder) and the adoption of its providers as
 * MedicalProviders: their CA registrar password and enrollment secrets copied from devnet's secret store into
 * Secrets of their namespaces — what a platform engineer does to bring an existing provider under the operator.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Devnet, devnetOptions } from '@emr/network';
import type { KubeClient } from '../../src/kube/client';
import { putSecret } from './kube';

export const OPERATOR_TEST_PORT_BASE = 29000;

export function newOperatorTestDevnet(portBase = OPERATOR_TEST_PORT_BASE): {
  devnet: Devnet;
  gatewayScript: string | undefined;
} {
  const root = mkdtempSync(join(tmpdir(), 'emr-operator-devnet-'));
  const options = devnetOptions({ root, portBase, providers: 2 });
  return { devnet: new Devnet(options), gatewayScript: options.gatewayScript };
}

/** Copies a devnet provider's registrar password and enrollment secrets into Secrets of `namespace`. */
export async function adoptDevnetProvider(
  client: KubeClient,
  devnet: Devnet,
  org: string,
  namespace: string,
): Promise<void> {
  const registrar = await devnet.secrets.get({ name: `ca-${org}`, key: 'registrar-secret' });
  if (registrar === undefined) throw new Error(`devnet has no registrar secret for ${org}`);
  await putSecret(client, namespace, `ca-${org}-registrar`, { secret: registrar });
  const dir = join(devnet.layout.secretsDir(), `${org}-enrollments`);
  const enrollments: Record<string, string> = {};
  for (const key of readdirSync(dir)) enrollments[key] = await readFile(join(dir, key), 'utf8');
  await putSecret(client, namespace, `${org}-enrollments`, enrollments);
}
