/**
 * The emr-network chart on the real one-node cluster (issue 7): up → images → hostPath volumes (a StorageClass
 * without provisioner, one PersistentVolume bound to each claim of the chart) → the platform engineer's Secrets →
 * `helm install` with the project's images → the registrar step as a Job (operator image,
 * operator/src/bootstrap) → every pod Ready, each workload having enrolled itself at its org's CA → a CA through
 * a NodePort on loopback → the channel step as a Job (genesis, orderer and peer joins, install, approve, commit,
 * initializeEmrProvider) → a patient admitted (CreateEmr) through provider1's gateway Service via a NodePort on
 * loopback → `helm uninstall` leaves none of the chart's objects → down, the host as before.
 *
 * The two Jobs are applied by the test, not yet templates of the chart.
 *
 * Needs root; refuses to run while another cluster (for example `make cluster-up`) is up.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, chownSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Cluster } from '../src/cluster';
import { captureHostState, diffHostState, type HostState } from '../src/host/state';
import { APP_USER, findImage } from '../src/images/catalog';
import { waitFor, type KubeClient, type KubeObject } from '../src/kube-client';
import { REPO_ROOT } from '../src/settings';
import { prepareTestCluster, removeTestCluster, type TestCluster } from './support/test-cluster';

const NAMESPACE = 'emr';
const RELEASE = 'emr';
const STORAGE_CLASS = 'emr-hostpath';
const CA_NODE_PORT = 30755;
const GATEWAY_NODE_PORT = 30756;
const MINUTES = 60_000;
const PART_OF = 'app.kubernetes.io/part-of=emr-network';
const BOOTSTRAP_ACCOUNT = 'emr-bootstrap';

/** The claims the chart's StatefulSets and Deployments make (one volume each). */
const CLAIMS = [
  'data-ca-orderer-0',
  'data-ca-provider1-0',
  'data-ca-provider2-0',
  'data-orderer-0',
  'data-orderer-1',
  'data-orderer-2',
  'data-peer0-provider1-0',
  'data-peer0-provider2-0',
  'gateway-provider1-data',
  'gateway-provider2-data',
];
/** Workloads of the chart: 3 CAs, 3 orderers, 2 peers, 2 chaincode servers, 2 gateways. */
const PODS = 12;

interface PodLike {
  metadata: { name: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}
interface JobLike {
  status?: { succeeded?: number; failed?: number };
}

function helm(args: string[]): string {
  const bin = join(process.env['EMR_TOOLS_DIR'] ?? '', 'bin', 'helm');
  return execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A StorageClass without provisioner and one hostPath volume per claim, bound to it in advance. */
function hostPathVolumes(root: string): KubeObject[] {
  return [
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: STORAGE_CLASS },
      provisioner: 'kubernetes.io/no-provisioner',
      volumeBindingMode: 'WaitForFirstConsumer',
    },
    ...CLAIMS.map((claim): KubeObject => {
      const path = join(root, claim);
      mkdirSync(path, { recursive: true });
      chownSync(path, APP_USER.uid, APP_USER.gid);
      return {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: `${NAMESPACE}-${claim}` },
        spec: {
          capacity: { storage: '10Gi' },
          accessModes: ['ReadWriteOnce'],
          persistentVolumeReclaimPolicy: 'Retain',
          storageClassName: STORAGE_CLASS,
          claimRef: { namespace: NAMESPACE, name: claim },
          hostPath: { path, type: 'Directory' },
        },
      };
    }),
  ];
}

function secret(name: string, data: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: NAMESPACE },
    type: 'Opaque',
    stringData: data,
  };
}

function random(bytes: number, encoding: BufferEncoding): string {
  return execFileSync('openssl', ['rand', encoding === 'hex' ? '-hex' : '-base64', String(bytes)], {
    encoding: 'utf8',
  }).trim();
}

/** What the platform engineer creates before `helm install` (charts/emr-network/README.md). */
function platformSecrets(registrarPasswords: Map<string, string>): KubeObject[] {
  for (const org of ['orderer', 'provider1', 'provider2']) registrarPasswords.set(org, random(16, 'hex'));
  return [
    ...[...registrarPasswords].map(([org, password]) => secret(`ca-${org}-registrar`, { secret: password })),
    ...['provider1', 'provider2'].map((provider) =>
      secret(`gateway-${provider}-keys`, {
        'jwt-key': random(32, 'hex'),
        'key-encryption-key': random(32, 'base64'),
      }),
    ),
  ];
}

/** The registrar step as a Job with the operator image: reads and writes Secrets and ConfigMaps of the namespace. */
/** The bootstrap Jobs' account: reads and writes Secrets and ConfigMaps of the namespace. */
function bootstrapAccess(): KubeObject[] {
  const name = BOOTSTRAP_ACCOUNT;
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: NAMESPACE } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name, namespace: NAMESPACE },
      rules: [{ apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['get', 'create', 'patch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name, namespace: NAMESPACE },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: NAMESPACE }],
    },
  ];
}

/** A step of operator/src/bootstrap/cli.ts as a Job with the operator image. */
function bootstrapJob(name: string, step: string[]): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      backoffLimit: 0,
      template: {
        // The CAs', orderers' and peers' NetworkPolicies admit the operator's pods.
        metadata: { labels: { 'app.kubernetes.io/name': 'emr-operator' } },
        spec: {
          serviceAccountName: BOOTSTRAP_ACCOUNT,
          restartPolicy: 'Never',
          securityContext: { runAsNonRoot: true },
          containers: [
            {
              name: 'bootstrap',
              image: findImage('operator').ref,
              imagePullPolicy: 'Never',
              args: ['node', '/app/dist/bootstrap/cli.js', ...step],
              env: [{ name: 'EMR_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    },
  };
}

async function jobSucceeds(client: KubeClient, name: string, timeoutMs: number): Promise<void> {
  await waitFor(
    `job ${name} complete`,
    async () => {
      const status = (await client.get<JobLike>(`/apis/batch/v1/namespaces/${NAMESPACE}/jobs/${name}`))
        ?.status;
      if ((status?.failed ?? 0) > 0) throw new Error(`job ${name} failed`);
      return (status?.succeeded ?? 0) > 0 ? true : undefined;
    },
    timeoutMs,
  );
}

function getFromHost(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { rejectUnauthorized: false, timeout: 5000 }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', reject);
    req.end();
  });
}

/** A JSON request to the gateway through its NodePort, verified against the org's CA (the gateway's certificate names localhost). */
function gatewayCall(
  path: string,
  trust: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(
      `https://localhost:${GATEWAY_NODE_PORT}${path}`,
      {
        method: 'POST',
        ca: trust,
        timeout: 30_000,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body: text });
        });
      },
    );
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', reject);
    req.end(payload);
  });
}

function isReady(pod: PodLike): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

describe('the emr-network chart on the one-node cluster', () => {
  let root = '';
  let cluster: Cluster;
  let hostBefore: HostState;
  let client: KubeClient;
  let kubeconfig = '';
  let down = false;
  const registrarPasswords = new Map<string, string>();

  const kube = (args: string[]): string =>
    helm([...args, '--kubeconfig', kubeconfig, '--namespace', NAMESPACE]);

  let test: TestCluster | undefined;

  beforeAll(async () => {
    test = await prepareTestCluster('network-on-node');
    ({ root, cluster, hostBefore } = test);
  }, 10 * MINUTES);

  afterAll(async () => {
    await removeTestCluster(test, down);
  }, 5 * MINUTES);

  it(
    'comes up with the images the chart uses',
    async () => {
      await cluster.up({ importBuiltImages: false });
      client = await cluster.client();
      kubeconfig = cluster.layout.kubeconfig;
      expect(existsSync(kubeconfig)).toBe(true);
      await cluster.images([
        'node',
        'fabric-ca',
        'fabric-orderer',
        'fabric-peer',
        'chaincode',
        'gateway',
        'operator',
      ]);
    },
    15 * MINUTES,
  );

  it(
    'installs the chart: every pod Ready after the registrar step, identities enrolled by the workloads',
    async () => {
      await cluster.apply([
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
        ...hostPathVolumes(join(root, 'volumes')),
        ...platformSecrets(registrarPasswords),
      ]);
      kube([
        'install',
        RELEASE,
        join(REPO_ROOT, 'charts', 'emr-network'),
        '--values',
        join(REPO_ROOT, 'charts', 'emr-network', 'values-local-images.yaml'),
        '--set',
        'imagePullPolicy=Never',
        '--set',
        `storage.className=${STORAGE_CLASS}`,
      ]);
      await cluster.apply([...bootstrapAccess(), bootstrapJob('emr-registrar', [])]);
      await jobSucceeds(client, 'emr-registrar', 5 * MINUTES);
      const pods = await waitFor(
        `${PODS} pods of the chart Ready`,
        async () => {
          const list = await client.list<PodLike>(
            `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=${encodeURIComponent(PART_OF)}`,
          );
          return list.length === PODS && list.every(isReady) ? list : undefined;
        },
        6 * MINUTES,
      );
      expect(pods).toHaveLength(PODS);
    },
    12 * MINUTES,
  );

  it(
    'answers through a NodePort on loopback',
    async () => {
      await cluster.apply([
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'ca-provider1-nodeport', namespace: NAMESPACE },
          spec: {
            type: 'NodePort',
            selector: { 'app.kubernetes.io/instance': 'ca-provider1', 'app.kubernetes.io/name': 'fabric-ca' },
            ports: [{ port: 7054, targetPort: 7054, nodePort: CA_NODE_PORT }],
          },
        },
      ]);
      const info = await waitFor(
        'GET /cainfo through the NodePort',
        async () => {
          const response = await getFromHost(`https://127.0.0.1:${CA_NODE_PORT}/cainfo`);
          return response.status === 200 ? response : undefined;
        },
        MINUTES,
      );
      expect(JSON.parse(info.body)).toMatchObject({ success: true, result: { CAName: 'ca-provider1' } });
      await client.delete(`/api/v1/namespaces/${NAMESPACE}/services/ca-provider1-nodeport`);
    },
    3 * MINUTES,
  );

  it(
    'creates the channel and commits the chaincode with the channel step as a Job',
    async () => {
      await cluster.apply([bootstrapJob('emr-channel', ['channel'])]);
      try {
        await jobSucceeds(client, 'emr-channel', 8 * MINUTES);
      } finally {
        const [pod] = await client.list<PodLike>(
          `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=${encodeURIComponent('job-name=emr-channel')}`,
        );
        if (pod) {
          const log = await client.call(
            'GET',
            `/api/v1/namespaces/${NAMESPACE}/pods/${pod.metadata.name}/log`,
          );
          process.stdout.write(`emr-channel log:\n${log.body}\n`);
        }
      }
    },
    10 * MINUTES,
  );

  it(
    "admits a patient (a CreateEmr transaction) through provider1's gateway Service, reached via a NodePort on loopback",
    async () => {
      await cluster.apply([
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'gateway-provider1-nodeport', namespace: NAMESPACE },
          spec: {
            type: 'NodePort',
            selector: {
              'app.kubernetes.io/name': 'emr-gateway',
              'app.kubernetes.io/instance': 'gateway-provider1',
            },
            ports: [{ port: 8443, targetPort: 8443, nodePort: GATEWAY_NODE_PORT }],
          },
        },
      ]);
      const trust =
        (
          await client.get<{ data?: Record<string, string> }>(
            `/api/v1/namespaces/${NAMESPACE}/configmaps/ca-provider1-trust`,
          )
        )?.data?.['ca.pem'] ?? '';
      const login = async (username: string, password: string): Promise<string> => {
        const response = await gatewayCall('/api/v1/auth/login', trust, { username, password });
        if (response.status !== 200)
          throw new Error(`login ${username}: ${response.status} ${response.body}`);
        return (JSON.parse(response.body) as { token: string }).token;
      };
      const admin = await waitFor(
        'admin login through the NodePort',
        () => login('registrar', registrarPasswords.get('provider1') ?? '').catch(() => undefined),
        MINUTES,
      );
      const user = await gatewayCall(
        '/api/v1/users',
        trust,
        { username: 'hc-desk', role: 'healthcenter' },
        admin,
      );
      expect(user.status).toBe(201);
      const healthcenter = await login(
        'hc-desk',
        (JSON.parse(user.body) as { enrollmentSecret: string }).enrollmentSecret,
      );
      const admitted = await gatewayCall(
        '/api/v1/patients',
        trust,
        { patientId: 'ab-1234', name: 'Alice Example', birthDate: '1980-02-29' },
        healthcenter,
      );
      expect({ status: admitted.status, body: admitted.body }).toMatchObject({ status: 201 });
      expect(JSON.parse(admitted.body)).toMatchObject({ org: 'Provider1MSP' });
    },
    5 * MINUTES,
  );

  it(
    "is uninstalled by helm: none of the chart's objects remain",
    async () => {
      kube(['uninstall', RELEASE, '--wait', '--timeout', '3m']);
      const remaining = await waitFor(
        'pods gone',
        async () => {
          const pods = await client.list<PodLike>(`/api/v1/namespaces/${NAMESPACE}/pods`);
          return pods.filter(
            (p) =>
              p.metadata.name !== '' &&
              !p.metadata.name.startsWith('emr-registrar') &&
              !p.metadata.name.startsWith('emr-channel'),
          ).length === 0
            ? true
            : undefined;
        },
        3 * MINUTES,
      );
      expect(remaining).toBe(true);
      for (const kind of ['statefulsets', 'deployments']) {
        expect(
          await client.list(`/apis/apps/v1/namespaces/${NAMESPACE}/${kind}?labelSelector=${PART_OF}`),
        ).toEqual([]);
      }
      expect(await client.list(`/api/v1/namespaces/${NAMESPACE}/services?labelSelector=${PART_OF}`)).toEqual(
        [],
      );
      expect(
        await client.list(
          `/apis/networking.k8s.io/v1/namespaces/${NAMESPACE}/networkpolicies?labelSelector=${PART_OF}`,
        ),
      ).toEqual([]);
      // The StatefulSets' claims stay by design (Kubernetes keeps volumeClaimTemplates' claims); the Deployments'
      // claims are the chart's and go with it.
      const claims = await client.list<PodLike>(`/api/v1/namespaces/${NAMESPACE}/persistentvolumeclaims`);
      expect(claims.map((c) => c.metadata.name).sort()).toEqual(
        CLAIMS.filter((c) => c.startsWith('data-')).sort(),
      );
    },
    5 * MINUTES,
  );

  it(
    'goes down and leaves the host as it was',
    async () => {
      const differences = await cluster.down();
      down = true;
      expect(differences).toEqual([]);
      expect(diffHostState(hostBefore, await captureHostState())).toEqual([]);
      expect(existsSync(root)).toBe(false);
    },
    5 * MINUTES,
  );
});
