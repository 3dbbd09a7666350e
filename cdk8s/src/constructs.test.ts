// Construct options beyond the example: operator-written Secrets instead of enrollment, pull policy, one
// namespace for everything, a provider rendered alone (as the operator will), exposure, and validation.
import { describe, expect, test } from '@jest/globals';
import { Chart, Testing } from 'cdk8s';
import { ImagePullPolicy } from 'cdk8s-plus-33';
import { MUTUAL_TLS_CONNECTION, ordererSpec, packageChaincodeAsService } from '@emr/network';
import { ChaincodeService } from './chaincode-service';
import { MedicalProviderOrg } from './medical-provider-org';
import { OrderingService } from './ordering-service';
import {
  allContainers,
  find,
  podTemplate,
  synthNetwork,
  workloads,
  type Manifest,
} from './test-support/manifests';
import { parseImage } from './workload-options';

const PROVIDER3 = { name: 'provider3', mspId: 'Provider3MSP' };

function synthProvider(props: Partial<ConstructorParameters<typeof MedicalProviderOrg>[2]> = {}): Manifest[] {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'provider3', disableResourceNameHashes: true });
  new MedicalProviderOrg(chart, 'provider3', { org: PROVIDER3, ...props });
  return Testing.synth(chart) as Manifest[];
}

describe("identities from Secrets (the operator's enrollment)", () => {
  const objects = synthNetwork({ identities: 'secrets' });

  test('no workload enrolls by itself', () => {
    for (const workload of workloads(objects)) {
      expect(podTemplate(workload).spec.initContainers ?? []).toEqual([]);
    }
  });

  test("a peer mounts its MSP and TLS Secrets read-only, laid out as Fabric's folders", () => {
    const pod = podTemplate(find(objects, 'StatefulSet', 'peer0-provider1')).spec;
    expect(pod.volumes).toEqual(
      expect.arrayContaining([
        {
          name: 'msp',
          secret: {
            secretName: 'peer0-provider1-msp',
            defaultMode: 0o440,
            items: [
              { key: 'ca.pem', path: 'cacerts/ca.pem' },
              { key: 'cert.pem', path: 'signcerts/cert.pem' },
              { key: 'config.yaml', path: 'config.yaml' },
              { key: 'key.pem', path: 'keystore/priv_sk' },
              { key: 'tlsca.pem', path: 'tlscacerts/ca.pem' },
            ],
          },
        },
        {
          name: 'tls',
          secret: {
            secretName: 'peer0-provider1-tls',
            defaultMode: 0o440,
            items: [
              { key: 'ca.crt', path: 'ca.crt' },
              { key: 'tls.crt', path: 'server.crt' },
              { key: 'tls.key', path: 'server.key' },
            ],
          },
        },
      ]),
    );
    const mounts = pod.containers[0]?.volumeMounts ?? [];
    expect(mounts.filter((m) => m.name === 'msp' || m.name === 'tls').map((m) => m.readOnly)).toEqual([
      true,
      true,
    ]);
  });

  test('each orderer pod mounts its own sub-folder of the shared Secret, by pod name', () => {
    const orderer = find(objects, 'StatefulSet', 'orderer');
    const main = podTemplate(orderer).spec.containers[0];
    expect(main?.env?.[0]).toEqual({
      name: 'POD_NAME',
      valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
    });
    const tlsMount = main?.volumeMounts?.find((m) => m.name === 'tls');
    expect(tlsMount).toMatchObject({ mountPath: '/var/hyperledger/orderer/tls', subPathExpr: '$(POD_NAME)' });
    const tls = podTemplate(orderer).spec.volumes?.find((v) => v['name'] === 'tls') as {
      secret: { items: { key: string; path: string }[] };
    };
    expect(tls.secret.items).toContainEqual({ key: 'orderer-2.tls.key', path: 'orderer-2/server.key' });
    expect(tls.secret.items).toHaveLength(9);
  });
});

describe('images', () => {
  test('pull policy Never reaches every container, init containers included', () => {
    const objects = synthNetwork({ imagePullPolicy: ImagePullPolicy.NEVER });
    const policies = new Set(
      workloads(objects).flatMap((w) => allContainers(w).map((c) => c.imagePullPolicy)),
    );
    expect([...policies]).toEqual(['Never']);
  });

  test('repositories and tags are configurable per component', () => {
    const objects = synthNetwork({
      images: {
        peer: { repository: 'registry.local/fabric-peer', tag: '3.1.1-emr' },
        tools: { repository: 'registry.local/emr-operator', tag: 'dev' },
      },
    });
    const peer = find(objects, 'StatefulSet', 'peer0-provider2');
    expect(allContainers(peer).map((c) => c.image)).toEqual([
      'registry.local/emr-operator:dev',
      'registry.local/fabric-peer:3.1.1-emr',
    ]);
    expect(peer.metadata.labels?.['app.kubernetes.io/version']).toBe('3.1.1-emr');
  });

  test('an image reference without a tag is refused', () => {
    expect(() => parseImage('hyperledger/fabric-peer')).toThrow(/no tag/);
    expect(parseImage('localhost:5000/emr/gateway:0.1.0')).toEqual({
      repository: 'localhost:5000/emr/gateway',
      tag: '0.1.0',
    });
  });
});

describe('one namespace for the whole network (the Helm chart)', () => {
  const objects = synthNetwork({ namespace: 'emr' });

  test('creates no Namespace and puts every object into the given one', () => {
    expect(objects.filter((o) => o.kind === 'Namespace')).toEqual([]);
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['emr']));
  });

  test('policies select the other orgs in the same namespace, without a namespace selector', () => {
    const policy = find(objects, 'NetworkPolicy', 'peer0-provider1')['spec'] as {
      egress: { to: object[] }[];
    };
    expect(policy.egress[0]?.to).toEqual([
      {
        podSelector: {
          matchLabels: {
            'app.kubernetes.io/part-of': 'emr-network',
            'app.kubernetes.io/component': 'orderer',
          },
        },
      },
    ]);
  });
});

describe('a provider rendered alone (what the operator applies for a MedicalProvider)', () => {
  test('with two peers, the second learns gossip membership from the first', () => {
    const objects = synthProvider({ peers: 2 });
    const env = podTemplate(find(objects, 'StatefulSet', 'peer1-provider3')).spec.containers[0]?.env ?? [];
    expect(env.find((e) => e.name === 'CORE_PEER_GOSSIP_BOOTSTRAP')?.value).toBe(
      'peer0-provider3.provider3.svc.cluster.local:7051',
    );
    expect(objects.every((o) => o.metadata.namespace === 'provider3')).toBe(true);
  });

  test('exposes the gateway through an Ingress and an HTTPRoute when asked, its TLS certificate naming the host', () => {
    const objects = synthProvider({
      gateway: {
        ingress: { host: 'provider3.emr.example', className: 'nginx', tlsSecret: 'provider3-public-tls' },
        httpRoute: {
          hostnames: ['api.provider3.example'],
          parentRefs: [{ name: 'public', namespace: 'gateways' }],
        },
      },
    });
    expect(find(objects, 'Ingress', 'gateway-provider3')['spec']).toMatchObject({
      ingressClassName: 'nginx',
      rules: [{ host: 'provider3.emr.example' }],
      tls: [{ hosts: ['provider3.emr.example'], secretName: 'provider3-public-tls' }],
    });
    expect(find(objects, 'HTTPRoute', 'gateway-provider3')['spec']).toMatchObject({
      hostnames: ['api.provider3.example'],
      rules: [{ backendRefs: [{ name: 'gateway-provider3', port: 8443 }] }],
    });
    const init = podTemplate(find(objects, 'Deployment', 'gateway-provider3')).spec.initContainers?.[0];
    expect(init?.env?.find((e) => e.name === 'EMR_TLS_HOSTS')?.value).toContain(
      'provider3.emr.example,api.provider3.example',
    );
  });

  test('without a gateway', () => {
    const objects = synthProvider({ gateway: { enabled: false } });
    expect(objects.filter((o) => o.metadata.name.startsWith('gateway'))).toEqual([]);
  });

  test('refuses peer counts and names that cannot work', () => {
    expect(() => synthProvider({ peers: 0 })).toThrow(/1 to 9 peers/);
    expect(() => synthProvider({ org: { name: 'Provider_3', mspId: 'P3' } })).toThrow(/DNS-1123/);
  });
});

describe('ordering service', () => {
  test("one pod template serves every orderer: a spec depends on the orderer's name only through `name`", () => {
    const input = {
      mspId: 'OrdererMSP',
      placement: { listenHost: '0.0.0.0', advertisedHost: 'x' },
      ports: { grpc: 7050, admin: 7053, operations: 9443 },
      paths: { fabricConfig: '/c', msp: '/m', tls: '/t', data: '/d' },
    };
    const first = ordererSpec({ ...input, name: 'orderer-0' });
    const second = ordererSpec({ ...input, name: 'orderer-2' });
    expect({ ...first, name: 'any' }).toEqual({ ...second, name: 'any' });
  });

  test('lists a stable endpoint per consenter and refuses zero replicas', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'emr-orderer' });
    const service = new OrderingService(chart, 'orderers', { org: { name: 'orderer', mspId: 'OrdererMSP' } });
    expect(service.endpoints.map((e) => `${e.host}:${e.port}`)).toEqual([
      'orderer-0.orderer.emr-orderer.svc.cluster.local:7050',
      'orderer-1.orderer.emr-orderer.svc.cluster.local:7050',
      'orderer-2.orderer.emr-orderer.svc.cluster.local:7050',
    ]);
    expect(service.endpoints[0]?.adminUrl).toBe(
      'https://orderer-0.orderer.emr-orderer.svc.cluster.local:7053',
    );
    expect(
      () => new OrderingService(chart, 'none', { org: { name: 'x', mspId: 'X' }, name: 'none', replicas: 0 }),
    ).toThrow(/at least one orderer/);
  });
});

test('the chaincode server runs the package ID devnet and the operator install (same package, same bytes)', () => {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'p' });
  const server = new ChaincodeService(chart, 'cc', { org: PROVIDER3 });
  const expected = packageChaincodeAsService('emr_1.0', MUTUAL_TLS_CONNECTION).packageId;
  expect(server.packageId).toBe(expected);
  expect(server.spec.env['CORE_CHAINCODE_ID']).toBe(expected);
  expect(server.address).toBe('chaincode-provider3.p.svc.cluster.local:9999');
});
