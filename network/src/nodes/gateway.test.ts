import { describe, expect, it } from '@jest/globals';
import { GATEWAY_ENV, gatewaySpec, type GatewaySpecInput } from './gateway';

const input: GatewaySpecInput = {
  name: 'gateway-provider1',
  mspId: 'Provider1MSP',
  placement: { listenHost: '0.0.0.0', advertisedHost: 'gateway.provider1.svc' },
  port: 8443,
  image: 'emr/gateway:0.1.0',
  runtime: { node: 'node', script: '/app/dist/server.js' },
  peer: { endpoint: 'peer0.provider1.svc:7051', tlsCaFile: '/trust/peer/ca.crt', serverName: 'peer0' },
  ca: { url: 'https://ca.provider1.svc:7054', tlsCaFile: '/trust/ca/ca.crt', caName: 'ca-provider1' },
  secrets: {
    registrar: { enrollmentId: 'registrar', secret: { name: 'ca-provider1', key: 'registrar-secret' } },
    jwtKey: { name: 'gateway-provider1', key: 'jwt-secret' },
    keyEncryptionKey: { name: 'gateway-provider1', key: 'key-encryption-key' },
  },
  dataDir: '/data',
  tls: { certFile: '/tls/server.crt', keyFile: '/tls/server.key' },
};

describe('gatewaySpec', () => {
  const spec = gatewaySpec(input);

  it('runs the compiled server with Node.js and binds the placement host', () => {
    expect(spec.kind).toBe('gateway');
    expect(spec.command).toEqual(['node', '/app/dist/server.js']);
    expect(spec.env[GATEWAY_ENV.listenHost]).toBe('0.0.0.0');
    expect(spec.env[GATEWAY_ENV.port]).toBe('8443');
    expect(spec.env[GATEWAY_ENV.peerEndpoint]).toBe('peer0.provider1.svc:7051');
    expect(spec.env[GATEWAY_ENV.caName]).toBe('ca-provider1');
  });

  it('passes every secret by reference only', () => {
    expect(spec.env[GATEWAY_ENV.registrarSecret]).toEqual({
      secret: { name: 'ca-provider1', key: 'registrar-secret' },
    });
    expect(spec.env[GATEWAY_ENV.jwtSecret]).toEqual({
      secret: { name: 'gateway-provider1', key: 'jwt-secret' },
    });
    expect(spec.env[GATEWAY_ENV.keyEncryptionKey]).toEqual({
      secret: { name: 'gateway-provider1', key: 'key-encryption-key' },
    });
    const literals = Object.values(spec.env).filter((value) => typeof value === 'string');
    expect(literals.join(' ')).not.toMatch(/secret-value|BEGIN/);
  });

  it('serves HTTPS, is ready on /readyz, and mounts trust anchors read-only and its data folder writable', () => {
    expect(spec.ports).toEqual([{ name: 'https', port: 8443 }]);
    expect(spec.readiness).toEqual({ scheme: 'HTTPS', port: 'https', path: '/readyz' });
    expect(spec.env[GATEWAY_ENV.databaseFile]).toBe('/data/gateway.db');
    expect(spec.mounts).toEqual([
      { path: '/trust/peer', source: 'credentials', readOnly: true },
      { path: '/trust/ca', source: 'credentials', readOnly: true },
      { path: '/tls', source: 'credentials', readOnly: true },
      { path: '/data', source: 'data', readOnly: false },
    ]);
  });

  it('falls back to plain HTTP without TLS files (e.g. behind a TLS-terminating mesh)', () => {
    const plain = gatewaySpec({ ...input, tls: undefined });
    expect(plain.readiness).toEqual({ scheme: 'HTTP', port: 'http', path: '/readyz' });
    expect(plain.env[GATEWAY_ENV.tlsCertFile]).toBeUndefined();
  });
});
