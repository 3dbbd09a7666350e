import { describe, expect, it } from '@jest/globals';
import type { EmrNetwork } from '../api/emr-network';
import { renderOrderingOrg } from './render';

const NETWORK: EmrNetwork = {
  apiVersion: 'emr-fabric.dev/v1alpha1',
  kind: 'EmrNetwork',
  metadata: { name: 'emr', namespace: 'emr-orderer', uid: 'uid-1' },
  spec: {
    channel: 'emr',
    ordererOrg: {
      mspId: 'OrdererMSP',
      caRegistrarSecretRef: { name: 'ca-orderer-registrar', key: 'secret' },
    },
    orderers: { replicas: 3, storage: { size: '2Gi', storageClassName: 'fast' } },
    foundingMembers: ['Provider1MSP', 'Provider2MSP'],
  },
};

interface Rendered {
  kind: string;
  metadata: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    ownerReferences?: unknown[];
  };
  spec?: {
    replicas?: number;
    volumeClaimTemplates?: {
      spec: { storageClassName?: string; resources: { requests: { storage: string } } };
    }[];
    template?: {
      spec: {
        initContainers?: { image: string; imagePullPolicy?: string }[];
        containers: { image: string }[];
      };
    };
  };
}

describe('renderOrderingOrg', () => {
  const { objects, orderingService, ca } = renderOrderingOrg(NETWORK, {
    images: {
      orderer: { repository: 'localhost/emr/fabric-orderer', tag: '3.1.1' },
      tools: { repository: 'localhost/emr/operator', tag: '0.1.0' },
    },
    imagePullPolicy: 'Never',
  }) as unknown as {
    objects: Rendered[];
    orderingService: { endpoints: { host: string; adminUrl: string }[] };
    ca: { endpoint: { url: string } };
  };

  it("renders the ordering org's CA and Raft orderers in the network's namespace, owned by the EmrNetwork", () => {
    const names = objects.map((o) => `${o.kind}/${o.metadata.name ?? ''}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'StatefulSet/ca-orderer',
        'Service/ca-orderer',
        'StatefulSet/orderer',
        'Service/orderer',
      ]),
    );
    for (const object of objects) {
      expect(object.metadata.namespace).toBe('emr-orderer');
      expect(object.metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'EmrNetwork', name: 'emr', uid: 'uid-1', controller: true }),
      ]);
      expect(object.metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'emr-operator',
        'emr-fabric.dev/emr-network': 'emr',
      });
    }
    expect(ca.endpoint.url).toBe('https://ca-orderer.emr-orderer.svc.cluster.local:7054');
  });

  it('runs the replicas, storage and images asked for; each orderer enrolls itself with the tools image', () => {
    const orderers = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'orderer');
    expect(orderers?.spec).toMatchObject({
      replicas: 3,
      volumeClaimTemplates: [
        { spec: { storageClassName: 'fast', resources: { requests: { storage: '2Gi' } } } },
      ],
      template: {
        spec: {
          containers: [expect.objectContaining({ image: 'localhost/emr/fabric-orderer:3.1.1' })],
          initContainers: [
            expect.objectContaining({ image: 'localhost/emr/operator:0.1.0', imagePullPolicy: 'Never' }),
          ],
        },
      },
    });
    expect(orderingService.endpoints.map((e) => e.host)).toEqual(
      [0, 1, 2].map((i) => `orderer-${i}.orderer.emr-orderer.svc.cluster.local`),
    );
  });
});
