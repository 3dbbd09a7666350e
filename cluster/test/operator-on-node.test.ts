/**
 * The operator on the real one-node cluster (issue 8): up → images → `helm install` of charts/emr-operator (the
 * operator runs as a pod with the chart's RBAC) → the example resources (charts/emr-operator/examples, the files
 * `make kind-up` applies): an EmrNetwork and its two founding MedicalProviders, with their registrar Secrets and
 * hostPath volumes bound in advance → the ordering service, the channel and both founders Ready from resources
 * alone → provider3 applied; the operator pod is deleted in the middle of its onboarding and provider3 still
 * reaches Ready, admitted by a channel update both founders signed → a healthcenter user of provider3 admits a
 * patient (CreateEmr) through provider3's gateway, and a physician of provider1 reads it after the sharing
 * workflow (owner's and patient's consent) → spec.chaincode.version bumped on all three providers: each rolls its
 * chaincode server to the new package ID, sequence 2 is committed, provider3's gateway still serves → provider4, whom the founders' consent policies refuse, stops at
 * ChannelMembershipApproved=False/ConsentRefused → the CRDs reject invalid resources with their messages →
 * printer columns → deletion cleans up, `helm uninstall` → down, the host as before.
 *
 * Prints how long each provider took from apply to Ready, by step (the conditions' lastTransitionTime).
 * Needs root; refuses to run while another cluster is up. Run it under `flock /tmp/emr-cluster.lock`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import type { Cluster } from '../src/cluster';
import { findImage } from '../src/images/catalog';
import { waitFor, type KubeClient, type KubeObject } from '../src/kube-client';
import { REPO_ROOT } from '../src/settings';
import {
  gatewayCall,
  hostPathVolumes,
  isReady,
  random,
  type GatewayAnswer,
  type PodLike,
} from './support/node-kit';
import {
  CLEANLY_DOWN,
  prepareTestCluster,
  removeTestCluster,
  takeDown,
  type TestCluster,
} from './support/test-cluster';

const MINUTES = 60_000;
const SYSTEM_NAMESPACE = 'emr-system';
const RELEASE = 'emr-operator';
const NETWORK_NAMESPACE = 'emr-orderer';
const STORAGE_CLASS = 'emr-hostpath';
const EXAMPLES = join(REPO_ROOT, 'charts', 'emr-operator', 'examples');
const API = 'emr-fabric.dev/v1alpha1';
/** NodePorts of the gateways of provider1 and provider3 on 127.0.0.1. */
const GATEWAY_PORTS: Readonly<Record<string, number>> = { provider1: 30781, provider3: 30783 };

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}
interface Resource extends KubeObject {
  metadata: KubeObject['metadata'] & { creationTimestamp?: string; uid?: string };
  status?: {
    phase?: string;
    signatures?: string;
    signedBy?: string[];
    conditions?: Condition[];
    chaincode?: { packageId?: string };
  };
}

const providerNamespace = (name: string): string => `emr-${name}`;

/** A call to a provider's gateway through its NodePort. */
function callGateway(
  provider: string,
  trust: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string } = {},
): Promise<GatewayAnswer> {
  return gatewayCall(GATEWAY_PORTS[provider] ?? 0, trust, method, path, options);
}

function tool(name: 'helm' | 'kubectl'): string {
  return join(process.env['EMR_TOOLS_DIR'] ?? '', 'bin', name);
}

function examples(file: string): Resource[] {
  return parseAllDocuments(readFileSync(join(EXAMPLES, file), 'utf8')).map((d) => d.toJS() as Resource);
}

/** The claims the operator's renderings make in a namespace: the ordering org's, or a provider's. */
function claimsOf(namespace: string): string[] {
  if (namespace === NETWORK_NAMESPACE)
    return ['data-ca-orderer-0', 'data-orderer-0', 'data-orderer-1', 'data-orderer-2'];
  const org = namespace.replace(/^emr-/, '');
  return [`data-ca-${org}-0`, `data-peer0-${org}-0`, `gateway-${org}-data`];
}

/** The default StorageClass and a hostPath volume bound in advance to every claim of these namespaces. */
function volumesFor(root: string, namespaces: readonly string[]): KubeObject[] {
  const claims = namespaces.flatMap((namespace) => claimsOf(namespace).map((name) => ({ namespace, name })));
  return hostPathVolumes(root, STORAGE_CLASS, claims, { isDefault: true });
}

function registrarSecret(namespace: string, org: string, password: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `ca-${org}-registrar`, namespace },
    type: 'Opaque',
    stringData: { secret: password },
  };
}

function gatewayNodePort(provider: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `gateway-${provider}-nodeport`, namespace: providerNamespace(provider) },
    spec: {
      type: 'NodePort',
      selector: {
        'app.kubernetes.io/name': 'emr-gateway',
        'app.kubernetes.io/instance': `gateway-${provider}`,
      },
      ports: [{ port: 8443, targetPort: 8443, nodePort: GATEWAY_PORTS[provider] }],
    },
  };
}

/** `apply → condition True` per step, in seconds from the resource's creation. */
function durations(resource: Resource): string {
  const created = Date.parse(resource.metadata.creationTimestamp ?? '');
  const steps = (resource.status?.conditions ?? [])
    .filter((c) => c.status === 'True')
    .map((c) => ({ type: c.type, at: (Date.parse(c.lastTransitionTime) - created) / 1000 }))
    .sort((a, b) => a.at - b.at);
  return steps.map((s) => `${s.type} ${s.at.toFixed(0)}s`).join(', ');
}

describe('the operator on the one-node cluster', () => {
  let test: TestCluster | undefined;
  let root = '';
  let cluster: Cluster;
  let client: KubeClient;
  let kubeconfig = '';
  let down = false;
  const passwords = new Map<string, string>();
  /** provider3's CA root and its healthcenter's token, from the sharing workflow; used again after the upgrade. */
  let trust3 = '';
  let hc3 = '';
  const timings: string[] = [];

  const kubectl = (args: string[]): string =>
    execFileSync(tool('kubectl'), ['--kubeconfig', kubeconfig, ...args], {
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  /** kubectl with a manifest on stdin; its exit code and output, for what must fail. */
  const kubectlApply = (manifest: string): { status: number | null; output: string } => {
    const result = spawnSync(tool('kubectl'), ['--kubeconfig', kubeconfig, 'apply', '-f', '-'], {
      input: manifest,
      encoding: 'utf8',
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  };
  const helm = (args: string[]): string =>
    execFileSync(tool('helm'), [...args, '--kubeconfig', kubeconfig], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const provider = async (name: string): Promise<Resource | undefined> =>
    client.get<Resource>(
      `/apis/emr-fabric.dev/v1alpha1/namespaces/${providerNamespace(name)}/medicalproviders/${name}`,
    );
  const condition = async (name: string, type: string): Promise<Condition | undefined> =>
    (await provider(name))?.status?.conditions?.find((c) => c.type === type);
  const waitReady = (kind: string, name: string, namespace: string, timeout: string): void => {
    kubectl(['wait', '--for=condition=Ready', `${kind}/${name}`, '-n', namespace, `--timeout=${timeout}`]);
  };
  const trustOf = async (org: string): Promise<string> =>
    (
      await client.get<{ data?: Record<string, string> }>(
        `/api/v1/namespaces/${providerNamespace(org)}/configmaps/ca-${org}-trust`,
      )
    )?.data?.['ca.pem'] ?? '';
  const operatorPods = async (): Promise<PodLike[]> =>
    client.list<PodLike>(
      `/api/v1/namespaces/${SYSTEM_NAMESPACE}/pods?labelSelector=${encodeURIComponent('app.kubernetes.io/name=emr-operator')}`,
    );
  /** Registrar Secrets and the examples of one file, namespaces first. */
  const applyExample = async (file: string): Promise<number> => {
    // As cdk8s/scripts/kind.sh does: only the example's Namespaces carry the Pod Security label, so they go first.
    const applied = kubectl([
      'apply',
      '-f',
      join(EXAMPLES, file),
      '-l',
      'pod-security.kubernetes.io/enforce=restricted',
      '-o',
      'name',
    ]);
    const namespaces = applied
      .split('\n')
      .filter((line) => line.startsWith('namespace/'))
      .map((line) => line.slice('namespace/'.length));
    expect(namespaces).toEqual(
      examples(file)
        .filter((o) => o.kind === 'Namespace')
        .map((o) => o.metadata.name),
    );
    for (const namespace of namespaces) {
      const org = namespace.replace(/^emr-/, '');
      passwords.set(org, random(16));
      await cluster.apply([registrarSecret(namespace, org, passwords.get(org) ?? '')]);
    }
    const start = Date.now();
    kubectl(['apply', '-f', join(EXAMPLES, file)]);
    return start;
  };
  const dumpOnFailure = async (): Promise<void> => {
    try {
      process.stdout.write(kubectl(['get', 'emrnet,mp', '-A', '-o', 'wide']));
      process.stdout.write(kubectl(['get', 'pods', '-A', '-o', 'wide']));
      for (const pod of await operatorPods()) {
        const log = await client.call(
          'GET',
          `/api/v1/namespaces/${SYSTEM_NAMESPACE}/pods/${pod.metadata.name}/log?tailLines=60`,
        );
        process.stdout.write(`operator log ${pod.metadata.name}:\n${log.body}\n`);
      }
    } catch (error) {
      process.stdout.write(`(diagnostics failed: ${String(error)})\n`);
    }
  };

  const dumpPodLogs = async (namespace: string): Promise<void> => {
    for (const pod of await client.list<PodLike & { spec: { containers: { name: string }[] } }>(
      `/api/v1/namespaces/${namespace}/pods`,
    )) {
      for (const container of pod.spec.containers) {
        const log = await client.call(
          'GET',
          `/api/v1/namespaces/${namespace}/pods/${pod.metadata.name}/log?container=${container.name}&tailLines=40`,
        );
        process.stdout.write(`--- ${pod.metadata.name}/${container.name}:\n${log.body}\n`);
      }
    }
  };

  beforeAll(async () => {
    test = await prepareTestCluster('operator-on-node');
    ({ root, cluster } = test);
  }, 10 * MINUTES);

  afterAll(async () => {
    if (timings.length > 0)
      process.stdout.write(`\nonboarding durations (apply → condition True):\n${timings.join('\n')}\n`);
    await removeTestCluster(test, down);
  }, 5 * MINUTES);

  it(
    'comes up with the images the operator runs',
    async () => {
      await cluster.up({ importBuiltImages: false });
      client = await cluster.client();
      kubeconfig = cluster.layout.kubeconfig;
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
    'installs the operator with its chart: one pod, Ready, with the chart RBAC',
    async () => {
      const image = (name: string): { repository: string; tag: string } => {
        const ref = findImage(name).ref;
        const colon = ref.lastIndexOf(':');
        return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) };
      };
      const values = join(root, 'operator-values.json');
      writeFileSync(
        values,
        JSON.stringify({
          image: { ...image('operator'), pullPolicy: 'Never' },
          workloadImages: {
            ca: image('fabric-ca'),
            orderer: image('fabric-orderer'),
            peer: image('fabric-peer'),
            chaincode: image('chaincode'),
            gateway: image('gateway'),
            tools: image('operator'),
          },
          workloadPullPolicy: 'Never',
        }),
      );
      await cluster.apply(
        volumesFor(join(root, 'volumes'), [
          NETWORK_NAMESPACE,
          ...['provider1', 'provider2', 'provider3', 'provider4'].map(providerNamespace),
        ]),
      );
      helm([
        'install',
        RELEASE,
        join(REPO_ROOT, 'charts', 'emr-operator'),
        '--namespace',
        SYSTEM_NAMESPACE,
        '--create-namespace',
        '--values',
        values,
        '--wait',
        '--timeout',
        '3m',
      ]);
      const pods = await operatorPods();
      expect(pods).toHaveLength(1);
      expect(pods.every(isReady)).toBe(true);
    },
    5 * MINUTES,
  );

  it(
    'brings up the ordering service, the channel and both founders from the example resources alone',
    async () => {
      const applied = await applyExample('emr-network.yaml');
      try {
        for (const name of ['provider1', 'provider2'])
          waitReady('medicalprovider', name, providerNamespace(name), '8m');
        waitReady('emrnetwork', 'emr', NETWORK_NAMESPACE, '1m');
      } catch (error) {
        await dumpOnFailure();
        throw error;
      }
      timings.push(
        `network + founders: both Ready ${((Date.now() - applied) / 1000).toFixed(0)}s after apply`,
      );
      for (const name of ['provider1', 'provider2']) {
        const founder = await provider(name);
        timings.push(`${name} (founder): ${founder ? durations(founder) : '?'}`);
        // A founder is a member by the genesis block: nobody had to sign for it.
        expect(
          founder?.status?.conditions?.find((c) => c.type === 'ChannelMembershipApproved'),
        ).toMatchObject({
          status: 'True',
          reason: 'Member',
        });
      }
      const network = await client.get<Resource & { status?: { members?: string[] } }>(
        `/apis/emr-fabric.dev/v1alpha1/namespaces/${NETWORK_NAMESPACE}/emrnetworks/emr`,
      );
      expect(network?.status?.members).toEqual(['Provider1MSP', 'Provider2MSP']);
      timings.push(`EmrNetwork emr: ${network ? durations(network) : '?'}`);
      const events = await client.list<{ reason: string; involvedObject: { kind: string } }>(
        `/api/v1/namespaces/${NETWORK_NAMESPACE}/events`,
      );
      expect(events.filter((e) => e.involvedObject.kind === 'EmrNetwork').map((e) => e.reason)).toEqual(
        expect.arrayContaining(['ChannelJoinedByOrderers', 'Created', 'Ready']),
      );
      // What the operator generated for the founders' gateways: keys in their own namespaces, owned by them.
      const keys = await client.get<Resource & { metadata: { ownerReferences?: { kind: string }[] } }>(
        `/api/v1/namespaces/${providerNamespace('provider1')}/secrets/gateway-provider1-keys`,
      );
      expect(keys?.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'MedicalProvider' })]);
    },
    10 * MINUTES,
  );

  it(
    'onboards provider3 with no manual step, across a deletion of the operator pod mid-onboarding',
    async () => {
      const applied = await applyExample('provider3.yaml');
      const [before] = await operatorPods();
      // Mid-onboarding: its identities are enrolled, its peers and the channel update are still to come.
      await waitFor(
        'provider3 IdentitiesEnrolled',
        async () =>
          (await condition('provider3', 'IdentitiesEnrolled'))?.status === 'True' ? true : undefined,
        5 * MINUTES,
        1000,
      );
      expect((await condition('provider3', 'Ready'))?.status).not.toBe('True');
      kubectl(['delete', 'pod', '-n', SYSTEM_NAMESPACE, before?.metadata.name ?? '', '--wait=false']);
      const replacement = await waitFor(
        'a new operator pod Ready',
        async () => (await operatorPods()).find((p) => p.metadata.uid !== before?.metadata.uid && isReady(p)),
        3 * MINUTES,
        1000,
      );
      expect(replacement.metadata.name).not.toBe(before?.metadata.name);
      try {
        waitReady('medicalprovider', 'provider3', providerNamespace('provider3'), '8m');
      } catch (error) {
        await dumpOnFailure();
        throw error;
      }
      const onboarded = await provider('provider3');
      timings.push(
        `provider3 (joined by channel update): Ready ${((Date.now() - applied) / 1000).toFixed(0)}s after apply; ` +
          (onboarded ? durations(onboarded) : '?'),
      );
    },
    12 * MINUTES,
  );

  it('admitted provider3 by a channel update both founders signed, and runs its pods', async () => {
    const onboarded = await provider('provider3');
    expect(onboarded?.status).toMatchObject({ phase: 'Ready', signatures: '2/2' });
    expect([...(onboarded?.status?.signedBy ?? [])].sort()).toEqual(['Provider1MSP', 'Provider2MSP']);
    expect(onboarded?.status?.conditions?.find((c) => c.type === 'ChannelMembershipApproved')).toMatchObject({
      status: 'True',
      reason: 'SignaturesCollected',
    });
    const pods = await client.list<PodLike>(`/api/v1/namespaces/${providerNamespace('provider3')}/pods`);
    const ready = pods.filter(isReady).map((p) => p.metadata.name);
    expect(ready).toEqual(expect.arrayContaining(['ca-provider3-0', 'peer0-provider3-0']));
    for (const deployment of ['chaincode-provider3-', 'gateway-provider3-']) {
      expect(ready.some((name) => name.startsWith(deployment))).toBe(true);
    }
    // The audit trail: each signer's resource has an Event for its signature.
    const events = await client.list<{ reason: string; message: string }>(
      `/api/v1/namespaces/${providerNamespace('provider1')}/events?fieldSelector=${encodeURIComponent('reason=SignedChannelUpdate')}`,
    );
    expect(events.map((e) => e.message).join('\n')).toContain('admitting Provider3MSP');
  });

  it(
    "serves provider3's users: a healthcenter admits a patient, and provider1's physician reads the EMR once shared",
    async () => {
      await cluster.apply([gatewayNodePort('provider1'), gatewayNodePort('provider3')]);
      const trust1 = await trustOf('provider1');
      trust3 = await trustOf('provider3');
      const login = async (
        org: string,
        trust: string,
        username: string,
        password: string,
      ): Promise<string> => {
        const answer = await callGateway(org, trust, 'POST', '/api/v1/auth/login', {
          body: { username, password },
        });
        if (answer.status !== 200)
          throw new Error(`login ${username}: ${answer.status} ${JSON.stringify(answer.body)}`);
        return String(answer.body['token']);
      };
      const staff = async (org: string, trust: string, username: string, role: string): Promise<string> => {
        const admin = await waitFor(
          `${org} registrar login`,
          () => login(org, trust, 'registrar', passwords.get(org) ?? '').catch(() => undefined),
          MINUTES,
          1000,
        );
        const user = await callGateway(org, trust, 'POST', '/api/v1/users', {
          token: admin,
          body: { username, role },
        });
        expect(user.status).toBe(201);
        return login(org, trust, username, String(user.body['enrollmentSecret']));
      };
      hc3 = await staff('provider3', trust3, 'hc-sara', 'healthcenter');
      const phys1 = await staff('provider1', trust1, 'dr-bert', 'physician');

      const answer = await callGateway('provider3', trust3, 'POST', '/api/v1/patients', {
        token: hc3,
        body: { patientId: 'p-carol-3', name: 'Carol Example', birthDate: '1975-07-14' },
      });
      expect({ status: answer.status, org: answer.body['org'] }).toEqual({
        status: 201,
        org: 'Provider3MSP',
      });
      const admitted = answer.body as { emrId: string; username: string; enrollmentSecret: string };
      const carol = await login('provider3', trust3, admitted.username, admitted.enrollmentSecret);

      const asked = await callGateway('provider1', trust1, 'POST', '/api/v1/access-requests', {
        token: phys1,
        body: { patientId: 'p-carol-3', ownerOrg: 'Provider3MSP' },
      });
      expect(asked).toMatchObject({ status: 201, body: { status: 'PENDING' } });
      const requestId = String(asked.body['requestId']);
      const readShared = (): Promise<GatewayAnswer> =>
        callGateway('provider1', trust1, 'GET', '/api/v1/shared-emrs/Provider3MSP/P-CAROL-3', {
          token: phys1,
        });
      expect((await readShared()).status).toBe(403);
      const authorized = await callGateway(
        'provider3',
        trust3,
        'POST',
        `/api/v1/access-requests/${requestId}/authorize`,
        {
          token: hc3,
        },
      );
      expect(authorized.body).toMatchObject({ ownerApproved: true });
      const approved = await callGateway(
        'provider3',
        trust3,
        'POST',
        `/api/v1/me/access-requests/${requestId}/approve`,
        {
          token: carol,
        },
      );
      expect(approved.body).toMatchObject({ status: 'GRANTED', patientApproved: true });
      const shared = await readShared();
      expect(shared.status).toBe(200);
      expect(shared.body).toMatchObject({ emrId: admitted.emrId, patient: { patientId: 'P-CAROL-3' } });
    },
    6 * MINUTES,
  );

  it(
    'upgrades the chaincode when spec.chaincode.version changes: new package in the pods, sequence 2, still serving',
    async () => {
      const members = ['provider1', 'provider2', 'provider3'];
      const patched = Date.now();
      for (const name of members) {
        kubectl([
          'patch',
          `medicalprovider/${name}`,
          '-n',
          providerNamespace(name),
          '--type=merge',
          '-p',
          '{"spec":{"chaincode":{"version":"2.0"}}}',
        ]);
      }
      try {
        for (const name of members) {
          const namespace = providerNamespace(name);
          // The summary is written with the approval; Ready, in that or a later write, once sequence 2 is committed.
          kubectl([
            'wait',
            '--for=jsonpath={.status.chaincode.summary}=emr:2',
            `medicalprovider/${name}`,
            '-n',
            namespace,
            '--timeout=4m',
          ]);
          waitReady('medicalprovider', name, namespace, '2m');
        }
      } catch (error) {
        await dumpOnFailure();
        throw error;
      }
      timings.push(
        `chaincode upgrade: all three Ready with emr:2 ${((Date.now() - patched) / 1000).toFixed(0)}s after the patch`,
      );
      for (const name of members) {
        const upgraded = await provider(name);
        const packageId = upgraded?.status?.chaincode?.packageId ?? '';
        expect(packageId).toMatch(/^emr_2\.0:[0-9a-f]{64}$/);
        // The rolled-out chaincode pods run the new package: the peers launch it by this ID.
        const pods = await client.list<
          PodLike & { spec: { containers: { env?: { name: string; value?: string }[] }[] } }
        >(
          `/api/v1/namespaces/${providerNamespace(name)}/pods?labelSelector=${encodeURIComponent(`app.kubernetes.io/instance=chaincode-${name}`)}`,
        );
        const live = pods.filter((pod) => pod.metadata.deletionTimestamp === undefined);
        expect(live.length).toBeGreaterThan(0);
        for (const pod of live) {
          const env = pod.spec.containers.flatMap((c) => c.env ?? []);
          expect(env.find((e) => e.name === 'CORE_CHAINCODE_ID')?.value).toBe(packageId);
        }
      }
      // A transaction endorsed by provider3's own peer, i.e. run by its upgraded chaincode server.
      const ready = Date.now();
      const attempts: string[] = [];
      const admit = async (): Promise<GatewayAnswer | undefined> => {
        const answer = await callGateway('provider3', trust3, 'POST', '/api/v1/patients', {
          token: hc3,
          body: { patientId: `p-dave-${attempts.length}`, name: 'Dave Example', birthDate: '1981-02-03' },
        });
        const detail = answer.status === 201 ? '' : ` ${JSON.stringify(answer.body)}`;
        attempts.push(`${answer.status} at ${((Date.now() - ready) / 1000).toFixed(1)}s${detail}`);
        if (answer.status !== 201 && attempts.length === 1) await dumpPodLogs(providerNamespace('provider3'));
        return answer.status === 201 ? answer : undefined;
      };
      const answer = await waitFor('provider3 admits a patient after the upgrade', admit, 2 * MINUTES, 1000);
      timings.push(`after the upgrade, provider3's gateway admits: ${attempts.join(', ')}`);
      expect(answer.body['org']).toBe('Provider3MSP');
      // Ready means serving: the first request succeeds (later attempts only say how long a failure lasted).
      expect(attempts[0]).toMatch(/^201 /);
    },
    8 * MINUTES,
  );

  it(
    "stops provider4 at ChannelMembershipApproved=False/ConsentRefused: the founders' allow lists refuse it",
    async () => {
      const namespace = providerNamespace('provider4');
      await cluster.apply([
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
        },
        registrarSecret(namespace, 'provider4', random(16)),
      ]);
      const manifest = writeManifest(root, 'provider4.json', {
        apiVersion: API,
        kind: 'MedicalProvider',
        metadata: { name: 'provider4', namespace },
        spec: {
          mspId: 'Provider4MSP',
          displayName: 'Riverside Clinic',
          network: { name: 'emr', namespace: NETWORK_NAMESPACE },
          ca: { registrarSecretRef: { name: 'ca-provider4-registrar' } },
          gateway: { replicas: 0 },
          consentPolicy: { mode: 'Automatic' },
        },
      });
      kubectl(['apply', '-f', manifest]);
      try {
        kubectl([
          'wait',
          '--for=jsonpath={.status.conditions[?(@.type=="ChannelMembershipApproved")].reason}=ConsentRefused',
          'medicalprovider/provider4',
          '-n',
          namespace,
          '--timeout=6m',
        ]);
      } catch (error) {
        await dumpOnFailure();
        throw error;
      }
      const refused = await provider('provider4');
      expect(refused?.status?.phase).toBe('Failed');
      const approval = refused?.status?.conditions?.find((c) => c.type === 'ChannelMembershipApproved');
      expect(approval?.status).toBe('False');
      expect(approval?.message).toMatch(/Provider1MSP, Provider2MSP refuse to admit Provider4MSP/);
      // The Event follows the status write that the wait above saw.
      const warning = await waitFor(
        'the ConsentRefused Warning Event',
        async () =>
          (
            await client.list<{ type: string; reason: string }>(
              `/api/v1/namespaces/${namespace}/events?fieldSelector=${encodeURIComponent('reason=ConsentRefused')}`,
            )
          ).find((e) => e.type === 'Warning'),
        MINUTES,
        1000,
      );
      expect(warning.reason).toBe('ConsentRefused');
      // Deleting it removes what the operator made for it; the channel never knew it.
      kubectl(['delete', 'medicalprovider/provider4', '-n', namespace, '--timeout=3m']);
      expect(await client.list(`/apis/apps/v1/namespaces/${namespace}/statefulsets`)).toEqual([]);
    },
    10 * MINUTES,
  );

  it('rejects invalid resources with the CRD messages', () => {
    const invalidProvider = JSON.stringify({
      apiVersion: API,
      kind: 'MedicalProvider',
      metadata: { name: 'provider9', namespace: providerNamespace('provider3') },
      spec: {
        mspId: 'Provider9MSP',
        displayName: 'Nowhere',
        network: { name: 'emr', namespace: NETWORK_NAMESPACE },
        ca: { registrarSecretRef: { name: 'ca-provider9-registrar' } },
        consentPolicy: { mode: 'AllowList' },
      },
    });
    const provider9 = kubectlApply(invalidProvider);
    expect(provider9.status).not.toBe(0);
    expect(provider9.output).toContain(
      'consentPolicy.allowedMspIds must list at least one MSP ID when mode is AllowList',
    );
    const emrNetwork = (spec: Record<string, unknown>): string =>
      JSON.stringify({
        apiVersion: API,
        kind: 'EmrNetwork',
        metadata: { name: 'other', namespace: NETWORK_NAMESPACE },
        spec: {
          ordererOrg: { caRegistrarSecretRef: { name: 'x' } },
          foundingMembers: ['Provider1MSP'],
          ...spec,
        },
      });
    const noFounders = kubectlApply(emrNetwork({ foundingMembers: [] }));
    expect(noFounders.status).not.toBe(0);
    expect(noFounders.output).toContain('spec.foundingMembers');
    const evenRaft = kubectlApply(emrNetwork({ orderers: { replicas: 2 } }));
    expect(evenRaft.status).not.toBe(0);
    expect(evenRaft.output).toContain('orderers.replicas must be odd for Raft');
  });

  it('shows the printer columns', () => {
    const providers = kubectl(['get', 'mp', '-A']);
    process.stdout.write(`${providers}\n`);
    const header = providers.split('\n')[0] ?? '';
    for (const column of ['MSP ID', 'PHASE', 'CHANNEL', 'JOINED', 'CHAINCODE', 'SIGS', 'AGE']) {
      expect(header).toContain(column);
    }
    expect(providers).toMatch(/provider3\s+Provider3MSP\s+Ready\s+emr\s+1\/1\s+emr:2\s+2\/2/);
    const networks = kubectl(['get', 'emrnet', '-A']);
    process.stdout.write(`${networks}\n`);
    expect(networks).toMatch(/emr\s+emr\s+3\s+Ready\s+.*Provider1MSP.*Provider2MSP/);
  });

  it(
    'cleans up: deleting the resources removes their workloads, and helm uninstalls the operator',
    async () => {
      for (const name of ['provider3', 'provider2', 'provider1']) {
        kubectl(['delete', `medicalprovider/${name}`, '-n', providerNamespace(name), '--timeout=3m']);
      }
      kubectl(['delete', 'emrnetwork/emr', '-n', NETWORK_NAMESPACE, '--timeout=3m']);
      helm(['uninstall', RELEASE, '--namespace', SYSTEM_NAMESPACE, '--wait', '--timeout', '3m']);
      for (const namespace of [
        NETWORK_NAMESPACE,
        ...['provider1', 'provider2', 'provider3'].map(providerNamespace),
      ]) {
        await waitFor(
          `no pods left in ${namespace}`,
          async () =>
            (await client.list<PodLike>(`/api/v1/namespaces/${namespace}/pods`)).length === 0
              ? true
              : undefined,
          3 * MINUTES,
          1000,
        );
        expect(await client.list(`/apis/apps/v1/namespaces/${namespace}/statefulsets`)).toEqual([]);
        expect(await client.list(`/apis/apps/v1/namespaces/${namespace}/deployments`)).toEqual([]);
        const secrets = await client.list<PodLike>(`/api/v1/namespaces/${namespace}/secrets`);
        // Only the platform engineer's registrar Secret stays.
        expect(secrets.map((s) => s.metadata.name)).toEqual([
          `ca-${namespace.replace(/^emr-/, '')}-registrar`,
        ]);
      }
      // helm waits for the Deployment to go; its pod goes after, by the garbage collector and its grace period.
      await waitFor(
        'the operator pod gone',
        async () => ((await operatorPods()).length === 0 ? true : undefined),
        2 * MINUTES,
        1000,
      );
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

function writeManifest(root: string, name: string, object: unknown): string {
  const file = join(root, name);
  writeFileSync(file, JSON.stringify(object));
  return file;
}
