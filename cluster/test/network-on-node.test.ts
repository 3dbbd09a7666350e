/**
 * The emr-network chart on the real one-node cluster (issue 7): up → images → hostPath volumes (a StorageClass
 * without provisioner, one PersistentVolume bound to each claim of the chart) → the platform engineer's Secrets →
 * `helm install --wait` and nothing else: the chart's registrar Job registers the identities, every workload
 * enrolls itself at its org's CA and becomes Ready, then the chart's post-install hook (the channel step) creates
 * the channel and commits the chaincode → a CA through a NodePort on loopback → orderer-0's pod recreated: it
 * reuses its stored credentials and `helm test` finds every orderer an active consenter → a patient admitted
 * (CreateEmr) through provider1's gateway Service via a NodePort on loopback → `helm upgrade` with a changed pod
 * template: a new registrar Job instead of a patched immutable one, every orderer and peer back with its stored
 * credentials, `helm test` green → `helm uninstall` leaves only the StatefulSets' claims and what the platform
 * engineer created → down, the host as before.
 *
 * Prints `[measure]` lines: durations of cluster up, images, helm install → all Ready, the channel step, and the
 * memory of the node and of the network's pods (kubelet stats summary).
 *
 * Needs root; refuses to run while another cluster (for example `make cluster-up`) is up.
 */
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { configtx } from '@emr/network';
import type { Cluster } from '../src/cluster';
import { waitFor, type KubeClient, type KubeObject } from '../src/kube-client';
import { REPO_ROOT } from '../src/settings';
import {
  gatewayCall,
  getFromHost,
  hostPathVolumes,
  isReady,
  jobSucceeds,
  random,
  type PodLike,
} from './support/node-kit';
import {
  CLEANLY_DOWN,
  prepareTestCluster,
  removeTestCluster,
  takeDown,
  type TestCluster,
} from './support/test-cluster';

const NAMESPACE = 'emr';
const RELEASE = 'emr';
const STORAGE_CLASS = 'emr-hostpath';
const CA_NODE_PORT = 30755;
const GATEWAY_NODE_PORT = 30756;
const MINUTES = 60_000;
const PART_OF = 'app.kubernetes.io/part-of=emr-network';
const BOOTSTRAP_PODS = 'app.kubernetes.io/component=bootstrap';
const REGISTRAR_JOB = 'emr-bootstrap-registrar-1';
const CHANNEL_JOB = 'emr-bootstrap-channel';
/** What the platform engineer creates; everything else in the namespace is the chart's. */
const PLATFORM_SECRETS = [
  'ca-orderer-registrar',
  'ca-provider1-registrar',
  'ca-provider2-registrar',
  'gateway-provider1-keys',
  'gateway-provider2-keys',
];

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

const run = promisify(execFile);

/** The helm binary of `make tools`; rejects with its output when it exits non-zero. */
async function helm(args: string[]): Promise<string> {
  const bin = join(process.env['EMR_TOOLS_DIR'] ?? '', 'bin', 'helm');
  try {
    const { stdout, stderr } = await run(bin, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    return stdout + stderr;
  } catch (error) {
    const e = error as { message: string; stdout?: string; stderr?: string };
    throw new Error(`helm ${args[0] ?? ''}: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, {
      cause: error,
    });
  }
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

/** Logs of the bootstrap pods (registrar and channel Jobs, the check Pod), for a failure's message. */
async function bootstrapLogs(client: KubeClient): Promise<string> {
  const pods = await client.list<PodLike>(
    `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=${encodeURIComponent(BOOTSTRAP_PODS)}`,
  );
  const logs = await Promise.all(
    pods.map(async (pod) => {
      const log = await client.call('GET', `/api/v1/namespaces/${NAMESPACE}/pods/${pod.metadata.name}/log`);
      return `--- ${pod.metadata.name}\n${log.body}`;
    }),
  );
  return logs.join('\n');
}

/** Everything namespaced that `helm uninstall` could leave, as `kind/name`. */
async function everythingIn(client: KubeClient, namespace: string): Promise<string[]> {
  const collections = [
    ['api/v1', 'pods'],
    ['api/v1', 'services'],
    ['api/v1', 'endpoints'],
    ['api/v1', 'configmaps'],
    ['api/v1', 'secrets'],
    ['api/v1', 'serviceaccounts'],
    ['api/v1', 'persistentvolumeclaims'],
    ['apis/discovery.k8s.io/v1', 'endpointslices'],
    ['apis/apps/v1', 'statefulsets'],
    ['apis/apps/v1', 'deployments'],
    ['apis/apps/v1', 'replicasets'],
    ['apis/apps/v1', 'controllerrevisions'],
    ['apis/batch/v1', 'jobs'],
    ['apis/networking.k8s.io/v1', 'networkpolicies'],
    ['apis/rbac.authorization.k8s.io/v1', 'roles'],
    ['apis/rbac.authorization.k8s.io/v1', 'rolebindings'],
    ['apis/policy/v1', 'poddisruptionbudgets'],
  ] as const;
  const found = await Promise.all(
    collections.map(async ([prefix, plural]) =>
      (await client.list<PodLike>(`/${prefix}/namespaces/${namespace}/${plural}`)).map(
        (o) => `${plural}/${o.metadata.name}`,
      ),
    ),
  );
  return found.flat().sort();
}

interface StatsSummary {
  node: { memory?: { workingSetBytes?: number; availableBytes?: number } };
  pods: { podRef: { name: string; namespace: string }; memory?: { workingSetBytes?: number } }[];
}

const mebibytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

describe('the emr-network chart on the one-node cluster', () => {
  let root = '';
  let cluster: Cluster;
  let client: KubeClient;
  let kubeconfig = '';
  let down = false;
  const registrarPasswords = new Map<string, string>();
  const measured: string[] = [];
  const measure = (line: string): void => {
    measured.push(line);
    process.stdout.write(`[measure] ${line}\n`);
  };

  const kube = (args: string[]): Promise<string> =>
    helm([...args, '--kubeconfig', kubeconfig, '--namespace', NAMESPACE]);
  const podsOfTheChart = (): Promise<PodLike[]> =>
    client.list<PodLike>(`/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=${encodeURIComponent(PART_OF)}`);

  let test: TestCluster | undefined;

  beforeAll(async () => {
    test = await prepareTestCluster('network-on-node');
    ({ root, cluster } = test);
  }, 10 * MINUTES);

  afterAll(async () => {
    if (measured.length > 0) process.stdout.write(`[measure] summary:\n  ${measured.join('\n  ')}\n`);
    await removeTestCluster(test, down);
  }, 5 * MINUTES);

  it(
    'comes up with the images the chart uses',
    async () => {
      const started = Date.now();
      await cluster.up({ importBuiltImages: false });
      measure(`cluster up: ${seconds(Date.now() - started)}`);
      client = await cluster.client();
      kubeconfig = cluster.layout.kubeconfig;
      expect(existsSync(kubeconfig)).toBe(true);
      const imagesStarted = Date.now();
      await cluster.images([
        'node',
        'fabric-ca',
        'fabric-orderer',
        'fabric-peer',
        'chaincode',
        'gateway',
        'operator',
      ]);
      measure(`images (build or reuse, import into containerd): ${seconds(Date.now() - imagesStarted)}`);
    },
    15 * MINUTES,
  );

  it(
    'is installed by `helm install --wait` alone: registrar Job, every pod Ready, channel step as post-install hook',
    async () => {
      await cluster.apply([
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
        ...hostPathVolumes(
          join(root, 'volumes'),
          STORAGE_CLASS,
          CLAIMS.map((name) => ({ namespace: NAMESPACE, name })),
        ),
        ...platformSecrets(registrarPasswords),
      ]);
      const started = Date.now();
      // Written by the install's and the watch's callbacks.
      const progress: { installing: boolean; allReadyAt?: number } = { installing: true };
      const install = kube([
        'install',
        RELEASE,
        join(REPO_ROOT, 'charts', 'emr-network'),
        '--values',
        join(REPO_ROOT, 'charts', 'emr-network', 'values-local-images.yaml'),
        '--set',
        'imagePullPolicy=Never',
        '--set',
        `storage.className=${STORAGE_CLASS}`,
        '--wait',
        '--timeout',
        '15m',
      ]).finally(() => {
        progress.installing = false;
      });
      // helm waits for every pod Ready, then runs the channel hook and waits for it: time both halves.
      const watch = (async (): Promise<void> => {
        while (progress.installing && progress.allReadyAt === undefined) {
          const pods = await podsOfTheChart().catch(() => []);
          if (pods.length === PODS && pods.every(isReady)) progress.allReadyAt = Date.now();
          await sleep(1000);
        }
      })();
      try {
        await install;
      } catch (error) {
        process.stdout.write(`bootstrap logs:\n${await bootstrapLogs(client)}\n`);
        throw error;
      }
      await watch;
      const done = Date.now();
      expect(progress.allReadyAt).toBeDefined();
      const ready = progress.allReadyAt ?? done;
      measure(`helm install → all ${PODS} pods Ready: ${seconds(ready - started)}`);
      measure(
        `channel step (post-install hook: all Ready → helm install returned): ${seconds(done - ready)}`,
      );
      measure(`helm install --wait in all: ${seconds(done - started)}`);

      const pods = await podsOfTheChart();
      expect(pods.filter(isReady)).toHaveLength(PODS);
      const registrar = await client.get<{ status?: { succeeded?: number } }>(
        `/apis/batch/v1/namespaces/${NAMESPACE}/jobs/${REGISTRAR_JOB}`,
      );
      expect(registrar?.status?.succeeded).toBe(1);
      // The hook Job succeeded (helm returned) and was deleted by its hook-delete-policy.
      expect(await client.get(`/apis/batch/v1/namespaces/${NAMESPACE}/jobs/${CHANNEL_JOB}`)).toBeUndefined();
      const status = await kube(['status', RELEASE]);
      expect(status).toContain('STATUS: deployed');
      // The channel step stored its genesis block on the anchor before any join: a retried step reuses it.
      const anchor = await client.get<{ binaryData?: Record<string, string> }>(
        `/api/v1/namespaces/${NAMESPACE}/configmaps/emr-bootstrap`,
      );
      const genesis = Buffer.from(anchor?.binaryData?.['genesis.block'] ?? '', 'base64');
      const config = configtx.readConfigFromBlock(genesis);
      expect(
        [
          ...(config.getChannelGroup()?.getGroupsMap().get('Application')?.getGroupsMap().keys() ?? []),
        ].sort(),
      ).toEqual(['Provider1MSP', 'Provider2MSP']);
    },
    20 * MINUTES,
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
    'keeps orderer-0 an active consenter when its pod is recreated (credentials kept on its volume; helm test)',
    async () => {
      const podPath = `/api/v1/namespaces/${NAMESPACE}/pods/orderer-0`;
      const before = await client.get<PodLike & { metadata: { uid: string } }>(podPath);
      expect(before).toBeDefined();
      await client.delete(podPath);
      await waitFor(
        'orderer-0 recreated and Ready',
        async () => {
          const pod = await client.get<PodLike & { metadata: { uid: string } }>(podPath);
          return pod && pod.metadata.uid !== before?.metadata.uid && isReady(pod) ? true : undefined;
        },
        5 * MINUTES,
        1000,
      );
      const enrollLog = (await client.call('GET', `${podPath}/log?container=enroll`)).body;
      expect(enrollLog).toContain('reused the credentials of orderer-0');
      // The chart's test Pod asks each orderer's channel participation API and exits non-zero unless every one
      // is an active consenter: a consenter that came back with a new TLS certificate would be a follower or
      // fail. (No --logs: helm deletes the succeeded Pod before it could read them.)
      const output = await waitFor(
        'helm test: every orderer an active consenter',
        () => kube(['test', RELEASE, '--timeout', '3m']),
        6 * MINUTES,
        5000,
      ).catch(async (error: unknown) => {
        process.stdout.write(`bootstrap logs:\n${await bootstrapLogs(client)}\n`);
        throw error;
      });
      process.stdout.write(`helm test:\n${output}\n`);
      expect(output).toMatch(/TEST SUITE: +emr-bootstrap-check[\s\S]*Phase: +Succeeded/);
    },
    12 * MINUTES,
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
        const response = await gatewayCall(GATEWAY_NODE_PORT, trust, 'POST', '/api/v1/auth/login', {
          body: { username, password },
        });
        if (response.status !== 200)
          throw new Error(`login ${username}: ${response.status} ${JSON.stringify(response.body)}`);
        return String(response.body.token);
      };
      const admin = await waitFor(
        'admin login through the NodePort',
        () => login('registrar', registrarPasswords.get('provider1') ?? '').catch(() => undefined),
        MINUTES,
      );
      const user = await gatewayCall(GATEWAY_NODE_PORT, trust, 'POST', '/api/v1/users', {
        token: admin,
        body: { username: 'hc-desk', role: 'healthcenter' },
      });
      expect(user.status).toBe(201);
      const healthcenter = await login('hc-desk', String(user.body.enrollmentSecret));
      const admitted = await gatewayCall(GATEWAY_NODE_PORT, trust, 'POST', '/api/v1/patients', {
        token: healthcenter,
        body: { patientId: 'ab-1234', name: 'Alice Example', birthDate: '1980-02-29' },
      });
      expect({ status: admitted.status, body: admitted.body }).toMatchObject({
        status: 201,
        body: { org: 'Provider1MSP' },
      });
      await client.delete(`/api/v1/namespaces/${NAMESPACE}/services/gateway-provider1-nodeport`);
    },
    5 * MINUTES,
  );

  it(
    "reports the memory of the node and of the network's pods (kubelet stats summary)",
    async () => {
      const [node] = await client.list<PodLike>('/api/v1/nodes');
      expect(node).toBeDefined();
      const summary = await client.get<StatsSummary>(
        `/api/v1/nodes/${node?.metadata.name ?? ''}/proxy/stats/summary`,
      );
      const pods = (summary?.pods ?? [])
        .filter((p) => p.podRef.namespace === NAMESPACE)
        .map((p) => ({ name: p.podRef.name, bytes: p.memory?.workingSetBytes ?? 0 }))
        .sort((a, b) => b.bytes - a.bytes);
      const total = pods.reduce((sum, p) => sum + p.bytes, 0);
      measure(
        `memory of the network's ${pods.length} pods (working set): ${mebibytes(total)} — ` +
          pods.map((p) => `${p.name} ${mebibytes(p.bytes)}`).join(', '),
      );
      const nodeMemory = summary?.node.memory;
      measure(
        `node memory: working set ${mebibytes(nodeMemory?.workingSetBytes ?? 0)}, available ${mebibytes(nodeMemory?.availableBytes ?? 0)}`,
      );
      expect(pods).toHaveLength(PODS);
      expect(pods.every((p) => p.bytes > 0)).toBe(true);
    },
    MINUTES,
  );

  it(
    'is upgraded by helm with a changed pod template: a new registrar Job, every node back with its credentials',
    async () => {
      // IfNotPresent changes every pod template (the images are in the node already): a Job of the same name
      // would fail to patch (immutable template); every StatefulSet and Deployment rolls its pods.
      const started = Date.now();
      await kube([
        'upgrade',
        RELEASE,
        join(REPO_ROOT, 'charts', 'emr-network'),
        '--reuse-values',
        '--set',
        'imagePullPolicy=IfNotPresent',
        '--wait',
        '--timeout',
        '10m',
      ]);
      measure(`helm upgrade (every pod recreated) → all Ready: ${seconds(Date.now() - started)}`);
      const jobs = await client.list<PodLike>(`/apis/batch/v1/namespaces/${NAMESPACE}/jobs`);
      expect(jobs.map((j) => j.metadata.name)).toEqual(['emr-bootstrap-registrar-2']);
      await jobSucceeds(client, NAMESPACE, 'emr-bootstrap-registrar-2', 3 * MINUTES);
      for (const node of ['orderer-0', 'orderer-1', 'orderer-2', 'peer0-provider1-0', 'peer0-provider2-0']) {
        const log = await client.call(
          'GET',
          `/api/v1/namespaces/${NAMESPACE}/pods/${node}/log?container=enroll`,
        );
        expect({ node, log: log.body }).toEqual({
          node,
          log: expect.stringContaining('reused the credentials'),
        });
      }
      const output = await kube(['test', RELEASE, '--timeout', '3m']);
      expect(output).toMatch(/Phase: +Succeeded/);
    },
    15 * MINUTES,
  );

  it(
    "is uninstalled by helm: nothing of the chart remains but the StatefulSets' claims",
    async () => {
      await kube(['uninstall', RELEASE, '--wait', '--timeout', '3m']);
      // What only the platform engineer and Kubernetes itself put there stays: their Secrets, the namespace's
      // default ServiceAccount and root-CA ConfigMap, and the StatefulSets' claims (Kubernetes keeps claims of
      // volumeClaimTemplates by design). The bootstrap's run-time objects go with the anchor they are owned by.
      const expected = [
        'configmaps/kube-root-ca.crt',
        ...CLAIMS.filter((c) => c.startsWith('data-')).map((c) => `persistentvolumeclaims/${c}`),
        ...PLATFORM_SECRETS.map((name) => `secrets/${name}`),
        'serviceaccounts/default',
      ].sort();
      let remaining: string[];
      const deadline = Date.now() + 3 * MINUTES;
      do {
        remaining = await everythingIn(client, NAMESPACE);
        if (JSON.stringify(remaining) === JSON.stringify(expected)) break;
        await sleep(2000);
      } while (Date.now() < deadline);
      expect(remaining).toEqual(expected);
    },
    8 * MINUTES,
  );

  it(
    'goes down and leaves the host as it was',
    async () => {
      if (!test) throw new Error('the test cluster was not prepared');
      const result = await takeDown(test);
      down = true;
      expect(result).toEqual(CLEANLY_DOWN);
    },
    5 * MINUTES,
  );
});
