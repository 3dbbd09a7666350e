/**
 * The real one-node cluster, end to end: up → node Ready and CoreDNS → images built without a container engine and
 * imported → pods from those images run (the Fabric CA answering through a NodePort on loopback, `peer version`
 * and a DNS lookup as Jobs, the chaincode server Ready) → down → the host is as before.
 *
 * Needs root (CI runs as root on this machine type); installs missing Debian packages like `make cluster-up`.
 * Uses its own state folder, and refuses to run while another cluster (for example `make cluster-up`) is up.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Cluster } from '../src/cluster';
import { findImage } from '../src/images/catalog';
import { waitFor, type KubeClient, type KubeObject } from '../src/kube-client';
import { getFromHost, jobSucceeds } from './support/node-kit';
import {
  CLEANLY_DOWN,
  prepareTestCluster,
  removeTestCluster,
  takeDown,
  type TestCluster,
} from './support/test-cluster';

const NAMESPACE = 'emr-cluster-test';
const CA_NODE_PORT = 30754;
const MINUTES = 60_000;

interface PodLike {
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

const hardened = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

function job(name: string, image: string, args: string[]): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      backoffLimit: 0,
      template: {
        spec: {
          restartPolicy: 'Never',
          securityContext: { runAsNonRoot: true },
          containers: [
            {
              name,
              image,
              imagePullPolicy: 'Never',
              args,
              securityContext: hardened,
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

function deployment(name: string, container: Record<string, unknown>, volumes: unknown[] = []): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          securityContext: { runAsNonRoot: true },
          containers: [{ name, imagePullPolicy: 'Never', securityContext: hardened, ...container }],
          volumes,
        },
      },
    },
  };
}

async function deploymentReady(client: KubeClient, name: string): Promise<void> {
  await waitFor(
    `deployment ${name} ready`,
    async () => {
      const pods = await client.list<PodLike>(
        `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app%3D${name}`,
      );
      const ready = pods.some((p) =>
        p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      return ready ? true : undefined;
    },
    2 * MINUTES,
  );
}

describe('one-node Kubernetes cluster without Docker', () => {
  let cluster: Cluster;
  let client: KubeClient;
  let down = false;

  let test: TestCluster | undefined;

  beforeAll(async () => {
    test = await prepareTestCluster('cluster-test');
    ({ cluster } = test);
  }, 10 * MINUTES);

  afterAll(async () => {
    await removeTestCluster(test, down);
  }, 5 * MINUTES);

  it(
    'comes up: node Ready, CoreDNS available',
    async () => {
      await cluster.up({ importBuiltImages: false });
      client = await cluster.client();
      const status = await cluster.status();
      expect(status.nodeReady).toBe(true);
      expect(status.components.every((c) => c.running)).toBe(true);
      expect(status.pods.some((p) => p.name.startsWith('coredns-') && p.ready)).toBe(true);
    },
    5 * MINUTES,
  );

  it(
    'builds the images without a container engine and imports them into the node',
    async () => {
      await cluster.images(['node', 'fabric-ca', 'fabric-peer', 'chaincode', 'gateway']);
      await cluster.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } }]);
    },
    10 * MINUTES,
  );

  it(
    'serves the Fabric CA from its image, reached from the host through a NodePort on loopback',
    async () => {
      await cluster.apply([
        deployment(
          'fabric-ca',
          {
            image: findImage('fabric-ca').ref,
            args: [
              'fabric-ca-server',
              'start',
              '-b',
              'admin:adminpw',
              '--tls.enabled',
              '--csr.hosts',
              'localhost',
            ],
            ports: [{ containerPort: 7054 }],
            readinessProbe: { tcpSocket: { port: 7054 }, periodSeconds: 1 },
            volumeMounts: [{ name: 'home', mountPath: '/var/hyperledger/fabric-ca-server' }],
          },
          [{ name: 'home', emptyDir: {} }],
        ),
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'fabric-ca', namespace: NAMESPACE },
          spec: {
            type: 'NodePort',
            selector: { app: 'fabric-ca' },
            ports: [{ port: 7054, targetPort: 7054, nodePort: CA_NODE_PORT }],
          },
        },
      ]);
      await deploymentReady(client, 'fabric-ca');
      const info = await waitFor(
        'GET /cainfo through the NodePort',
        async () => {
          const response = await getFromHost(`https://127.0.0.1:${CA_NODE_PORT}/cainfo`);
          return response.status === 200 ? response : undefined;
        },
        MINUTES,
      );
      expect(JSON.parse(info.body)).toMatchObject({ success: true, result: { Version: '1.5.21' } });
    },
    5 * MINUTES,
  );

  it(
    "runs `peer version` with the ccaas builder, the gateway's modules and a DNS lookup as Jobs, the chaincode server until Ready",
    async () => {
      await cluster.apply([
        // The peer binary, and our ccaas builder claiming a ccaas package where the stock image has Fabric's.
        job('peer-version', findImage('fabric-peer').ref, [
          'sh',
          '-c',
          [
            'peer version | grep -q "Version: 3.1.1"',
            'mkdir -p /tmp/meta /tmp/src',
            `echo '{"type":"ccaas","label":"emr"}' > /tmp/meta/metadata.json`,
            '/opt/hyperledger/ccaas_builder/bin/detect /tmp/src /tmp/meta',
          ].join(' && '),
        ]),
        // The gateway's whole module graph (its workspace dependency @emr/network packed into node_modules) loads.
        job('gateway-modules', findImage('gateway').ref, [
          'node',
          '-e',
          "require('/app/dist/app.js'); require('@emr/network')",
        ]),
        job('dns', findImage('node').ref, [
          'node',
          '-e',
          "require('dns').promises.lookup('kube-dns.kube-system.svc.cluster.local').then((r) => process.exit(r.address === '10.96.0.10' ? 0 : 1))",
        ]),
        deployment('chaincode', {
          image: findImage('chaincode').ref,
          env: [
            { name: 'CORE_CHAINCODE_ADDRESS', value: '0.0.0.0:7052' },
            {
              name: 'CORE_CHAINCODE_ID',
              value: 'emr:0000000000000000000000000000000000000000000000000000000000000000',
            },
            { name: 'CORE_PEER_LOCALMSPID', value: 'Provider1MSP' },
          ],
          ports: [{ containerPort: 7052 }],
          readinessProbe: { tcpSocket: { port: 7052 }, periodSeconds: 1 },
        }),
      ]);
      await Promise.all([
        jobSucceeds(client, NAMESPACE, 'peer-version', 2 * MINUTES),
        jobSucceeds(client, NAMESPACE, 'dns', 2 * MINUTES),
        jobSucceeds(client, NAMESPACE, 'gateway-modules', 2 * MINUTES),
        deploymentReady(client, 'chaincode'),
      ]);
    },
    5 * MINUTES,
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
