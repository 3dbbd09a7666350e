// The bootstrap objects of the emr-network chart: least-privilege RBAC, restricted pods, the registrar Job named
// per revision and never a hook, the channel Job a post-install hook only under Helm.
import { describe, expect, test } from '@jest/globals';
import { Chart, Testing } from 'cdk8s';
import { HELM_HOOKS, NetworkBootstrap } from './bootstrap';
import { EmrNetwork } from './emr-network';
import { find, synthNetwork, type Manifest, type PodSpecManifest } from './test-support/manifests';

function synthBootstrap(props: ConstructorParameters<typeof NetworkBootstrap>[2] = {}): Manifest[] {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  new NetworkBootstrap(chart, 'bootstrap', { namespace: 'emr', ...props });
  return Testing.synth(chart) as Manifest[];
}

const jobPod = (job: Manifest): PodSpecManifest =>
  (job['spec'] as { template: { spec: PodSpecManifest } }).template.spec;

describe('NetworkBootstrap', () => {
  test('renders the anchor, a ServiceAccount whose Role only gets, creates and patches Secrets and ConfigMaps (by default any)', () => {
    const objects = synthBootstrap();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/emr-bootstrap',
      'ServiceAccount/emr-bootstrap',
      'Role/emr-bootstrap',
      'RoleBinding/emr-bootstrap',
      'Job/emr-bootstrap-registrar-1',
      'Job/emr-bootstrap-channel',
    ]);
    expect(find(objects, 'Role', 'emr-bootstrap')['rules']).toEqual([
      { apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['get', 'create', 'patch'] },
    ]);
    expect(objects.every((o) => o.metadata.namespace === 'emr')).toBe(true);
  });

  test('its pods are restricted and run the steps of operator/src/bootstrap/cli.ts', () => {
    const objects = synthBootstrap();
    for (const [name, args] of [
      ['emr-bootstrap-registrar-1', []],
      ['emr-bootstrap-channel', ['channel']],
    ] as const) {
      const pod = jobPod(find(objects, 'Job', name));
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      const [container] = pod.containers;
      expect(container?.command).toEqual(['node', '/app/dist/bootstrap/cli.js', ...args]);
      expect(container?.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(container?.env?.map((e) => e.name)).toEqual([
        'EMR_NAMESPACE',
        'EMR_CLUSTER_DOMAIN',
        'EMR_OWNER_CONFIGMAP',
      ]);
      expect(pod['serviceAccountName']).toBe('emr-bootstrap');
    }
  });

  test('without Helm no hooks and no test Pod; with Helm the channel Job is a post-install hook, the registrar never', () => {
    const plain = synthBootstrap();
    expect(plain.some((o) => o.metadata.annotations !== undefined)).toBe(false);
    const helm = synthBootstrap({ helmHooks: true, revision: 7 });
    expect(find(helm, 'Job', 'emr-bootstrap-registrar-7').metadata.annotations).toBeUndefined();
    expect(find(helm, 'Job', 'emr-bootstrap-channel').metadata.annotations).toEqual(HELM_HOOKS.channel);
    const check = find(helm, 'Pod', 'emr-bootstrap-check');
    expect(check.metadata.annotations).toEqual(HELM_HOOKS.check);
    expect((check['spec'] as PodSpecManifest).containers[0]?.command?.at(-1)).toBe('check');
  });

  test('refuses a revision that is not a positive integer', () => {
    expect(() => synthBootstrap({ revision: 0 })).toThrow('revision must be a positive integer');
  });
});

describe('EmrNetwork with bootstrap', () => {
  test("limits the Role's get and patch to the network's registrar, enrollment, builder and trust objects", () => {
    const role = find(synthNetwork({ namespace: 'emr', bootstrap: {} }), 'Role', 'emr-bootstrap');
    expect(role['rules']).toEqual([
      { apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['create'] },
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: [
          'ca-orderer-registrar',
          'ca-provider1-registrar',
          'ca-provider2-registrar',
          'orderer-enrollments',
          'peer0-provider1-chaincode-builder',
          'peer0-provider2-chaincode-builder',
          'provider1-enrollments',
          'provider2-enrollments',
        ],
        verbs: ['get', 'patch'],
      },
      {
        apiGroups: [''],
        resources: ['configmaps'],
        resourceNames: ['ca-orderer-trust', 'ca-provider1-trust', 'ca-provider2-trust', 'emr-bootstrap'],
        verbs: ['get', 'patch'],
      },
    ]);
  });

  test('uses the network tools image and pull policy; needs one namespace', () => {
    const objects = synthNetwork({ namespace: 'emr', bootstrap: {} });
    const container = jobPod(find(objects, 'Job', 'emr-bootstrap-channel')).containers[0];
    expect(container?.image).toBe('emr/operator:0.1.0');
    expect(() => {
      new EmrNetwork(new Chart(Testing.app(), 'per-org'), 'network', { bootstrap: {} });
    }).toThrow('bootstrap needs one namespace');
  });

  test('is not rendered by default', () => {
    expect(synthNetwork({ namespace: 'emr' }).filter((o) => o.kind === 'Job')).toEqual([]);
  });
});
