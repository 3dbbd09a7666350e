// The controller against a real kube-apiserver (etcd + kube-apiserver 1.35 from `make tools`): CRD validation,
// finalizer, status through the /status subresource with conditions and observedGeneration, Events, backoff,
// restart, leader election with a Lease, deletion, probes and metrics. The onboarding steps are scripted here
// (a fake of the Fabric side, whose own steps are proven against devnet in onboarding.test.ts): what is under
// test is the controller's behaviour towards Kubernetes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getOrCreateSecret } from '@emr/network';
import { FINALIZER, type StepConditionType } from '../src/api/medical-provider';
import { MEDICAL_PROVIDERS } from '../src/api/resources';
import { KubeApiError } from '../src/kube/errors';
import { listObjects } from '../src/kube/resources';
import { readSecret } from '../src/kube/secret-store';
import { LEASES, resourcePath, SECRETS, type KubeObject } from '../src/kube/types';
import { newLogger, SILENT } from '../src/logger';
import { Operator } from '../src/operator';
import { done, waiting, type Step } from '../src/provider/steps';
import type { ProviderRuntime, RuntimeFactory } from '../src/runtime/types';
import {
  condition,
  createProvider,
  eventsOf,
  eventually,
  getProvider,
  providerObject,
  startTestCluster,
  waitForCondition,
  type TestCluster,
} from './support/kube';

const NS = 'hospitals';
const OPS = 'emr-operator';
const logger = process.env['EMR_TEST_LOG'] === '1' ? newLogger('debug') : SILENT;

/** The outside world the scripted steps act on: what "Fabric" has done, and who did it. */
class World {
  readonly approved = new Set<string>();
  readonly members = new Set<string>();
  readonly updates = new Map<string, number>();
  readonly ranBy = new Map<string, Set<string>>();
  readonly failuresLeft = new Map<string, number>();
  readonly cleanupFailuresLeft = new Map<string, number>();
}

function scriptedSteps(world: World, identity: string): Step[] {
  const step = (condition: StepConditionType, run: Step['run']): Step => ({
    condition,
    phase: 'Provisioning',
    run,
  });
  return [
    step('CAReady', ({ org }) => {
      const runners = world.ranBy.get(org.mspId) ?? new Set<string>();
      world.ranBy.set(org.mspId, runners.add(identity));
      const failures = world.failuresLeft.get(org.mspId) ?? 0;
      if (failures > 0) {
        world.failuresLeft.set(org.mspId, failures - 1);
        return Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:7054'));
      }
      return Promise.resolve(done('CAReachable', `CA ca-${org.name} answers`));
    }),
    step('IdentitiesEnrolled', async ({ secrets, org }) => {
      await getOrCreateSecret(secrets, { name: `${org.name}-enrollments`, key: `peer0-${org.name}` });
      return done('Enrolled', `registered peer0-${org.name}`);
    }),
    {
      ...step('ChannelMembershipApproved', ({ org }) =>
        Promise.resolve(
          world.members.has(org.mspId) || world.approved.has(org.mspId)
            ? done('SignaturesCollected', '2 of 2 required signatures')
            : waiting('AwaitingApproval', '0 of 2 required signatures: waiting for Provider1MSP', 200),
        ),
      ),
      phase: 'AwaitingApproval',
    },
    step('ChannelUpdated', ({ org }) => {
      if (!world.members.has(org.mspId)) {
        world.updates.set(org.mspId, (world.updates.get(org.mspId) ?? 0) + 1);
        world.members.add(org.mspId);
      }
      return Promise.resolve(done('Member', `${org.mspId} is in the config of channel emr`));
    }),
    step('GatewayReady', () => Promise.resolve(done('GatewayRunning', 'gateway runs'))),
  ];
}

/** A runtime with nothing to run; removing a provider's workloads fails while the world says so. */
function runtimeOf(world: World): RuntimeFactory {
  return {
    forProvider: (provider) =>
      ({
        workloads: {
          remove: () => {
            const failures = world.cleanupFailuresLeft.get(provider.spec.mspId) ?? 0;
            if (failures === 0) return Promise.resolve();
            world.cleanupFailuresLeft.set(provider.spec.mspId, failures - 1);
            return Promise.reject(
              new Error('StatefulSet peer0 could not be deleted: the API server is unavailable'),
            );
          },
        },
        endpoints: {},
      }) as unknown as ProviderRuntime,
  };
}

describe('the MedicalProvider controller on a real API server', () => {
  let cluster: TestCluster;
  const world = new World();
  const operators: Operator[] = [];

  function newOperator(identity: string, options: { election?: boolean } = {}): Operator {
    const operator = new Operator({
      client: cluster.client,
      runtime: runtimeOf(world),
      identity,
      logger: logger.child({ operator: identity }),
      steps: scriptedSteps(world, identity),
      backoff: { baseMs: 100, maxMs: 1_000, jitter: 0.1 },
      healthPort: 0,
      metricsPort: 0,
      host: '127.0.0.1',
      ...(options.election === false
        ? {}
        : {
            leaderElection: {
              namespace: OPS,
              name: 'emr-operator',
              leaseDurationMs: 3_000,
              renewDeadlineMs: 2_000,
              retryPeriodMs: 250,
            },
          }),
    });
    operators.push(operator);
    return operator;
  }

  beforeAll(async () => {
    cluster = await startTestCluster([NS, OPS]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(operators.map((o) => o.stop()));
    await (cluster as TestCluster | undefined)?.server.stop();
  }, 60_000);

  it('the CRD rejects invalid resources with messages a person can act on', async () => {
    const attempt = async (spec: Record<string, unknown>): Promise<string> => {
      try {
        await createProvider(cluster.client, providerObject(NS, 'invalid', 'Provider9MSP', spec));
        return 'accepted';
      } catch (error) {
        return error instanceof KubeApiError ? error.message : String(error);
      }
    };
    expect(await attempt({ mspId: '9 lives' })).toContain('spec.mspId: Invalid value: "9 lives"');
    expect(await attempt({ consentPolicy: { mode: 'AllowList' } })).toContain(
      'consentPolicy.allowedMspIds must list at least one MSP ID when mode is AllowList',
    );
    expect(await attempt({ peers: { replicas: 0 } })).toContain('spec.peers.replicas');
    expect(await attempt({ ca: { registrarSecretRef: { name: 'x' }, password: 'hunter2' } })).toContain(
      'unknown field "spec.ca.password"',
    );
  });

  it('adds its finalizer, reports each step as a condition with observedGeneration and Events, and waits for approval', async () => {
    const operator = newOperator('operator-a');
    await operator.start();
    await createProvider(cluster.client, providerObject(NS, 'provider3', 'Provider3MSP'));
    const waitingProvider = await waitForCondition(
      cluster.client,
      NS,
      'provider3',
      'ChannelMembershipApproved',
      'False',
      'AwaitingApproval',
    );
    expect(waitingProvider.metadata.finalizers).toEqual([FINALIZER]);
    expect(waitingProvider.status).toMatchObject({ observedGeneration: 1, phase: 'AwaitingApproval' });
    expect(waitingProvider.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['CAReady', 'True', 'CAReachable'],
      ['IdentitiesEnrolled', 'True', 'Enrolled'],
      ['ChannelMembershipApproved', 'False', 'AwaitingApproval'],
      ['ChannelUpdated', 'Unknown', 'Pending'],
      ['GatewayReady', 'Unknown', 'Pending'],
      ['Ready', 'False', 'AwaitingApproval'],
    ]);
    for (const c of waitingProvider.status?.conditions ?? []) expect(c.observedGeneration).toBe(1);
    const caSince = condition(waitingProvider, 'CAReady')?.lastTransitionTime;

    // The Secret a step wrote through the SecretStore: in the provider's namespace, owned and labelled.
    const secret = await cluster.client.get<KubeObject>(
      resourcePath(SECRETS, { namespace: NS, name: 'provider3-enrollments' }),
    );
    expect(secret?.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'MedicalProvider',
        name: 'provider3',
        controller: true,
        uid: waitingProvider.metadata.uid,
      }),
    ]);
    expect(secret?.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'emr-operator' });

    world.approved.add('Provider3MSP');
    const ready = await waitForCondition(cluster.client, NS, 'provider3', 'Ready', 'True');
    expect(ready.status?.phase).toBe('Ready');
    expect(condition(ready, 'CAReady')?.lastTransitionTime).toBe(caSince);
    const events = await eventually('the Ready Event', async () => {
      const found = await eventsOf(cluster.client, NS, 'provider3');
      return found.some((e) => e.reason === 'Ready') ? found : undefined;
    });
    expect(events.map((e) => e.reason)).toEqual(
      expect.arrayContaining([
        'CAReachable',
        'Enrolled',
        'AwaitingApproval',
        'SignaturesCollected',
        'Member',
        'Ready',
      ]),
    );
    expect(
      events.every(
        (e) => e.reportingComponent === 'emr-operator' && e.involvedObject.uid === ready.metadata.uid,
      ),
    ).toBe(true);
    expect(world.updates.get('Provider3MSP')).toBe(1);
  }, 60_000);

  it('follows a spec change: observedGeneration moves, lastTransitionTime stays, then the status settles', async () => {
    const before = await getProvider(cluster.client, NS, 'provider3');
    await cluster.client.request(
      'PATCH',
      resourcePath(MEDICAL_PROVIDERS, { namespace: NS, name: 'provider3' }),
      {
        body: { spec: { displayName: 'St. Mary Hospital' } },
        contentType: 'application/merge-patch+json',
      },
    );
    const after = await eventually('observedGeneration 2', async () => {
      const provider = await getProvider(cluster.client, NS, 'provider3');
      return provider?.status?.observedGeneration === 2 ? provider : undefined;
    });
    expect(after.metadata.generation).toBe(2);
    for (const c of after.status?.conditions ?? []) expect(c.observedGeneration).toBe(2);
    expect(condition(after, 'Ready')?.lastTransitionTime).toBe(
      condition(before, 'Ready')?.lastTransitionTime,
    );
    // Settled: one more reconcile (an annotation change triggers one) leaves the status exactly as it was.
    const reconciles = async (): Promise<number> => {
      const metric = await operators[0]?.metrics.registry
        .getSingleMetric('controller_runtime_reconcile_total')
        ?.get();
      return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
    };
    const counted = await reconciles();
    await cluster.client.request(
      'PATCH',
      resourcePath(MEDICAL_PROVIDERS, { namespace: NS, name: 'provider3' }),
      {
        body: { metadata: { annotations: { 'example.org/touched': 'yes' } } },
        contentType: 'application/merge-patch+json',
      },
    );
    await eventually('another reconcile', async () => (await reconciles()) > counted);
    expect((await getProvider(cluster.client, NS, 'provider3'))?.status).toEqual(after.status);
  }, 30_000);

  it('retries a failing step with backoff, shows the error in its condition and a Warning Event, then recovers', async () => {
    world.failuresLeft.set('Provider4MSP', 3);
    world.members.add('Provider4MSP');
    await createProvider(cluster.client, providerObject(NS, 'provider4', 'Provider4MSP'));
    const failing = await waitForCondition(cluster.client, NS, 'provider4', 'CAReady', 'False', 'Error');
    expect(condition(failing, 'CAReady')?.message).toContain('ECONNREFUSED 10.0.0.7:7054');
    expect(condition(failing, 'Ready')).toMatchObject({ status: 'False', reason: 'Error' });
    await waitForCondition(cluster.client, NS, 'provider4', 'Ready', 'True');
    await eventually('the Ready Event', async () =>
      (await eventsOf(cluster.client, NS, 'provider4')).some((e) => e.reason === 'Ready'),
    );
    const warnings = (await eventsOf(cluster.client, NS, 'provider4')).filter((e) => e.type === 'Warning');
    expect(warnings.map((e) => e.reason)).toEqual(['CAReadyFailed']);
    expect(world.failuresLeft.get('Provider4MSP')).toBe(0);
  }, 30_000);

  it('a second replica stands by while the first holds the Lease; stopping the leader hands over at once', async () => {
    const [leader] = operators;
    const standby = newOperator('operator-b');
    await standby.start();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(leader?.leading).toBe(true);
    expect(standby.leading).toBe(false);
    expect(standby.ready()).toBe(true);
    const lease = await cluster.client.get<{ spec: { holderIdentity: string } }>(
      resourcePath(LEASES, { namespace: OPS, name: 'emr-operator' }),
    );
    expect(lease?.spec.holderIdentity).toBe('operator-a');

    // A provider created now is reconciled by the leader only.
    world.members.add('Provider5MSP');
    await createProvider(cluster.client, providerObject(NS, 'provider5', 'Provider5MSP'));
    await waitForCondition(cluster.client, NS, 'provider5', 'Ready', 'True');
    expect([...(world.ranBy.get('Provider5MSP') ?? [])]).toEqual(['operator-a']);

    await leader?.stop();
    await eventually('operator-b leading', () => Promise.resolve(standby.leading), 5_000);
    world.members.add('Provider6MSP');
    await createProvider(cluster.client, providerObject(NS, 'provider6', 'Provider6MSP'));
    await waitForCondition(cluster.client, NS, 'provider6', 'Ready', 'True');
    expect([...(world.ranBy.get('Provider6MSP') ?? [])]).toEqual(['operator-b']);
  }, 30_000);

  it('a restart in the middle of onboarding resumes where it was, without repeating done work', async () => {
    await createProvider(cluster.client, providerObject(NS, 'provider7', 'Provider7MSP'));
    await waitForCondition(
      cluster.client,
      NS,
      'provider7',
      'ChannelMembershipApproved',
      'False',
      'AwaitingApproval',
    );
    const enrollment = await readSecret(cluster.client, NS, 'provider7-enrollments');
    for (const operator of operators) await operator.stop();

    world.approved.add('Provider7MSP');
    const restarted = newOperator('operator-c');
    await restarted.start();
    const ready = await waitForCondition(cluster.client, NS, 'provider7', 'Ready', 'True');
    expect(await readSecret(cluster.client, NS, 'provider7-enrollments')).toEqual(enrollment);
    expect(world.updates.get('Provider7MSP')).toBe(1);
    const readyEvents = await eventually('the Ready Event', async () => {
      const found = (await eventsOf(cluster.client, NS, 'provider7')).filter((e) => e.reason === 'Ready');
      return found.length > 0 ? found : undefined;
    });
    expect(readyEvents).toHaveLength(1);
    expect(readyEvents[0]?.count).toBe(1);
    expect(ready.metadata.finalizers).toEqual([FINALIZER]);
    // The providers that were Ready before the restart stay as they were: no transition, no new Event.
    const before = (await eventsOf(cluster.client, NS, 'provider3')).length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await eventsOf(cluster.client, NS, 'provider3')).length).toBe(before);
  }, 30_000);

  it('deletion removes what the operator created, then its finalizer, and the resource is gone', async () => {
    await cluster.client.request(
      'DELETE',
      resourcePath(MEDICAL_PROVIDERS, { namespace: NS, name: 'provider3' }),
    );
    await eventually(
      'provider3 gone',
      async () => (await getProvider(cluster.client, NS, 'provider3')) === undefined,
    );
    const secrets = await listObjects(cluster.client, SECRETS, {
      namespace: NS,
      labelSelector: 'emr-fabric.dev/provider=provider3',
    });
    expect(secrets.items).toEqual([]);
    const cleaned = (await eventsOf(cluster.client, NS, 'provider3')).find((e) => e.reason === 'CleanedUp');
    expect(cleaned?.message).toContain('secrets/provider3-enrollments');
    expect(cleaned?.message).toContain('the organization stays in channel emr');
    // Other providers' Secrets are untouched.
    expect(await readSecret(cluster.client, NS, 'provider7-enrollments')).toBeDefined();
  }, 30_000);

  it('a cleanup that fails is retried, shown as phase Deleting with a Warning, until it succeeds', async () => {
    world.cleanupFailuresLeft.set('Provider5MSP', 2);
    await cluster.client.request(
      'DELETE',
      resourcePath(MEDICAL_PROVIDERS, { namespace: NS, name: 'provider5' }),
    );
    const stuck = await waitForCondition(cluster.client, NS, 'provider5', 'Ready', 'False', 'CleanupFailed');
    expect(stuck.status?.phase).toBe('Deleting');
    expect(condition(stuck, 'Ready')?.message).toContain('the API server is unavailable');
    await eventually(
      'provider5 gone',
      async () => (await getProvider(cluster.client, NS, 'provider5')) === undefined,
    );
    const events = await eventsOf(cluster.client, NS, 'provider5');
    expect(events.find((e) => e.reason === 'CleanupFailed')).toMatchObject({ type: 'Warning' });
    expect(events.some((e) => e.reason === 'CleanedUp')).toBe(true);
  }, 30_000);

  it('serves /healthz, /readyz and controller-runtime metrics', async () => {
    const operator = operators.at(-1);
    const get = async (port: number | undefined, path: string): Promise<{ status: number; text: string }> => {
      const res = await fetch(`http://127.0.0.1:${port ?? 0}${path}`);
      return { status: res.status, text: await res.text() };
    };
    expect((await get(operator?.healthPort, '/healthz')).status).toBe(200);
    expect((await get(operator?.healthPort, '/readyz')).status).toBe(200);
    const metrics = (await get(operator?.metricsPort, '/metrics')).text;
    expect(metrics).toMatch(
      /controller_runtime_reconcile_total\{controller="medicalprovider",result="(success|requeue_after)"\} [1-9]/,
    );
    expect(metrics).toContain('controller_runtime_reconcile_time_seconds_bucket');
    expect(metrics).toMatch(/workqueue_adds_total\{name="medicalprovider"\} [1-9]/);
    expect(metrics).toContain('leader_election_master_status{name="emr-operator"} 1');
    expect(metrics).toContain('process_cpu_seconds_total');
  });
});
