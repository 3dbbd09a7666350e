/**
 * The operator's view of the test API server (cdk8s/test/support/kube-apiserver.ts: real etcd + kube-apiserver):
 * CRDs installed from @emr/cdk8s, a typed client, and small helpers to create MedicalProviders and wait for
 * what the operator writes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { customResourceDefinitions } from '@emr/cdk8s';
import { Discovery, installCrds, type KubeObject as HarnessObject } from '../../../cdk8s/test/support/apply';
import { startKubeApiServer, type KubeApiServer } from '../../../cdk8s/test/support/kube-apiserver';
import {
  MEDICAL_PROVIDER_API_VERSION,
  type Condition,
  type MedicalProvider,
} from '../../src/api/medical-provider';
import { EMR_NETWORKS, MEDICAL_PROVIDERS } from '../../src/api/resources';
import { loadKubeConfig, newKubeClient, type KubeClient } from '../../src/kube/client';
import { createObject, listObjects } from '../../src/kube/resources';
import { EVENTS, resourcePath, type KubeObject } from '../../src/kube/types';
import { createSecret } from '../../src/kube/secret-store';

export interface TestCluster {
  readonly server: KubeApiServer;
  readonly client: KubeClient;
}

export async function startTestCluster(namespaces: readonly string[]): Promise<TestCluster> {
  const server = await startKubeApiServer();
  try {
    await installCrds(
      server,
      new Discovery(server),
      customResourceDefinitions() as unknown as HarnessObject[],
    );
    const client = newKubeClient(loadKubeConfig(server.kubeconfig()));
    for (const name of namespaces) {
      await client.request('POST', '/api/v1/namespaces', {
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      });
    }
    return { server, client };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

export type SpecOverrides = Record<string, unknown>;

/** A MedicalProvider as a platform engineer writes it (the API server fills the defaults). */
export function providerObject(
  namespace: string,
  name: string,
  mspId: string,
  spec: SpecOverrides = {},
): KubeObject {
  return {
    apiVersion: MEDICAL_PROVIDER_API_VERSION,
    kind: 'MedicalProvider',
    metadata: { name, namespace },
    spec: {
      mspId,
      displayName: `${name} hospital`,
      network: { name: 'emr', namespace: 'emr-orderer' },
      ca: { registrarSecretRef: { name: `ca-${name}-registrar` } },
      ...spec,
    },
  } as KubeObject;
}

export function createProvider(client: KubeClient, object: KubeObject): Promise<MedicalProvider> {
  return createObject<MedicalProvider>(client, MEDICAL_PROVIDERS, object);
}

export function createEmrNetwork(
  client: KubeClient,
  namespace = 'emr-orderer',
  name = 'emr',
): Promise<KubeObject> {
  return createObject(client, EMR_NETWORKS, {
    apiVersion: MEDICAL_PROVIDER_API_VERSION,
    kind: 'EmrNetwork',
    metadata: { name, namespace },
    spec: {
      ordererOrg: { caRegistrarSecretRef: { name: 'ca-orderer-registrar' } },
      foundingMembers: ['Provider1MSP', 'Provider2MSP'],
    },
  } as KubeObject);
}

/** A Secret the platform engineer would create (registrar passwords, adopted enrollments). */
export const putSecret = createSecret;

export function getProvider(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<MedicalProvider | undefined> {
  return client.get<MedicalProvider>(resourcePath(MEDICAL_PROVIDERS, { namespace, name }));
}

export function condition(provider: MedicalProvider | undefined, type: string): Condition | undefined {
  return provider?.status?.conditions?.find((c) => c.type === type);
}

/** Polls until `check` returns something other than undefined/false, or fails with the last value seen. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
  describe: () => Promise<string> = () => Promise.resolve(''),
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}. ${await describe()}`);
    await sleep(100);
  }
}

/** Waits for a condition of a provider to have a status (and optionally a reason). */
export function waitForCondition(
  client: KubeClient,
  namespace: string,
  name: string,
  type: string,
  status: Condition['status'],
  reason?: string,
  timeoutMs = 30_000,
): Promise<MedicalProvider> {
  return eventually(
    `${namespace}/${name} ${type}=${status}${reason ? ` (${reason})` : ''}`,
    async () => {
      const provider = await getProvider(client, namespace, name);
      const found = condition(provider, type);
      return found?.status === status && (reason === undefined || found.reason === reason)
        ? provider
        : undefined;
    },
    timeoutMs,
    async () => JSON.stringify((await getProvider(client, namespace, name))?.status ?? {}, null, 1),
  );
}

export interface EventObject extends KubeObject {
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly count: number;
  readonly involvedObject: { readonly name: string; readonly uid?: string; readonly kind: string };
  readonly reportingComponent?: string;
}

export async function eventsOf(client: KubeClient, namespace: string, name: string): Promise<EventObject[]> {
  const items = (await listObjects(client, EVENTS, { namespace })).items as EventObject[];
  return items.filter((e) => e.involvedObject.name === name && e.involvedObject.kind === 'MedicalProvider');
}
