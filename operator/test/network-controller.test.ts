// The EmrNetwork controller on a real kube-apiserver (no kubelet: pods are proven on the real node, in
// cluster/test/operator-on-node.test.ts): the finalizer first; a missing registrar Secret is a condition that says
// which Secret to create; then the ordering org's CA and orderers are applied with server-side apply under the
// operator's field manager, owned by the EmrNetwork, and the network waits for its CA; status, Events, and a
// provider's view of the network (channel not created yet); deletion removes what the operator made.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EmrNetwork } from '../src/api/emr-network';
import { FINALIZER } from '../src/api/medical-provider';
import { EMR_NETWORKS } from '../src/api/resources';
import { listObjects } from '../src/kube/resources';
import { EVENTS, resourcePath, type KubeObject, type ResourceType } from '../src/kube/types';
import { SILENT } from '../src/logger';
import { Operator } from '../src/operator';
import { newKubeNetworkResolver } from '../src/provider/kube-directory';
import { newKubernetesRuntime } from '../src/runtime/kubernetes';
import {
  createEmrNetwork,
  eventually,
  providerObject,
  putSecret,
  startTestCluster,
  type EventObject,
  type TestCluster,
} from './support/kube';
import type { MedicalProvider } from '../src/api/medical-provider';

const NS = 'emr-orderer';
const STATEFUL_SETS: ResourceType = {
  group: 'apps',
  version: 'v1',
  plural: 'statefulsets',
  namespaced: true,
};

const DISRUPTION_BUDGETS: ResourceType = {
  group: 'policy',
  version: 'v1',
  plural: 'poddisruptionbudgets',
  namespaced: true,
};

interface Managed extends KubeObject {
  readonly metadata: KubeObject['metadata'] & {
    readonly managedFields?: { manager: string }[];
    readonly ownerReferences?: { kind: string; name: string }[];
  };
}

describe('the EmrNetwork controller on a real API server', () => {
  let cluster: TestCluster;
  let operator: Operator;
  const network = (): Promise<EmrNetwork | undefined> =>
    cluster.client.get<EmrNetwork>(resourcePath(EMR_NETWORKS, { namespace: NS, name: 'emr' }));
  const conditionOf = async (
    type: string,
  ): Promise<{ status: string; reason: string; message: string } | undefined> =>
    (await network())?.status?.conditions?.find((c) => c.type === type);

  beforeAll(async () => {
    cluster = await startTestCluster([NS]);
    operator = new Operator({
      client: cluster.client,
      runtime: newKubernetesRuntime({ client: cluster.client, logger: SILENT }),
      networks: { imagePullPolicy: 'Never' },
      identity: 'operator-networks',
      logger: SILENT,
    });
    await operator.start();
  }, 120_000);

  afterAll(async () => {
    await (operator as Operator | undefined)?.stop();
    await (cluster as TestCluster | undefined)?.server.stop();
  }, 60_000);

  it('adds its finalizer and names the missing registrar Secret', async () => {
    await createEmrNetwork(cluster.client);
    const missing = await eventually('OrderersReady=False', async () => {
      const found = await conditionOf('OrderersReady');
      return found?.reason === 'RegistrarSecretMissing' ? found : undefined;
    });
    expect(missing.message).toContain(
      'Secret ca-orderer-registrar (key secret) is missing in namespace emr-orderer',
    );
    const current = await network();
    expect(current?.metadata.finalizers).toContain(FINALIZER);
    expect(current?.status).toMatchObject({ phase: 'Provisioning', observedGeneration: 1 });
    expect(current?.status?.conditions?.map((c) => [c.type, c.status])).toEqual([
      ['OrderersReady', 'False'],
      ['ChannelCreated', 'Unknown'],
      ['Ready', 'False'],
    ]);
  });

  it('applies the CA and the orderers, owned by the EmrNetwork, and waits for the CA', async () => {
    await putSecret(cluster.client, NS, 'ca-orderer-registrar', { secret: 'not-used-here' });
    // The Secret is noticed on the next check (every 15 s while it is missing): Secrets are not watched.
    const starting = await eventually(
      'OrderersReady CAStarting',
      async () => {
        const found = await conditionOf('OrderersReady');
        return found?.reason === 'CAStarting' ? found : undefined;
      },
      30_000,
    );
    expect(starting.message).toBe('waiting for StatefulSet ca-orderer: 0/1 ready');
    const { items } = await listObjects(cluster.client, STATEFUL_SETS, { namespace: NS });
    const sets = items as Managed[];
    expect(sets.map((s) => s.metadata.name).sort()).toEqual(['ca-orderer', 'orderer']);
    for (const set of sets) {
      expect(set.metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'EmrNetwork', name: 'emr' }),
      ]);
      expect(set.metadata.managedFields?.map((f) => f.manager)).toContain('emr-operator');
    }
    // Raft's budget: a node drain may take one of the three orderers.
    const budget = await cluster.client.get<Managed & { spec: { maxUnavailable: number } }>(
      resourcePath(DISRUPTION_BUDGETS, { namespace: NS, name: 'orderer' }),
    );
    expect(budget?.spec.maxUnavailable).toBe(1);
    expect(budget?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'EmrNetwork', name: 'emr' }),
    ]);
    const events = (await listObjects(cluster.client, EVENTS, { namespace: NS })).items as EventObject[];
    expect(events.filter((e) => e.involvedObject.kind === 'EmrNetwork').map((e) => e.reason)).toEqual(
      expect.arrayContaining(['RegistrarSecretMissing', 'CAStarting']),
    );
  }, 40_000);

  it("tells a provider that the channel does not exist yet (the membership step's ChannelNotCreated)", async () => {
    const provider = providerObject(
      'emr-provider1',
      'provider1',
      'Provider1MSP',
    ) as unknown as MedicalProvider;
    const settings = await newKubeNetworkResolver(cluster.client).resolve({
      ...provider,
      spec: { ...provider.spec, network: { name: 'emr', namespace: NS, channel: 'emr' } },
    });
    expect(settings).toMatchObject({ channel: 'emr', channelCreated: false });
  });

  it('removes what it created when the EmrNetwork is deleted, then lets it go', async () => {
    await cluster.client.request('DELETE', resourcePath(EMR_NETWORKS, { namespace: NS, name: 'emr' }));
    await eventually('EmrNetwork gone', async () => (await network()) === undefined);
    const { items } = await listObjects(cluster.client, STATEFUL_SETS, { namespace: NS });
    expect(items).toEqual([]);
    expect(
      (await listObjects(cluster.client, DISRUPTION_BUDGETS, { namespace: NS })).items.map(
        (b) => b.metadata.name,
      ),
    ).toEqual([]);
  });
});
