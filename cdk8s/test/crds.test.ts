// The CRDs installed for real in kube-apiserver 1.35: a valid MedicalProvider is accepted and defaulted; invalid
// ones are rejected with messages a person can act on; immutable fields stay immutable; status is a subresource
// whose conditions merge per type; printer columns show what `kubectl get mp` prints.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { customResourceDefinitions, EMR_NETWORK, MEDICAL_PROVIDER } from '../src/crds';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  apply,
  createNamespaces,
  describeFailure,
  Discovery,
  installCrds,
  type KubeObject,
} from './support/apply';
import { startKubeApiServer, type ApiResponse, type KubeApiServer } from './support/kube-apiserver';

let server: KubeApiServer;
const cleanups: (() => Promise<void>)[] = [];
let discovery: Discovery;
const NS = 'provider3';
const BASE = `/apis/${MEDICAL_PROVIDER.group}/${MEDICAL_PROVIDER.version}/namespaces/${NS}/${MEDICAL_PROVIDER.plural}`;

beforeAll(async () => {
  server = await startKubeApiServer();
  cleanups.push(() => server.stop());
  discovery = new Discovery(server);
  await installCrds(server, discovery, customResourceDefinitions() as unknown as KubeObject[]);
  await server.request('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: NS },
  });
}, 90_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

type Spec = Record<string, unknown>;

function provider(name: string, spec: Spec = {}): KubeObject {
  return {
    apiVersion: `${MEDICAL_PROVIDER.group}/${MEDICAL_PROVIDER.version}`,
    kind: MEDICAL_PROVIDER.kind,
    metadata: { name, namespace: NS },
    spec: {
      mspId: 'Provider3MSP',
      displayName: 'St. Mary Hospital',
      network: { name: 'emr', namespace: 'emr-orderer' },
      ca: { registrarSecretRef: { name: 'ca-provider3-registrar' } },
      ...spec,
    },
  };
}

/** Creates (optionally as a dry run) with strict field validation; the API server's message on failure. */
async function create(
  object: KubeObject,
  dryRun = true,
): Promise<{ status: number; message: string; body: unknown }> {
  const res = await server.request('POST', BASE, object, {
    query: { fieldValidation: 'Strict', ...(dryRun ? { dryRun: 'All' } : {}) },
  });
  return { status: res.status, message: (res.body as { message?: string }).message ?? '', body: res.body };
}

describe('MedicalProvider', () => {
  test('is served with its short names and categories', async () => {
    const res = await server.request('GET', `/apis/${MEDICAL_PROVIDER.group}/${MEDICAL_PROVIDER.version}`);
    const resource = (
      res.body as { resources: { name: string; shortNames?: string[]; categories?: string[] }[] }
    ).resources.find((r) => r.name === MEDICAL_PROVIDER.plural);
    expect(resource).toMatchObject({ shortNames: ['mp', 'medprov'], categories: ['emr', 'fabric'] });
  });

  test('a minimal valid resource is accepted and defaulted', async () => {
    const res = await create(provider('provider3'), false);
    expect(res.status).toBe(201);
    expect((res.body as { spec: Spec }).spec).toMatchObject({
      network: { channel: 'emr' },
      peers: { replicas: 1, storage: { size: '10Gi' } },
      ca: { registrarSecretRef: { name: 'ca-provider3-registrar', key: 'secret' }, storage: { size: '1Gi' } },
      chaincode: { name: 'emr', version: '1.0' },
      gateway: { replicas: 1, exposure: 'None' },
      consentPolicy: { mode: 'Manual' },
      imagePullPolicy: 'IfNotPresent',
    });
  });

  test.each<[string, Spec, string]>([
    ['no MSP ID', { mspId: undefined }, 'spec.mspId: Required value'],
    ['an MSP ID Fabric refuses', { mspId: '3rd provider' }, 'spec.mspId: Invalid value: "3rd provider"'],
    ['no network namespace', { network: { name: 'emr' } }, 'spec.network.namespace: Required value'],
    [
      'zero peers',
      { peers: { replicas: 0 } },
      'spec.peers.replicas: Invalid value: 0: spec.peers.replicas in body should be greater than or equal to 1',
    ],
    [
      'a storage size that is not a quantity',
      { peers: { storage: { size: 'ten gigs' } } },
      'spec.peers.storage.size: Invalid value: "ten gigs"',
    ],
    [
      'two gateway replicas',
      { gateway: { replicas: 2 } },
      'spec.gateway.replicas: Invalid value: 2: spec.gateway.replicas in body should be less than or equal to 1',
    ],
    [
      'an exposed gateway without a host name',
      { gateway: { exposure: 'Ingress' } },
      'gateway.hostname is required when gateway.exposure is Ingress or HTTPRoute',
    ],
    [
      'an allow list without MSP IDs',
      { consentPolicy: { mode: 'AllowList' } },
      'consentPolicy.allowedMspIds must list at least one MSP ID when mode is AllowList',
    ],
    [
      'MSP IDs without an allow list',
      { consentPolicy: { mode: 'Automatic', allowedMspIds: ['Provider1MSP'] } },
      'consentPolicy.allowedMspIds is only used with mode AllowList',
    ],
    [
      'an unknown consent mode',
      { consentPolicy: { mode: 'Sometimes' } },
      'spec.consentPolicy.mode: Unsupported value: "Sometimes"',
    ],
    [
      'a secret value instead of a reference',
      { ca: { registrarSecretRef: { name: 'x' }, registrarSecret: 'hunter2' } },
      'unknown field "spec.ca.registrarSecret"',
    ],
  ])('rejects %s', async (_what, spec, message) => {
    const object = provider('invalid', spec);
    const res = await create(JSON.parse(JSON.stringify(object)) as KubeObject);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.message).toContain(message);
  });

  test('keeps the MSP ID and the channel immutable', async () => {
    const msp = await apply(server, discovery, provider('provider3', { mspId: 'OtherMSP' }));
    expect(msp.status).toBe(422);
    expect((msp.body as { message: string }).message).toContain(
      'mspId is immutable: create a new MedicalProvider',
    );
    const channel = await apply(
      server,
      discovery,
      provider('provider3', { network: { name: 'emr', namespace: 'emr-orderer', channel: 'other' } }),
    );
    expect((channel.body as { message: string }).message).toContain('network.channel is immutable');
  });

  test('status is a subresource: conditions from two writers merge by type, spec and generation untouched', async () => {
    const statusPatch = (manager: string, status: Record<string, unknown>): Promise<ApiResponse> =>
      server.request(
        'PATCH',
        `${BASE}/provider3/status`,
        JSON.stringify({
          apiVersion: `${MEDICAL_PROVIDER.group}/${MEDICAL_PROVIDER.version}`,
          kind: MEDICAL_PROVIDER.kind,
          metadata: { name: 'provider3', namespace: NS },
          status,
        }),
        { query: { fieldManager: manager, force: 'true' }, contentType: 'application/apply-patch+yaml' },
      );
    const condition = (type: string, status: string, reason: string): Record<string, unknown> => ({
      type,
      status,
      reason,
      message: `${type} is ${status}`,
      lastTransitionTime: '2026-11-25T12:00:00Z',
      observedGeneration: 1,
    });
    const first = await statusPatch('emr-operator', {
      observedGeneration: 1,
      phase: 'Ready',
      joined: '1/1',
      signatures: '2/3',
      chaincode: { name: 'emr', version: '1.0', sequence: 1, summary: 'emr:1' },
      conditions: [
        condition('Ready', 'True', 'Onboarded'),
        condition('ChannelJoined', 'True', 'PeersJoined'),
      ],
    });
    expect(first.status).toBe(200);
    const second = await statusPatch('emr-operator-gateway-step', {
      conditions: [condition('GatewayReady', 'False', 'PodsNotReady')],
    });
    expect(second.status).toBe(200);
    const after = (await server.request('GET', `${BASE}/provider3`)).body as {
      metadata: { generation: number };
      spec: Spec;
      status: { conditions: { type: string }[] };
    };
    expect(after.status.conditions.map((c) => c.type).sort()).toEqual([
      'ChannelJoined',
      'GatewayReady',
      'Ready',
    ]);
    expect(after.metadata.generation).toBe(1);
    const invalid = await statusPatch('emr-operator', { conditions: [{ type: 'Ready', status: 'Maybe' }] });
    expect(invalid.status).toBe(422);
    expect((invalid.body as { message: string }).message).toContain('Unsupported value: "Maybe"');
  });

  test('printer columns show MSP ID, phase, channel, joined peers, chaincode, signatures and age', async () => {
    const res = await server.request('GET', BASE, undefined, {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
    });
    const table = res.body as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
    expect(table.columnDefinitions.map((c) => c.name)).toEqual([
      'Name',
      'MSP ID',
      'Phase',
      'Channel',
      'Joined',
      'Chaincode',
      'Sigs',
      'Ready',
      'Age',
    ]);
    expect(table.rows[0]?.cells.slice(0, 8)).toEqual([
      'provider3',
      'Provider3MSP',
      'Ready',
      'emr',
      '1/1',
      'emr:1',
      '2/3',
      'True',
    ]);
  });
});

describe('EmrNetwork', () => {
  const network = (spec: Spec): KubeObject => ({
    apiVersion: `${EMR_NETWORK.group}/${EMR_NETWORK.version}`,
    kind: EMR_NETWORK.kind,
    metadata: { name: 'emr', namespace: NS },
    spec: {
      ordererOrg: { caRegistrarSecretRef: { name: 'ca-orderer-registrar' } },
      foundingMembers: ['Provider1MSP', 'Provider2MSP'],
      ...spec,
    },
  });

  test('accepts a network and defaults channel, orderers and policy', async () => {
    const res = await apply(server, discovery, network({}), { dryRun: false });
    expect(res.ok).toBe(true);
    expect((res.body as { spec: Spec }).spec).toMatchObject({
      channel: 'emr',
      orderers: { replicas: 3 },
      membershipPolicy: 'MAJORITY',
      ordererOrg: { mspId: 'OrdererMSP' },
    });
  });

  test('refuses an even number of Raft orderers', async () => {
    const res = await apply(server, discovery, network({ orderers: { replicas: 4 } }));
    expect((res.body as { message: string }).message).toContain('orderers.replicas must be odd for Raft');
  });

  test('refuses a network without founding members, and names the field', async () => {
    const res = await apply(server, discovery, network({ foundingMembers: [] }));
    expect(res.ok).toBe(false);
    expect((res.body as { message: string }).message).toContain('spec.foundingMembers');
  });
});

test("the chart's example resources (what `make kind-up` and the operator-on-node test apply) are valid", async () => {
  const examples: KubeObject[] = [];
  for (const name of ['emr-network.yaml', 'provider3.yaml']) {
    const file = resolve(__dirname, '..', '..', 'charts', 'emr-operator', 'examples', name);
    examples.push(...parseAllDocuments(await readFile(file, 'utf8')).map((d) => d.toJS() as KubeObject));
  }
  const custom = examples.filter((e) => e.kind !== 'Namespace');
  expect(custom.map((e) => `${e.kind}/${e.metadata.namespace ?? ''}/${e.metadata.name}`)).toEqual([
    'EmrNetwork/emr-orderer/emr',
    'MedicalProvider/emr-provider1/provider1',
    'MedicalProvider/emr-provider2/provider2',
    'MedicalProvider/emr-provider3/provider3',
  ]);
  await createNamespaces(server, discovery, custom);
  const failures = [];
  for (const example of custom) {
    const result = await apply(server, discovery, example);
    if (!result.ok) failures.push(describeFailure(result));
  }
  expect(failures).toEqual([]);
});
