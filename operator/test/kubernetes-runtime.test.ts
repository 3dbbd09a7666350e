// The Kubernetes runtime on a real kube-apiserver: a MedicalProvider's workloads rendered from the cdk8s
// MedicalProviderOrg construct are applied with server-side apply under the operator's field manager, owned by the
// resource; CAReady waits for the CA's StatefulSet (no kubelet runs here, so it stays 0/1 — pods are proven on the
// real node); re-applying changes nothing; deletion removes every object before the finalizer goes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { MEDICAL_PROVIDERS } from '../src/api/resources';
import { listObjects } from '../src/kube/resources';
import { resourcePath, type KubeObject, type ResourceType } from '../src/kube/types';
import { SILENT } from '../src/logger';
import { Operator } from '../src/operator';
import { newKubernetesRuntime } from '../src/runtime/kubernetes';
import {
  createEmrNetwork,
  createProvider,
  eventually,
  getProvider,
  providerObject,
  putSecret,
  startTestCluster,
  waitForCondition,
  type TestCluster,
} from './support/kube';

const NS = 'emr-provider8';
const type = (group: string, plural: string): ResourceType => ({
  group,
  version: 'v1',
  plural,
  namespaced: true,
});
const KINDS = {
  StatefulSet: type('apps', 'statefulsets'),
  Deployment: type('apps', 'deployments'),
  Service: type('', 'services'),
  NetworkPolicy: type('networking.k8s.io', 'networkpolicies'),
  PersistentVolumeClaim: type('', 'persistentvolumeclaims'),
};

interface Managed extends KubeObject {
  readonly metadata: KubeObject['metadata'] & {
    readonly managedFields?: { manager: string; operation: string }[];
  };
}

async function objectsIn(cluster: TestCluster): Promise<Managed[]> {
  const all: Managed[] = [];
  for (const [kind, type] of Object.entries(KINDS)) {
    // List items carry no kind: add it.
    const { items } = await listObjects(cluster.client, type, { namespace: NS });
    all.push(...items.map((item) => ({ ...item, kind })));
  }
  return all;
}

describe('the Kubernetes runtime on a real API server', () => {
  let cluster: TestCluster;
  let operator: Operator;

  beforeAll(async () => {
    cluster = await startTestCluster([NS, 'emr-orderer']);
    await createEmrNetwork(cluster.client);
    await putSecret(cluster.client, NS, 'ca-provider8-registrar', { secret: 'not-used-here' });
    operator = new Operator({
      client: cluster.client,
      runtime: newKubernetesRuntime({ client: cluster.client, logger: SILENT }),
      identity: 'operator-k8s',
      logger: SILENT,
    });
    await operator.start();
  }, 120_000);

  afterAll(async () => {
    await (operator as Operator | undefined)?.stop();
    await (cluster as TestCluster | undefined)?.server.stop();
  }, 60_000);

  it('applies the rendered workloads with server-side apply, owned by the MedicalProvider, and waits for the CA', async () => {
    const created = await createProvider(
      cluster.client,
      providerObject(NS, 'provider8', 'Provider8MSP', { peers: { replicas: 2 }, imagePullPolicy: 'Never' }),
    );
    const waiting = await waitForCondition(cluster.client, NS, 'provider8', 'CAReady', 'False', 'CAStarting');
    expect(waiting.status?.conditions?.find((c) => c.type === 'CAReady')?.message).toBe(
      'waiting for StatefulSet ca-provider8: 0/1 ready',
    );
    expect(waiting.status?.phase).toBe('Provisioning');
    const objects = await objectsIn(cluster);
    expect(
      objects
        .filter((o) => ['StatefulSet', 'Deployment'].includes(o.kind))
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual([
      'ca-provider8',
      'chaincode-provider8',
      'gateway-provider8',
      'peer0-provider8',
      'peer1-provider8',
    ]);
    for (const object of objects) {
      expect(object.metadata.ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'MedicalProvider',
          name: 'provider8',
          uid: created.metadata.uid,
          controller: true,
        }),
      ]);
      expect(object.metadata.managedFields).toEqual(
        expect.arrayContaining([expect.objectContaining({ manager: 'emr-operator', operation: 'Apply' })]),
      );
      expect(object.metadata.labels).toMatchObject({ 'emr-fabric.dev/provider': 'provider8' });
    }
  }, 60_000);

  it('re-applying on the next reconcile changes nothing', async () => {
    const before = new Map(
      (await objectsIn(cluster)).map((o) => [
        `${o.kind}/${o.metadata.name ?? ''}`,
        o.metadata.resourceVersion,
      ]),
    );
    await sleep(6_000); // CAStarting re-checks every 5 s
    const after = new Map(
      (await objectsIn(cluster)).map((o) => [
        `${o.kind}/${o.metadata.name ?? ''}`,
        o.metadata.resourceVersion,
      ]),
    );
    expect(after).toEqual(before);
  }, 30_000);

  it('deletion removes every rendered object, then the finalizer, and the resource is gone', async () => {
    await cluster.client.request(
      'DELETE',
      resourcePath(MEDICAL_PROVIDERS, { namespace: NS, name: 'provider8' }),
    );
    await eventually(
      'provider8 gone',
      async () => (await getProvider(cluster.client, NS, 'provider8')) === undefined,
    );
    // No garbage collector runs here: what is gone, the operator deleted. The gateway's claim waits only for the
    // pvc-protection finalizer, which kube-controller-manager (not running here) removes once no pod uses it.
    const left = await objectsIn(cluster);
    expect(left.map((o) => [o.kind, o.metadata.name, o.metadata.deletionTimestamp !== undefined])).toEqual([
      ['PersistentVolumeClaim', 'gateway-provider8-data', true],
    ]);
  }, 60_000);
});
