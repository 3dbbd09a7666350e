// Every object the constructs synthesize is accepted by a real kube-apiserver 1.35 — server-side apply as a dry
// run with strict field validation — and every pod template is admitted as a Pod in a namespace enforcing the
// `restricted` Pod Security Standard. What this cannot tell: whether the pods start (images, identities, DNS,
// storage): that is the next issue's real node.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ImagePullPolicy } from 'cdk8s-plus-33';
import {
  podTemplate,
  synthNetwork,
  synthProvider,
  workloads,
  type Manifest,
} from '../src/test-support/manifests';
import { apply, createNamespaces, describeFailure, Discovery, type KubeObject } from './support/apply';
import { startKubeApiServer, type ApiResponse, type KubeApiServer } from './support/kube-apiserver';

let server: KubeApiServer;
const cleanups: (() => Promise<void>)[] = [];
let discovery: Discovery;

beforeAll(async () => {
  server = await startKubeApiServer();
  cleanups.push(() => server.stop());
  discovery = new Discovery(server);
}, 90_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Dry-runs every object but Namespaces (created for real first); returns the failures, readable. */
async function dryRunAll(objects: readonly Manifest[]): Promise<{ failures: string[]; warnings: string[] }> {
  await createNamespaces(server, discovery, objects);
  const failures: string[] = [];
  const warnings: string[] = [];
  for (const object of objects.filter((o) => o.kind !== 'Namespace')) {
    const result = await apply(server, discovery, object);
    if (!result.ok) failures.push(describeFailure(result));
    warnings.push(...result.warnings.map((w) => `${object.kind}/${object.metadata.name}: ${w}`));
  }
  return { failures, warnings };
}

/** Creates (dry run) a Pod from a workload's template, as the StatefulSet or Deployment controller would. */
async function dryRunPod(
  workload: Manifest,
  mutate: (spec: Record<string, unknown>) => void = () => undefined,
): Promise<ApiResponse> {
  const template = podTemplate(workload);
  const spec = structuredClone(template.spec) as unknown as Record<string, unknown>;
  const name = `${workload.metadata.name}-0`;
  // The StatefulSet controller adds a volume per claim template, bound to the pod's own claim.
  const claims = (workload['spec'] as { volumeClaimTemplates?: { metadata: { name: string } }[] })
    .volumeClaimTemplates;
  spec['volumes'] = [
    ...((spec['volumes'] as object[] | undefined) ?? []),
    ...(claims ?? []).map((c) => ({
      name: c.metadata.name,
      persistentVolumeClaim: { claimName: `${c.metadata.name}-${name}` },
    })),
  ];
  mutate(spec);
  const namespace = workload.metadata.namespace ?? 'default';
  return server.request(
    'POST',
    `/api/v1/namespaces/${namespace}/pods`,
    { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels: template.metadata.labels }, spec },
    { query: { dryRun: 'All', fieldValidation: 'Strict' } },
  );
}

describe('the example network: one namespace per org', () => {
  const objects = synthNetwork();

  test('every object is accepted by server-side apply (dry run, strict fields) without warnings', async () => {
    expect(objects.length).toBeGreaterThan(40);
    expect(await dryRunAll(objects)).toEqual({ failures: [], warnings: [] });
  });

  test('the namespaces enforce the restricted Pod Security Standard, and every pod template passes it', async () => {
    const ns = await server.request('GET', '/api/v1/namespaces/emr-provider1');
    expect((ns.body as Manifest).metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    const results = [];
    for (const workload of workloads(objects)) {
      const res = await dryRunPod(workload);
      results.push(
        `${workload.metadata.name}: ${res.status}${res.status === 201 ? '' : ` ${JSON.stringify(res.body)}`}`,
      );
    }
    expect(results).toEqual(workloads(objects).map((w) => `${w.metadata.name}: 201`));
  });

  test('negative control: the same check refuses a container allowed to escalate privileges', async () => {
    const peer = workloads(objects).find((w) => w.metadata.name === 'peer0-provider1') as Manifest;
    const res = await dryRunPod(peer, (spec) => {
      const [container] = spec['containers'] as { securityContext: Record<string, unknown> }[];
      if (container) container.securityContext['allowPrivilegeEscalation'] = true;
    });
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).toContain(
      'violates PodSecurity \\"restricted:latest\\": allowPrivilegeEscalation != false',
    );
  });

  test('negative control: a misspelt field fails strict validation instead of being dropped', async () => {
    const service = objects.find((o) => o.kind === 'Service') as Manifest;
    const typo = { ...service, spec: { ...(service['spec'] as object), selektor: {} } } as KubeObject;
    const result = await apply(server, discovery, typo);
    expect(result.ok).toBe(false);
    expect(describeFailure(result)).toContain('.spec.selektor: field not declared in schema');
  });
});

describe('variants', () => {
  test('identities from Secrets, images never pulled, two peers per provider', async () => {
    const objects = synthNetwork({
      namespacePrefix: 'variant-',
      identities: 'secrets',
      imagePullPolicy: ImagePullPolicy.NEVER,
      peersPerProvider: 2,
    });
    expect(await dryRunAll(objects)).toEqual({ failures: [], warnings: [] });
  });

  test('a provider rendered alone, as the operator will, with its gateway behind an Ingress', async () => {
    const objects = synthProvider('provider3', {
      peers: 2,
      gateway: { ingress: { host: 'provider3.emr.example', className: 'nginx', tlsSecret: 'provider3-tls' } },
    });
    expect(objects.map((o) => o.kind)).toContain('Ingress');
    expect(await dryRunAll(objects)).toEqual({ failures: [], warnings: [] });
  });

  test("one namespace for the whole network (the Helm chart's layout)", async () => {
    await server.request('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'emr-single', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
    const objects = synthNetwork({ namespace: 'emr-single' });
    expect(await dryRunAll(objects)).toEqual({ failures: [], warnings: [] });
    for (const workload of workloads(objects)) expect((await dryRunPod(workload)).status).toBe(201);
  });
});
