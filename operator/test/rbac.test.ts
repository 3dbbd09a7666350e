// Least privilege, with the chart's own RBAC: `helm template charts/emr-operator` (watchNamespaces set), its
// ServiceAccount, Roles, ClusterRoles and bindings applied to a real kube-apiserver (RBAC authorization), and the
// operator run with a token issued to that ServiceAccount — not the harness's system:masters admin — through a
// real onboarding on devnet (adoption of the devnet's providers, provider3 admitted, then deleted). Every request
// the operator sends is recorded: none may be forbidden, none may reach beyond the watched namespaces and its
// release namespace, and every rule the chart grants must be one the run used or one listed below with the reason
// the devnet run cannot exercise it. SelfSubjectAccessReviews then deny, by name, what the operator must never do.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import type { Devnet } from '@emr/network';
import { toolsBinDir } from '../../cdk8s/test/support/kube-apiserver';
import { MEDICAL_PROVIDERS } from '../src/api/resources';
import { loadKubeConfig, newKubeClient, type KubeClient } from '../src/kube/client';
import { createObject } from '../src/kube/resources';
import { resourcePath, type KubeObject, type ResourceType } from '../src/kube/types';
import { newLogger } from '../src/logger';
import { Operator } from '../src/operator';
import { newDevnetRuntime } from '../src/runtime/devnet';
import { describeAccess, newAccessLog, recordingClient } from './support/access';
import { adoptDevnetProvider, newOperatorTestDevnet } from './support/devnet';
import {
  createEmrNetwork,
  createProvider,
  eventually,
  providerObject,
  putSecret,
  startTestCluster,
  waitForCondition,
  type TestCluster,
} from './support/kube';

const MINUTE = 60_000;
const execFileAsync = promisify(execFile);
const CHART = resolve(__dirname, '..', '..', 'charts', 'emr-operator');
const RELEASE_NAMESPACE = 'emr-system';
const SERVICE_ACCOUNT = 'emr-operator';
const USERNAME = `system:serviceaccount:${RELEASE_NAMESPACE}:${SERVICE_ACCOUNT}`;
/** The EmrNetwork's namespace must be watched too: the operator reads the network a provider joins. */
const WATCHED = ['emr-orderer', 'provider1', 'provider2', 'provider3'];
const UNWATCHED = 'provider4';
/** Apart from the operator onboarding test (29000) and `make bench` (26000); EMR_TEST_PORT_BASE overrides. */
const PORT_BASE = Number(process.env['EMR_TEST_PORT_BASE'] ?? 28000);

const RBAC_TYPES: Readonly<Record<string, ResourceType>> = {
  ServiceAccount: { group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true },
  Role: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'roles', namespaced: true },
  RoleBinding: {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'rolebindings',
    namespaced: true,
  },
  ClusterRole: {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'clusterroles',
    namespaced: false,
  },
  ClusterRoleBinding: {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'clusterrolebindings',
    namespaced: false,
  },
};

/**
 * Granted, but not exercised by a devnet onboarding — each with the reason the operator needs it. A rule the
 * chart grants beyond the accesses the run recorded and this list fails the test: drop the rule, or say here why
 * it is needed. Namespace kinds: `provider` (a watched namespace), `release` (the operator's own).
 */
const NEEDED_BEYOND_DEVNET: Readonly<Record<string, string>> = {
  // The Kubernetes runtime: server-side apply of what MedicalProviderOrg renders, readiness, cleanup.
  ...workloadGrants('core', ['services', 'persistentvolumeclaims']),
  ...workloadGrants('apps', ['statefulsets', 'deployments']),
  ...workloadGrants('networking.k8s.io', ['networkpolicies', 'ingresses']),
  ...workloadGrants('gateway.networking.k8s.io', ['httproutes']),
  // The ordering org's and multi-peer providers' budgets: applied (get for the rendering hash, create and patch
  // by server-side apply) and deleted by name with the rest of the rendering; nothing lists them.
  ...Object.fromEntries(
    ['get', 'create', 'patch', 'delete'].map((verb) => [
      `provider: ${verb} policy/poddisruptionbudgets`,
      'Kubernetes runtime and EmrNetwork controller: the PodDisruptionBudgets of the orderers and peers',
    ]),
  ),
  'provider: get core/configmaps': 'Kubernetes runtime: the rendering hash of a live ConfigMap',
  'provider: create core/configmaps': 'Kubernetes runtime: rendered ConfigMaps',
  'provider: patch core/configmaps': 'Kubernetes runtime: server-side apply',
  'provider: delete core/configmaps':
    "cleanup of a provider's labelled ConfigMaps (none exist on devnet, so none is deleted)",
  'provider: patch core/events': 'an Event repeated within its series window is counted by a patch',
  'provider: update emr-fabric.dev/medicalproviders/finalizers':
    'owner references with blockOwnerDeletion where OwnerReferencesPermissionEnforcement is on',
  'provider: update emr-fabric.dev/emrnetworks/finalizers':
    'owner references with blockOwnerDeletion where OwnerReferencesPermissionEnforcement is on',
  'provider: list emr-fabric.dev/emrnetworks':
    'the EmrNetwork controller’s informer (operator with networks)',
  'provider: watch emr-fabric.dev/emrnetworks': 'the EmrNetwork controller’s informer',
  'provider: patch emr-fabric.dev/emrnetworks': 'the EmrNetwork controller: its finalizer',
  'provider: patch emr-fabric.dev/emrnetworks/status': 'the EmrNetwork controller: its status',
};

function workloadGrants(group: string, resources: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    resources.flatMap((resource) =>
      ['get', 'list', 'create', 'patch', 'delete'].map((verb) => [
        `provider: ${verb} ${group}/${resource}`,
        'Kubernetes runtime: server-side apply, readiness, cleanup of what MedicalProviderOrg renders',
      ]),
    ),
  );
}

/** The namespace kind an access happened in, so that grants and uses compare across provider namespaces. */
function namespaceKind(namespace: string): string {
  if (namespace === RELEASE_NAMESPACE) return 'release';
  if (WATCHED.includes(namespace)) return 'provider';
  return namespace === '' ? 'cluster' : `unexpected namespace ${namespace}`;
}

const grantKey = (kind: string, verb: string, group: string, resource: string): string =>
  `${kind}: ${verb} ${group === '' ? 'core' : group}/${resource}`;

interface ResourceRule {
  readonly verbs: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
}

describe('the emr-operator chart’s RBAC, least privilege, proven by running the operator with it', () => {
  let devnet: Devnet;
  let gatewayScript: string | undefined;
  let cluster: TestCluster;
  let helmHome: string;
  let operatorClient: KubeClient;
  let operator: Operator | undefined;
  const access = newAccessLog();
  const used = access.used;
  const logLines: string[] = [];

  /** The chart as `helm install` would render it, for a release in emr-system watching WATCHED. */
  const renderChart = async (): Promise<KubeObject[]> => {
    const { stdout } = await execFileAsync(
      join(toolsBinDir(), 'helm'),
      [
        'template',
        'emr-operator',
        CHART,
        '--namespace',
        RELEASE_NAMESPACE,
        '--kube-version',
        '1.35.4',
        '--set',
        'crds.install=false',
        '--set',
        `watchNamespaces={${WATCHED.join(',')}}`,
      ],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          HELM_CACHE_HOME: join(helmHome, 'cache'),
          HELM_CONFIG_HOME: join(helmHome, 'config'),
          HELM_DATA_HOME: join(helmHome, 'data'),
        },
        maxBuffer: 32 * 1024 * 1024,
      },
    );
    return parseAllDocuments(stdout)
      .map((document) => document.toJS() as KubeObject | null)
      .filter((object): object is KubeObject => object !== null);
  };

  /** A client authenticated with a token the API server issued to the chart's ServiceAccount. */
  const serviceAccountClient = async (): Promise<KubeClient> => {
    const request = await cluster.client.request<{ status: { token: string } }>(
      'POST',
      `/api/v1/namespaces/${RELEASE_NAMESPACE}/serviceaccounts/${SERVICE_ACCOUNT}/token`,
      {
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: { expirationSeconds: 3600 },
        },
      },
    );
    const config = JSON.parse(cluster.server.kubeconfig()) as {
      users: { name: string; user: { token: string } }[];
    };
    for (const user of config.users) user.user.token = request.status.token;
    return newKubeClient(loadKubeConfig(JSON.stringify(config)));
  };

  /** SelfSubjectAccessReview: asked by the operator's own identity, about itself. */
  const can = async (
    namespace: string,
    verb: string,
    resource: string,
    group = '',
    subresource = '',
  ): Promise<boolean> => {
    const review = await operatorClient.request<{ status: { allowed: boolean } }>(
      'POST',
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      {
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { namespace, verb, resource, group, subresource } },
        },
      },
    );
    return review.status.allowed;
  };

  beforeAll(async () => {
    helmHome = await mkdtemp(join(tmpdir(), 'emr-helm-rbac-'));
    ({ devnet, gatewayScript } = newOperatorTestDevnet(PORT_BASE));
    expect(await devnet.up()).toBe('started');
    cluster = await startTestCluster([RELEASE_NAMESPACE, ...WATCHED, UNWATCHED]);
    const rendered = await renderChart();
    for (const object of rendered.filter((o) => o.kind in RBAC_TYPES)) {
      await createObject(cluster.client, RBAC_TYPES[object.kind] as ResourceType, object);
    }
    operatorClient = await serviceAccountClient();
    // The RBAC authorizer serves from an informer cache: wait until it has seen the chart's bindings.
    await eventually('the chart RBAC in effect', () =>
      can('provider1', 'list', 'medicalproviders', 'emr-fabric.dev'),
    );
    await createEmrNetwork(cluster.client);
    // What a platform engineer does with their own rights: the providers' Secrets and resources.
    for (const name of ['provider1', 'provider2']) {
      await adoptDevnetProvider(cluster.client, devnet, name, name);
      await createProvider(
        cluster.client,
        providerObject(name, name, `P${name.slice(1)}MSP`, { consentPolicy: { mode: 'Automatic' } }),
      );
    }
    operator = new Operator({
      client: recordingClient(operatorClient, access),
      runtime: newDevnetRuntime({ devnet, ...(gatewayScript === undefined ? {} : { gatewayScript }) }),
      identity: 'emr-operator-0',
      logger: newLogger('debug', (line) => logLines.push(line)),
      namespaces: WATCHED,
      leaderElection: { namespace: RELEASE_NAMESPACE, name: 'emr-operator' },
      backoff: { baseMs: 500, maxMs: 5_000, jitter: 0.2 },
    });
    await operator.start();
  }, 8 * MINUTE);

  afterAll(async () => {
    await operator?.stop();
    await (cluster as TestCluster | undefined)?.server.stop();
    await (devnet as Devnet | undefined)?.down();
    if (helmHome) await rm(helmHome, { recursive: true, force: true });
  }, 2 * MINUTE);

  it('authenticates the operator as the chart’s ServiceAccount, not as an administrator', async () => {
    const review = await operatorClient.request<{
      status: { userInfo: { username: string; groups: string[] } };
    }>('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    });
    expect(review.status.userInfo.username).toBe(USERNAME);
    expect(review.status.userInfo.groups).not.toContain('system:masters');
  });

  it(
    'onboards provider3 and cleans it up again with only the granted rules: no request is forbidden',
    async () => {
      for (const name of ['provider1', 'provider2']) {
        await waitForCondition(cluster.client, name, name, 'Ready', 'True', undefined, 3 * MINUTE);
      }
      await putSecret(cluster.client, 'provider3', 'ca-provider3-registrar', {
        secret: randomBytes(12).toString('hex'),
      });
      await createProvider(
        cluster.client,
        providerObject('provider3', 'provider3', 'Provider3MSP', { consentPolicy: { mode: 'Automatic' } }),
      );
      const ready = await waitForCondition(
        cluster.client,
        'provider3',
        'provider3',
        'Ready',
        'True',
        undefined,
        5 * MINUTE,
      );
      expect(ready.status).toMatchObject({ phase: 'Ready', joined: '1/1', signatures: '2/2' });
      // The Lease in the release namespace is held by this operator.
      const lease = await cluster.client.get<{ spec: { holderIdentity?: string } }>(
        `/apis/coordination.k8s.io/v1/namespaces/${RELEASE_NAMESPACE}/leases/emr-operator`,
      );
      expect(lease?.spec.holderIdentity).toBe('emr-operator-0');
      // Deletion: the finalizer's cleanup (workloads, labelled Secrets, an Event) and the finalizer's removal.
      await cluster.client.request(
        'DELETE',
        resourcePath(MEDICAL_PROVIDERS, { namespace: 'provider3', name: 'provider3' }),
      );
      await eventually(
        'provider3 gone',
        async () =>
          (await cluster.client.get(
            resourcePath(MEDICAL_PROVIDERS, { namespace: 'provider3', name: 'provider3' }),
          )) === undefined,
        2 * MINUTE,
      );
      expect(access.forbidden).toEqual([]);
      // Nor did anything the operator logged (a failed step, a lost Lease) come from a refusal.
      expect(logLines.filter((line) => /forbidden|\b403\b/i.test(line))).toEqual([]);
    },
    10 * MINUTE,
  );

  it('used only namespaced access within the watched and release namespaces, each one allowed', async () => {
    const accesses = [...used.values()];
    expect(accesses.length).toBeGreaterThan(10);
    expect(
      accesses
        .filter((a) => !['provider', 'release'].includes(namespaceKind(a.namespace)))
        .map(describeAccess),
    ).toEqual([]);
    const denied: string[] = [];
    for (const access of accesses) {
      if (!(await can(access.namespace, access.verb, access.resource, access.group, access.subresource)))
        denied.push(describeAccess(access));
    }
    expect(denied).toEqual([]);
  });

  it('is granted nothing beyond what the run used and what the Kubernetes runtime needs', async () => {
    const usedKeys = new Set(
      [...used.values()].map((a) =>
        grantKey(
          namespaceKind(a.namespace),
          a.verb,
          a.group,
          a.subresource ? `${a.resource}/${a.subresource}` : a.resource,
        ),
      ),
    );
    const granted = new Set<string>();
    for (const [kind, namespace] of [
      ['provider', 'provider3'],
      ['release', RELEASE_NAMESPACE],
    ] as const) {
      const review = await operatorClient.request<{ status: { resourceRules: ResourceRule[] } }>(
        'POST',
        '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
        {
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectRulesReview',
            spec: { namespace },
          },
        },
      );
      for (const rule of review.status.resourceRules) {
        expect(rule.resourceNames ?? []).toEqual([]);
        for (const group of rule.apiGroups ?? [])
          for (const resource of rule.resources ?? [])
            for (const verb of rule.verbs) {
              expect([verb, group, resource]).not.toContain('*');
              // Every authenticated user may ask about itself (system:basic-user); not the chart's doing.
              if (/^self\w+reviews$/.test(resource)) continue;
              granted.add(grantKey(kind, verb, group, resource));
            }
      }
    }
    const unexplained = [...granted].filter((key) => !usedKeys.has(key) && !(key in NEEDED_BEYOND_DEVNET));
    expect(unexplained.sort()).toEqual([]);
    // And the list of exceptions holds nothing the chart does not grant, or that the run did use after all.
    const stale = Object.keys(NEEDED_BEYOND_DEVNET).filter((key) => !granted.has(key) || usedKeys.has(key));
    expect(stale.sort()).toEqual([]);
  });

  it('denies what the operator must never do', async () => {
    const checks: Record<string, [string, string, string, string?, string?]> = {
      'list Secrets cluster-wide': ['', 'list', 'secrets'],
      'read Secrets in kube-system': ['kube-system', 'get', 'secrets'],
      'read Secrets in an unwatched namespace': [UNWATCHED, 'get', 'secrets'],
      'create StatefulSets in an unwatched namespace': [UNWATCHED, 'create', 'statefulsets', 'apps'],
      'read Secrets in its own namespace': [RELEASE_NAMESPACE, 'get', 'secrets'],
      'list namespaces': ['', 'list', 'namespaces'],
      'delete namespaces': ['', 'delete', 'namespaces'],
      'create ClusterRoles': ['', 'create', 'clusterroles', 'rbac.authorization.k8s.io'],
      'escalate ClusterRoles': ['', 'escalate', 'clusterroles', 'rbac.authorization.k8s.io'],
      'bind ClusterRoles': ['', 'bind', 'clusterroles', 'rbac.authorization.k8s.io'],
      'create Roles in a watched namespace': ['provider3', 'create', 'roles', 'rbac.authorization.k8s.io'],
      'create RoleBindings in a watched namespace': [
        'provider3',
        'create',
        'rolebindings',
        'rbac.authorization.k8s.io',
      ],
      'impersonate users': ['', 'impersonate', 'users'],
      'issue ServiceAccount tokens': [RELEASE_NAMESPACE, 'create', 'serviceaccounts', '', 'token'],
      'read nodes': ['', 'get', 'nodes'],
      'patch nodes': ['', 'patch', 'nodes'],
      'exec into pods': ['provider3', 'create', 'pods', '', 'exec'],
      'create pods': ['provider3', 'create', 'pods'],
      'read pods': ['provider3', 'get', 'pods'],
      'delete CRDs': ['', 'delete', 'customresourcedefinitions', 'apiextensions.k8s.io'],
      'update CRDs': ['', 'update', 'customresourcedefinitions', 'apiextensions.k8s.io'],
      'create webhook configurations': [
        '',
        'create',
        'mutatingwebhookconfigurations',
        'admissionregistration.k8s.io',
      ],
      'create MedicalProviders': ['provider3', 'create', 'medicalproviders', 'emr-fabric.dev'],
      'delete MedicalProviders': ['provider3', 'delete', 'medicalproviders', 'emr-fabric.dev'],
      'replace MedicalProviders (PUT)': ['provider3', 'update', 'medicalproviders', 'emr-fabric.dev'],
      'delete its Lease': [RELEASE_NAMESPACE, 'delete', 'leases', 'coordination.k8s.io'],
      'write Leases in a provider namespace': ['provider3', 'update', 'leases', 'coordination.k8s.io'],
    };
    const allowed: string[] = [];
    for (const [what, [namespace, verb, resource, group, subresource]] of Object.entries(checks)) {
      if (await can(namespace, verb, resource, group, subresource)) allowed.push(what);
    }
    expect(allowed).toEqual([]);
  });
});
