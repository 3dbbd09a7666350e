// The example network as synthesized: every workload secure by default, configured exactly by its node spec,
// labelled, isolated by NetworkPolicies, and without key material anywhere but referenced Secrets.
import { describe, expect, test } from '@jest/globals';
import { Chart, Testing } from 'cdk8s';
import { stringify } from 'yaml';
import type { NodeSpec } from '@emr/network';
import { LABELS, ORG_LABEL, PART_OF } from './conventions';
import { EmrNetwork } from './emr-network';
import {
  allContainers,
  find,
  podTemplate,
  workloads,
  type ContainerManifest,
  type Manifest,
} from './test-support/manifests';

const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
const network = new EmrNetwork(chart, 'network');
const objects = Testing.synth(chart) as Manifest[];
const nodes: { spec: NodeSpec; workload: string; namespace: string }[] = [
  { spec: network.ordererCa.spec, workload: network.ordererCa.name, namespace: 'emr-orderer' },
  { spec: network.orderingService.spec, workload: network.orderingService.name, namespace: 'emr-orderer' },
  ...network.providers.flatMap((p) => {
    const namespace = p.namespace ?? '';
    return [
      { spec: p.ca.spec, workload: p.ca.name, namespace },
      ...p.peers.map((peer) => ({ spec: peer.spec, workload: peer.name, namespace })),
      { spec: p.chaincode.spec, workload: p.chaincode.name, namespace },
      ...(p.gateway ? [{ spec: p.gateway.spec, workload: p.gateway.name, namespace }] : []),
    ];
  }),
];

function workloadOf(name: string, namespace: string): Manifest {
  const found = workloads(objects).find(
    (o) => o.metadata.name === name && o.metadata.namespace === namespace,
  );
  if (!found) throw new Error(`no workload ${namespace}/${name}`);
  return found;
}

describe('the example network', () => {
  test('renders the ordering org and two providers, each in its own restricted namespace', () => {
    const summary = objects.map((o) => `${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`);
    expect(summary).toMatchSnapshot();
    for (const ns of objects.filter((o) => o.kind === 'Namespace')) {
      expect(ns.metadata.labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'restricted',
        'emr-fabric.dev/network': 'emr',
      });
    }
  });

  test('a peer StatefulSet in full (snapshot)', () => {
    expect(stringify(find(objects, 'StatefulSet', 'peer0-provider1'))).toMatchSnapshot();
  });

  test('contains no Secret and no ConfigMap: secrets are referenced, never rendered', () => {
    expect(objects.filter((o) => o.kind === 'Secret' || o.kind === 'ConfigMap')).toEqual([]);
  });
});

describe.each(nodes)('$workload ($spec.kind)', ({ spec, workload, namespace }) => {
  const manifest = workloadOf(workload, namespace);
  const pod = podTemplate(manifest);
  const main = pod.spec.containers.find((c) => c.name === spec.kind) as ContainerManifest;

  test('runs the spec: command, env, ports and mounts come from the node spec', () => {
    expect(main.command).toEqual(spec.command);
    const env = new Map((main.env ?? []).map((e) => [e.name, e]));
    for (const [name, value] of Object.entries(spec.env)) {
      if (typeof value === 'string') {
        expect(env.get(name)).toEqual({ name, value });
      } else {
        // Secret values only as references, under the same Secret name and key as the spec says.
        expect(env.get(name)).toEqual({
          name,
          valueFrom: { secretKeyRef: { name: value.secret.name, key: value.secret.key } },
        });
      }
    }
    const extra = [...env.keys()].filter((name) => !(name in spec.env));
    expect(extra.filter((name) => name !== 'POD_NAME')).toEqual([]);
    expect(main.ports).toEqual(spec.ports.map((p) => ({ name: p.name, containerPort: p.port })));
    const mounts = (main.volumeMounts ?? []).map((m) => ({
      path: m.mountPath,
      readOnly: m.readOnly ?? false,
    }));
    expect(mounts).toEqual([
      ...spec.mounts.map((m) => ({ path: m.path, readOnly: m.readOnly })),
      { path: '/tmp', readOnly: false },
    ]);
  });

  test('probes the spec readiness check: readiness, liveness and a startup budget', () => {
    const port = spec.ports.find((p) => p.name === spec.readiness.port)?.port;
    const check =
      spec.readiness.scheme === 'TCP'
        ? { tcpSocket: { port } }
        : { httpGet: { path: spec.readiness.path, port, scheme: spec.readiness.scheme } };
    for (const probe of [main.readinessProbe, main.livenessProbe, main.startupProbe]) {
      expect(probe).toMatchObject(check);
    }
    expect(main.startupProbe?.['failureThreshold']).toBeGreaterThanOrEqual(30);
  });

  test('every container is restricted: non-root, read-only root, no capabilities, RuntimeDefault seccomp', () => {
    for (const container of allContainers(manifest)) {
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsGroup: 10001,
        runAsNonRoot: true,
        runAsUser: 10001,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container.resources?.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources?.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.imagePullPolicy).toBe('IfNotPresent');
    }
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    expect(pod.spec['enableServiceLinks']).toBe(false);
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, fsGroup: 10001 });
  });

  test('carries the standard labels, and selects its pods by name and instance only', () => {
    const labels = manifest.metadata.labels ?? {};
    expect(labels).toMatchObject({
      [LABELS.instance]: workload,
      [LABELS.component]: spec.kind,
      [LABELS.partOf]: PART_OF,
      [LABELS.managedBy]: 'cdk8s',
      [ORG_LABEL]: expect.any(String),
    });
    expect(labels[LABELS.version]).toBe(main.image.split(':').pop());
    expect(pod.metadata.labels).toEqual(labels);
    const selector = (manifest['spec'] as { selector: { matchLabels: Record<string, string> } }).selector;
    expect(Object.keys(selector.matchLabels).sort()).toEqual([LABELS.instance, LABELS.name]);
    const service = find(objects, 'Service', workload, namespace);
    expect((service['spec'] as { selector: unknown }).selector).toEqual(selector.matchLabels);
  });

  test('gets its identity from its CA: an enroll init container writing memory-backed folders', () => {
    const credentialMounts = spec.mounts.filter((m) => m.source === 'credentials');
    const init = pod.spec.initContainers ?? [];
    if (spec.kind === 'ca') {
      expect(init).toEqual([]);
      return;
    }
    expect(init.map((c) => c.name)).toEqual(['enroll']);
    const enrollMounts = (init[0]?.volumeMounts ?? []).map((m) => m.mountPath);
    const enrolledPaths = credentialMounts.filter((m) => enrollMounts.includes(m.path));
    // The gateway's CA-certificate folder is public (a ConfigMap); every other credential folder is enrolled.
    expect(enrolledPaths.length).toBe(
      spec.kind === 'gateway' ? credentialMounts.length - 1 : credentialMounts.length,
    );
    const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v['name'] as string, v]));
    for (const mount of main.volumeMounts ?? []) {
      if (!enrollMounts.includes(mount.mountPath)) continue;
      expect(volumes.get(mount.name)).toMatchObject({ emptyDir: { medium: 'Memory' } });
      expect(mount.readOnly).toBe(true);
    }
  });
});

describe('key material', () => {
  const text = objects.map((o) => JSON.stringify(o)).join('\n');

  test('no PEM or private key appears in any object', () => {
    expect(text).not.toMatch(/-----BEGIN|PRIVATE KEY|priv_sk"?:/);
  });

  test('env literals never carry secrets: every secret-like variable is a secretKeyRef or a file path', () => {
    for (const workload of workloads(objects)) {
      for (const container of allContainers(workload)) {
        for (const env of container.env ?? []) {
          if (!/SECRET|PASSWORD|PRIVATEKEY|_KEY$|JWT/.test(env.name)) continue;
          const literal = env.value;
          expect({ name: env.name, ok: literal === undefined || literal.startsWith('/') }).toEqual({
            name: env.name,
            ok: true,
          });
        }
      }
    }
  });

  test('the Secrets a network needs are exactly the documented ones', () => {
    const secretNames = (workload: Manifest): string[] => [
      ...allContainers(workload).flatMap((c) =>
        (c.env ?? []).flatMap((env) => env.valueFrom?.['secretKeyRef']?.['name'] ?? []),
      ),
      ...(podTemplate(workload).spec.volumes ?? []).flatMap(
        (volume) => (volume['secret'] as { secretName: string } | undefined)?.secretName ?? [],
      ),
    ];
    const referenced = new Set(
      workloads(objects).flatMap((w) =>
        secretNames(w).map((name) => `${w.metadata.namespace ?? ''}/${name}`),
      ),
    );
    expect([...referenced].sort()).toEqual([
      'emr-orderer/ca-orderer-registrar',
      'emr-orderer/orderer-enrollments',
      'emr-provider1/ca-provider1-registrar',
      'emr-provider1/gateway-provider1-keys',
      'emr-provider1/peer0-provider1-chaincode-builder',
      'emr-provider1/provider1-enrollments',
      'emr-provider2/ca-provider2-registrar',
      'emr-provider2/gateway-provider2-keys',
      'emr-provider2/peer0-provider2-chaincode-builder',
      'emr-provider2/provider2-enrollments',
    ]);
  });
});

describe('network policies', () => {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const spec = (name: string, namespace: string): Record<string, unknown> =>
    find(policies, 'NetworkPolicy', name, namespace)['spec'] as Record<string, unknown>;

  test('every org is isolated in both directions, DNS allowed', () => {
    for (const org of ['orderer', 'provider1', 'provider2']) {
      const ns = `emr-${org}`;
      expect(spec(`${org}-default-deny`, ns)).toEqual({
        podSelector: { matchLabels: { [LABELS.partOf]: PART_OF, [ORG_LABEL]: org } },
        policyTypes: ['Ingress', 'Egress'],
      });
      expect(spec(`${org}-allow-dns`, ns)['policyTypes']).toEqual(['Egress']);
    }
  });

  test('every workload pod is selected by its own policy', () => {
    for (const workload of workloads(objects)) {
      const selector = (workload['spec'] as { selector: unknown }).selector;
      const own = policies.filter(
        (p) =>
          p.metadata.namespace === workload.metadata.namespace &&
          JSON.stringify((p['spec'] as { podSelector: unknown }).podSelector) === JSON.stringify(selector),
      );
      expect(own.map((p) => p.metadata.name)).toEqual([workload.metadata.name]);
    }
  });

  test("a chaincode server admits only its own org's peers, and dials nothing but its CA", () => {
    expect(spec('chaincode-provider1', 'emr-provider1')).toMatchObject({
      ingress: [
        {
          from: [{ podSelector: { matchLabels: { [LABELS.component]: 'peer', [ORG_LABEL]: 'provider1' } } }],
          ports: [{ port: 9999, protocol: 'TCP' }],
        },
      ],
      egress: [{ ports: [{ port: 7054, protocol: 'TCP' }] }],
    });
  });

  test("the orderers' admin port admits only the operator", () => {
    const ingress = spec('orderer', 'emr-orderer')['ingress'] as {
      from: unknown[];
      ports: { port: number }[];
    }[];
    const admin = ingress.find((rule) => rule.ports.some((p) => p.port === 7053));
    expect(admin?.from).toEqual([
      { namespaceSelector: {}, podSelector: { matchLabels: { [LABELS.name]: 'emr-operator' } } },
    ]);
  });

  test("peers reach orderers and other orgs' peers only in the network's namespaces", () => {
    const egress = spec('peer0-provider1', 'emr-provider1')['egress'] as { to: Record<string, unknown>[] }[];
    expect(egress[0]?.to).toEqual([
      {
        namespaceSelector: { matchLabels: { 'emr-fabric.dev/network': 'emr' } },
        podSelector: { matchLabels: { [LABELS.partOf]: PART_OF, [LABELS.component]: 'orderer' } },
      },
    ]);
  });
});

describe('peers', () => {
  const peer = workloadOf('peer0-provider1', 'emr-provider1');
  const env = new Map((podTemplate(peer).spec.containers[0]?.env ?? []).map((e) => [e.name, e]));

  test("advertise their Service's cluster DNS name and run chaincode through the image's ccaas builder", () => {
    expect(env.get('CORE_PEER_ADDRESS')?.value).toBe('peer0-provider1.emr-provider1.svc.cluster.local:7051');
    expect(env.get('CORE_CHAINCODE_EXTERNALBUILDERS')?.value).toContain(
      'path: /opt/hyperledger/ccaas_builder',
    );
    expect(env.get('CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG')?.valueFrom).toEqual({
      secretKeyRef: { name: 'peer0-provider1-chaincode-builder', key: 'config.json' },
    });
  });

  test('keep their ledger on a PVC from a claim template', () => {
    const spec = peer['spec'] as { volumeClaimTemplates: { metadata: { name: string } }[] };
    expect(spec.volumeClaimTemplates.map((t) => t.metadata.name)).toEqual(['data']);
    expect(podTemplate(peer).spec.volumes?.some((v) => v['name'] === 'data')).toBe(false);
  });
});
