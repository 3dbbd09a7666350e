import { describe, expect, it } from '@jest/globals';
import { caSpec } from './ca';
import { chaincodeServerSpec } from './chaincode-server';
import { expandCommand, expandEnv, type NodePaths } from './node-spec';
import { ordererSpec } from './orderer';
import { peerSpec } from './peer';

const inPod = { listenHost: '0.0.0.0', advertisedHost: 'peer0.provider1.svc' };
const paths: NodePaths = { fabricConfig: '/etc/hyperledger/fabric', msp: '/msp', tls: '/tls', data: '/data' };

describe('peerSpec', () => {
  const spec = peerSpec({
    name: 'peer0-provider1',
    mspId: 'Provider1MSP',
    placement: inPod,
    ports: { grpc: 7051, chaincode: 7052, operations: 9443 },
    paths,
    chaincodeBuilder: { dir: '/builders/ccaas', config: { name: 'peer0', key: 'builder' } },
  });

  it('listens on the placement host and advertises the reachable name to gossip and the Gateway', () => {
    expect(spec.env['CORE_PEER_LISTENADDRESS']).toBe('0.0.0.0:7051');
    expect(spec.env['CORE_PEER_ADDRESS']).toBe('peer0.provider1.svc:7051');
    expect(spec.env['CORE_PEER_GOSSIP_EXTERNALENDPOINT']).toBe('peer0.provider1.svc:7051');
  });

  it('runs without Docker: empty VM endpoint and the ccaas builder whose config comes from a secret', () => {
    expect(spec.env['CORE_VM_ENDPOINT']).toBe('');
    expect(spec.env['CORE_CHAINCODE_EXTERNALBUILDERS']).toContain('path: /builders/ccaas');
    expect(spec.env['CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG']).toEqual({
      secret: { name: 'peer0', key: 'builder' },
    });
  });

  it('enables TLS with the files of its TLS folder and keeps ledger data in the data mount', () => {
    expect(spec.env['CORE_PEER_TLS_ENABLED']).toBe('true');
    expect(spec.env['CORE_PEER_TLS_KEY_FILE']).toBe('/tls/server.key');
    expect(spec.env['CORE_PEER_FILESYSTEMPATH']).toBe('/data/ledger');
    expect(spec.mounts.find((m) => m.source === 'data')?.readOnly).toBe(false);
    expect(spec.mounts.filter((m) => m.source === 'credentials').every((m) => m.readOnly)).toBe(true);
  });
});

describe('ordererSpec', () => {
  const spec = ordererSpec({
    name: 'orderer1',
    mspId: 'OrdererMSP',
    placement: inPod,
    ports: { grpc: 7050, admin: 7053, operations: 9443 },
    paths,
  });

  it('requires a client certificate on the channel participation API', () => {
    expect(spec.env['ORDERER_ADMIN_TLS_ENABLED']).toBe('true');
    expect(spec.env['ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED']).toBe('true');
    expect(spec.env['ORDERER_ADMIN_LISTENADDRESS']).toBe('0.0.0.0:7053');
  });

  it('uses its TLS identity for Raft traffic and is ready when the operations endpoint is healthy', () => {
    expect(spec.env['ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE']).toBe('/tls/server.crt');
    expect(spec.readiness).toEqual({ scheme: 'HTTP', port: 'operations', path: '/healthz' });
    expect(spec.ports.map((p) => p.name)).toEqual(['grpc', 'admin', 'operations']);
  });
});

describe('caSpec', () => {
  const spec = caSpec({
    name: 'ca-provider1',
    mspId: 'Provider1MSP',
    caName: 'ca-provider1',
    placement: inPod,
    ports: { api: 7054, operations: 9443 },
    home: '/data',
    csrHosts: ['ca.provider1.svc', 'localhost'],
    bootstrap: { enrollmentId: 'registrar', secret: { name: 'ca-provider1', key: 'registrar-secret' } },
  });

  it('passes the bootstrap secret by reference, never as a literal', () => {
    expect(spec.env['CA_BOOTSTRAP_SECRET']).toEqual({
      secret: { name: 'ca-provider1', key: 'registrar-secret' },
    });
    // Not in the command line (readable by every user of the host): composed in the environment.
    expect(spec.command).toEqual(['fabric-ca-server', 'start']);
    expect(spec.env['FABRIC_CA_SERVER_BOOT']).toBe('$(CA_BOOTSTRAP_ID):$(CA_BOOTSTRAP_SECRET)');
    const names = Object.keys(spec.env);
    expect(names.indexOf('FABRIC_CA_SERVER_BOOT')).toBeGreaterThan(names.indexOf('CA_BOOTSTRAP_SECRET'));
    expect(spec.env['FABRIC_CA_SERVER_CSR_HOSTS']).toBe('ca.provider1.svc,localhost');
  });
});

describe('chaincodeServerSpec', () => {
  it('serves the package ID over mutual TLS with the org of its peers', () => {
    const spec = chaincodeServerSpec({
      name: 'chaincode-provider1',
      mspId: 'Provider1MSP',
      placement: inPod,
      port: 9999,
      packageId: 'emr_1.0:abc',
      tlsDir: '/tls',
      image: 'emr-chaincode:1.0',
      runtime: { node: 'node', shimCli: '/app/node_modules/fabric-shim/cli.js', modulePath: '/app' },
    });
    expect(spec.env['CORE_CHAINCODE_ID']).toBe('emr_1.0:abc');
    expect(spec.env['CORE_PEER_LOCALMSPID']).toBe('Provider1MSP');
    expect(spec.env['CORE_CHAINCODE_TLS_CLIENT_CACERT_FILE']).toBe('/tls/ca.crt');
    expect(spec.readiness).toEqual({ scheme: 'TCP', port: 'grpc' });
  });
});

describe('expandCommand', () => {
  it('expands $(VAR) like the kubelet and leaves unknown references as they are', () => {
    expect(expandCommand(['-b', '$(A):$(B)', '$(C)'], { A: 'id', B: 's3cret' })).toEqual([
      '-b',
      'id:s3cret',
      '$(C)',
    ]);
  });
});

describe('expandEnv', () => {
  it('expands $(VAR) from variables defined before, like the kubelet, and leaves later or unknown ones', () => {
    expect(expandEnv({ A: 'id', B: 's3cret', BOOT: '$(A):$(B)', EARLY: '$(LATE)', LATE: 'x' })).toEqual({
      A: 'id',
      B: 's3cret',
      BOOT: 'id:s3cret',
      EARLY: '$(LATE)',
      LATE: 'x',
    });
  });
});
