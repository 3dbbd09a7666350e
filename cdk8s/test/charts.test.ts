// The Helm charts with the real helm 3 binary: `helm lint --strict` is clean, `helm template --kube-version`
// renders objects kube-apiserver 1.35 accepts (CRDs installed for real, the rest as server-side dry runs), the
// operator's RBAC grants what it needs and nothing else (SubjectAccessReview), and the network chart renders
// exactly the objects the cdk8s constructs synthesize for the same values.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Size } from 'cdk8s';
import { ImagePullPolicy } from 'cdk8s-plus-33';
import { parseAllDocuments } from 'yaml';
import { synthNetwork, type Manifest } from '../src/test-support/manifests';
import { apply, createNamespaces, describeFailure, Discovery, installCrds } from './support/apply';
import { startKubeApiServer, toolsBinDir, type KubeApiServer } from './support/kube-apiserver';

const run = promisify(execFile);
const CHARTS = resolve(__dirname, '..', '..', 'charts');
const KUBE_VERSION = '1.35.4';

let server: KubeApiServer;
const cleanups: (() => Promise<void>)[] = [];
let discovery: Discovery;
let helmHome: string;

beforeAll(async () => {
  helmHome = await mkdtemp(join(tmpdir(), 'emr-helm-'));
  cleanups.push(() => rm(helmHome, { recursive: true, force: true }));
  server = await startKubeApiServer();
  cleanups.push(() => server.stop());
  discovery = new Discovery(server);
}, 90_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Runs the real helm binary with its own empty home; resolves with exit code and output. */
async function helm(...args: string[]): Promise<{ code: number; out: string }> {
  const binary = join(toolsBinDir(), 'helm');
  if (!existsSync(binary)) throw new Error(`${binary} is missing — run \`make tools\``);
  const env = {
    PATH: process.env['PATH'] ?? '',
    HELM_CACHE_HOME: join(helmHome, 'cache'),
    HELM_CONFIG_HOME: join(helmHome, 'config'),
    HELM_DATA_HOME: join(helmHome, 'data'),
  };
  try {
    const { stdout, stderr } = await run(binary, args, { env, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, out: (e.stdout ?? '') + (e.stderr ?? '') };
  }
}

async function template(
  release: string,
  chart: string,
  namespace: string,
  ...set: string[]
): Promise<Manifest[]> {
  const args = [
    'template',
    release,
    join(CHARTS, chart),
    '--namespace',
    namespace,
    '--kube-version',
    KUBE_VERSION,
  ];
  const result = await helm(...args, ...set.flatMap((s) => ['--set', s]));
  expect(result.code).toBe(0);
  return parseAllDocuments(result.out)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((o): o is Manifest => o !== null);
}

async function dryRunAll(objects: readonly Manifest[]): Promise<string[]> {
  await createNamespaces(server, discovery, objects);
  const failures: string[] = [];
  for (const object of objects.filter((o) => o.kind !== 'Namespace')) {
    const result = await apply(server, discovery, object);
    if (!result.ok) failures.push(describeFailure(result));
  }
  return failures;
}

describe('helm lint --strict', () => {
  test.each([
    ['emr-operator', []],
    [
      'emr-operator',
      ['watchNamespaces={provider3,provider4}', 'metrics.serviceMonitor.enabled=true', 'crds.install=false'],
    ],
    ['emr-network', []],
    ['emr-network', ['imagePullPolicy=Never', 'storage.className=fast', 'clusterDomain=corp.internal']],
  ])('%s %j is clean', async (chart, set) => {
    const result = await helm(
      'lint',
      '--strict',
      join(CHARTS, chart),
      '--kube-version',
      KUBE_VERSION,
      ...set.flatMap((s) => ['--set', s]),
    );
    expect(result.out).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(result.code).toBe(0);
  });

  test('emr-network with values-local-images.yaml (kind, the engine-free node) is clean', async () => {
    const chart = join(CHARTS, 'emr-network');
    const result = await helm('lint', '--strict', chart, '-f', join(chart, 'values-local-images.yaml'));
    expect(result.code).toBe(0);
  });

  test('refuses values outside values.schema.json', async () => {
    const network = await helm(
      'lint',
      '--strict',
      join(CHARTS, 'emr-network'),
      '--set',
      'imagePullPolicy=Sometimes',
    );
    expect(network.code).not.toBe(0);
    expect(network.out).toContain('imagePullPolicy');
    const operator = await helm(
      'lint',
      '--strict',
      join(CHARTS, 'emr-operator'),
      '--set',
      'watchNamespaces={Not_A_Namespace}',
    );
    expect(operator.code).not.toBe(0);
  });
});

describe('emr-operator chart', () => {
  test('installs its CRDs for real and every other object passes a server-side dry run', async () => {
    const objects = await template('emr-operator', 'emr-operator', 'emr-system');
    const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
    expect(crds.map((c) => c.metadata.name).sort()).toEqual([
      'emrnetworks.emr-fabric.dev',
      'medicalproviders.emr-fabric.dev',
    ]);
    expect(crds[0]?.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
    await installCrds(server, discovery, crds);
    expect(await dryRunAll(objects.filter((o) => o.kind !== 'CustomResourceDefinition'))).toEqual([]);
    expect(objects.map((o) => o.kind)).toEqual(
      expect.arrayContaining(['Deployment', 'ServiceAccount', 'Service', 'Pod']),
    );
  });

  test('without crds.install renders no CRD; with watchNamespaces only Roles in those namespaces see Secrets', async () => {
    const objects = await template(
      'emr-operator',
      'emr-operator',
      'emr-system',
      'crds.install=false',
      'watchNamespaces={provider3,provider4}',
    );
    expect(objects.filter((o) => o.kind === 'CustomResourceDefinition')).toEqual([]);
    const roles = objects.filter((o) => o.kind === 'Role' && JSON.stringify(o).includes('"secrets"'));
    expect(roles.map((r) => r.metadata.namespace).sort()).toEqual(['provider3', 'provider4']);
    // Nothing cluster-wide: the operator's rules are all namespaced (operator/test/rbac.test.ts runs it with them).
    expect(objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')).toEqual([]);
    expect(await dryRunAll(objects)).toEqual([]);
  });

  test('RBAC, applied for real, allows what the operator does and nothing more (SubjectAccessReview)', async () => {
    const objects = await template(
      'emr-operator',
      'emr-operator',
      'emr-system',
      'crds.install=false',
      'watchNamespaces={provider3}',
    );
    await createNamespaces(server, discovery, objects);
    const rbacKinds = ['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'];
    const failures: string[] = [];
    for (const object of objects.filter((o) => rbacKinds.includes(o.kind))) {
      const result = await apply(server, discovery, object, { dryRun: false });
      if (!result.ok) failures.push(describeFailure(result));
    }
    expect(failures).toEqual([]);
    const can = async (
      namespace: string,
      verb: string,
      resource: string,
      group = '',
      subresource = '',
    ): Promise<boolean> => {
      const res = await server.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: 'system:serviceaccount:emr-system:emr-operator',
          groups: ['system:serviceaccounts', 'system:serviceaccounts:emr-system', 'system:authenticated'],
          resourceAttributes: { namespace, verb, resource, group, subresource },
        },
      });
      return (res.body as { status: { allowed: boolean } }).status.allowed;
    };
    const checks = {
      'patch medicalproviders/status in provider3': await can(
        'provider3',
        'patch',
        'medicalproviders',
        'emr-fabric.dev',
        'status',
      ),
      'create statefulsets in provider3': await can('provider3', 'create', 'statefulsets', 'apps'),
      'patch poddisruptionbudgets in provider3': await can(
        'provider3',
        'patch',
        'poddisruptionbudgets',
        'policy',
      ),
      'list poddisruptionbudgets in provider3': await can(
        'provider3',
        'list',
        'poddisruptionbudgets',
        'policy',
      ),
      'get secrets in provider3': await can('provider3', 'get', 'secrets'),
      'update leases in emr-system': await can('emr-system', 'update', 'leases', 'coordination.k8s.io'),
      'get secrets in kube-system': await can('kube-system', 'get', 'secrets'),
      'create statefulsets in provider4': await can('provider4', 'create', 'statefulsets', 'apps'),
      'delete namespaces': await can('', 'delete', 'namespaces'),
      'create clusterroles': await can('', 'create', 'clusterroles', 'rbac.authorization.k8s.io'),
      'exec into pods in provider3': await can('provider3', 'create', 'pods', '', 'exec'),
      'delete medicalproviders in provider3': await can(
        'provider3',
        'delete',
        'medicalproviders',
        'emr-fabric.dev',
      ),
    };
    expect(checks).toEqual({
      'patch medicalproviders/status in provider3': true,
      'create statefulsets in provider3': true,
      'patch poddisruptionbudgets in provider3': true,
      // Applied and deleted by name; nothing lists them.
      'list poddisruptionbudgets in provider3': false,
      'get secrets in provider3': true,
      'update leases in emr-system': true,
      'get secrets in kube-system': false,
      'create statefulsets in provider4': false,
      'delete namespaces': false,
      'create clusterroles': false,
      'exec into pods in provider3': false,
      'delete medicalproviders in provider3': false,
    });
  });
});

describe('emr-network chart', () => {
  /** Objects as the constructs render them, and as helm renders them, minus Helm's own chart label. */
  const comparable = (objects: readonly Manifest[]): string[] =>
    objects
      .map((o) => JSON.stringify(o, (key, value: unknown) => (key === 'helm.sh/chart' ? undefined : value)))
      .sort();

  test('renders exactly the objects the constructs synthesize (default values)', async () => {
    const rendered = await template('emr', 'emr-network', 'emr-bootstrap');
    const synthesized = synthNetwork({
      namespace: 'emr-bootstrap',
      managedBy: 'Helm',
      bootstrap: { helmHooks: true },
    });
    expect(rendered.length).toBe(synthesized.length);
    expect(comparable(rendered)).toEqual(comparable(synthesized));
    expect(rendered.every((o) => o.metadata.labels?.['helm.sh/chart'] === 'emr-network-0.1.0')).toBe(true);
  });

  test('renders exactly the constructs for other values too: images, pull policy, storage, cluster domain', async () => {
    const rendered = await template(
      'emr',
      'emr-network',
      'emr-custom',
      'images.peer.repository=registry.local/fabric-peer',
      'images.peer.tag=3.1.1-emr',
      'images.tools.tag=dev',
      'imagePullPolicy=Never',
      'storage.className=fast',
      'storage.peer.size=20Gi',
      'clusterDomain=corp.internal',
    );
    const synthesized = synthNetwork({
      namespace: 'emr-custom',
      managedBy: 'Helm',
      bootstrap: { helmHooks: true },
      imagePullPolicy: ImagePullPolicy.NEVER,
      clusterDomain: 'corp.internal',
      images: {
        peer: { repository: 'registry.local/fabric-peer', tag: '3.1.1-emr' },
        tools: { repository: 'emr/operator', tag: 'dev' },
      },
      storage: {
        ca: { size: Size.gibibytes(1), storageClassName: 'fast' },
        orderer: { size: Size.gibibytes(10), storageClassName: 'fast' },
        peer: { size: Size.gibibytes(20), storageClassName: 'fast' },
        gateway: { size: Size.gibibytes(1), storageClassName: 'fast' },
      },
    });
    expect(comparable(rendered)).toEqual(comparable(synthesized));
  });

  test("the bootstrap's RBAC, applied for real, reaches the network's own objects by name and nothing else", async () => {
    const objects = await template('emr', 'emr-network', 'emr-rbac');
    await createNamespaces(server, discovery, objects);
    const failures: string[] = [];
    for (const object of objects.filter((o) => ['ServiceAccount', 'Role', 'RoleBinding'].includes(o.kind))) {
      const result = await apply(server, discovery, object, { dryRun: false });
      if (!result.ok) failures.push(describeFailure(result));
    }
    expect(failures).toEqual([]);
    const can = async (
      verb: string,
      resource: string,
      name = '',
      namespace = 'emr-rbac',
    ): Promise<boolean> => {
      const res = await server.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: 'system:serviceaccount:emr-rbac:emr-bootstrap',
          groups: ['system:serviceaccounts', 'system:serviceaccounts:emr-rbac', 'system:authenticated'],
          resourceAttributes: { namespace, verb, resource, name },
        },
      });
      return (res.body as { status: { allowed: boolean } }).status.allowed;
    };
    // The RBAC authorizer serves from an informer cache: wait until it has seen the RoleBinding (10 s at most).
    for (let tries = 0; tries < 100 && !(await can('get', 'configmaps', 'emr-bootstrap')); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect({
      'get the provider1 registrar password': await can('get', 'secrets', 'ca-provider1-registrar'),
      'patch provider2-enrollments': await can('patch', 'secrets', 'provider2-enrollments'),
      'create a builder config': await can('create', 'secrets'),
      'patch the orderer trust ConfigMap': await can('patch', 'configmaps', 'ca-orderer-trust'),
      'get the anchor': await can('get', 'configmaps', 'emr-bootstrap'),
      "get the gateway's keys": await can('get', 'secrets', 'gateway-provider1-keys'),
      'list secrets': await can('list', 'secrets'),
      'delete an enrollment Secret': await can('delete', 'secrets', 'provider1-enrollments'),
      'get a registrar password elsewhere': await can('get', 'secrets', 'ca-provider1-registrar', 'default'),
      'create pods': await can('create', 'pods'),
    }).toEqual({
      'get the provider1 registrar password': true,
      'patch provider2-enrollments': true,
      'create a builder config': true,
      'patch the orderer trust ConfigMap': true,
      'get the anchor': true,
      "get the gateway's keys": false,
      'list secrets': false,
      'delete an enrollment Secret': false,
      'get a registrar password elsewhere': false,
      'create pods': false,
    });
  });

  test('every rendered object passes a server-side dry run in a restricted namespace', async () => {
    await server.request('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'emr-bootstrap', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
    const objects = await template('emr', 'emr-network', 'emr-bootstrap');
    expect(objects.length).toBeGreaterThan(35);
    expect(await dryRunAll(objects)).toEqual([]);
  });
});
