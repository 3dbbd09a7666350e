import { describe, expect, it } from '@jest/globals';
import { FINALIZER, type MedicalProvider } from '../api/medical-provider';
import { parseSize, renderProvider, resourceTypeOf } from './kubernetes';

const provider: MedicalProvider = {
  apiVersion: 'emr-fabric.dev/v1alpha1',
  kind: 'MedicalProvider',
  metadata: { name: 'provider3', namespace: 'emr-provider3', uid: 'uid-3', finalizers: [FINALIZER] },
  spec: {
    mspId: 'Provider3MSP',
    displayName: 'St. Mary',
    network: { name: 'emr', namespace: 'emr-orderer', channel: 'emr' },
    peers: { replicas: 2, storage: { size: '20Gi', storageClassName: 'fast' } },
    ca: { registrarSecretRef: { name: 'ca-provider3-registrar', key: 'secret' } },
    chaincode: { name: 'emr', version: '1.0' },
    gateway: { replicas: 1 },
    imagePullPolicy: 'Never',
    consentPolicy: { mode: 'Automatic' },
  },
};

describe('renderProvider', () => {
  const { objects } = renderProvider(provider);

  it('renders the CA, the peers, the chaincode server and the gateway under the names the steps use', () => {
    const workloads = objects
      .filter((o) => ['StatefulSet', 'Deployment'].includes(o.kind))
      .map((o) => o.metadata.name);
    expect(workloads.sort()).toEqual([
      'ca-provider3',
      'chaincode-provider3',
      'gateway-provider3',
      'peer0-provider3',
      'peer1-provider3',
    ]);
  });

  it('puts every object in the namespace, owned by the MedicalProvider and labelled for cleanup', () => {
    for (const object of objects) {
      expect(object.metadata.namespace).toBe('emr-provider3');
      expect(object.metadata.ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'MedicalProvider',
          name: 'provider3',
          uid: 'uid-3',
          controller: true,
        }),
      ]);
      expect(object.metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'emr-operator',
        'emr-fabric.dev/provider': 'provider3',
      });
      expect(() => resourceTypeOf(object)).not.toThrow();
    }
  });

  it('follows the spec: storage, pull policy, the registrar Secret reference; no Secret values', () => {
    const peer = objects.find(
      (o) => o.kind === 'StatefulSet' && o.metadata.name === 'peer1-provider3',
    ) as unknown as {
      spec: {
        volumeClaimTemplates: {
          spec: { storageClassName: string; resources: { requests: { storage: string } } };
        }[];
        template: { spec: { containers: { imagePullPolicy: string }[] } };
      };
    };
    expect(peer.spec.volumeClaimTemplates[0]?.spec).toMatchObject({
      storageClassName: 'fast',
      resources: { requests: { storage: '20Gi' } },
    });
    expect(peer.spec.template.spec.containers[0]?.imagePullPolicy).toBe('Never');
    expect(JSON.stringify(objects)).toContain('ca-provider3-registrar');
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });
});

describe('parseSize', () => {
  it('reads Mi, Gi and Ti quantities and leaves others to the defaults', () => {
    expect(parseSize('512Mi')?.toMebibytes()).toBe(512);
    expect(parseSize('2Gi')?.toGibibytes()).toBe(2);
    expect(parseSize('1Ti')?.toTebibytes()).toBe(1);
    expect(parseSize('1.5G')).toBeUndefined();
    expect(parseSize(undefined)).toBeUndefined();
  });
});
