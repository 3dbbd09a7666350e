import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';

const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const PEM_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

describe('loadConfig', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gateway-config-'));
    for (const [file, text] of [
      ['ca.crt', PEM_CERT],
      ['server.crt', PEM_CERT],
      ['server.key', PEM_KEY],
    ] as const) {
      writeFileSync(join(dir, file), text);
    }
    env = {
      GATEWAY_PORT: '8443',
      GATEWAY_MSP_ID: 'Provider1MSP',
      GATEWAY_PEER_ENDPOINT: 'peer0.provider1:7051',
      GATEWAY_PEER_TLS_CA_FILE: join(dir, 'ca.crt'),
      GATEWAY_CA_URL: 'https://ca.provider1:7054',
      GATEWAY_CA_TLS_CA_FILE: join(dir, 'ca.crt'),
      GATEWAY_REGISTRAR_ID: 'registrar',
      GATEWAY_REGISTRAR_SECRET: 'registrar-secret',
      GATEWAY_JWT_SECRET: 'j'.repeat(32),
      GATEWAY_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      GATEWAY_DATABASE_FILE: join(dir, 'gateway.db'),
      GATEWAY_TLS_CERT_FILE: join(dir, 'server.crt'),
      GATEWAY_TLS_KEY_FILE: join(dir, 'server.key'),
    };
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a complete environment, with defaults for the optional settings', () => {
    const config = loadConfig(env);
    expect(config).toMatchObject({
      port: 8443,
      mspId: 'Provider1MSP',
      listenHost: '127.0.0.1',
      channel: 'emr',
      chaincode: 'emr',
      tokenTtlSeconds: 900,
      loginRateLimitPerMinute: 10,
      logLevel: 'info',
      peer: { endpoint: 'peer0.provider1:7051', tlsCaCertificate: PEM_CERT, serverName: undefined },
      tls: { certificate: PEM_CERT, privateKey: PEM_KEY },
    });
    expect(config.keyEncryptionKey).toHaveLength(32);
  });

  it('serves plain HTTP when no TLS files are given', () => {
    const plain = { ...env, GATEWAY_TLS_CERT_FILE: undefined, GATEWAY_TLS_KEY_FILE: undefined };
    expect(loadConfig(plain).tls).toBeUndefined();
  });

  it('reports every problem at once, one line each, without echoing secrets', () => {
    const broken = {
      ...env,
      GATEWAY_PORT: '70000',
      GATEWAY_MSP_ID: undefined,
      GATEWAY_CA_URL: 'http://ca:7054',
      GATEWAY_JWT_SECRET: 'short-secret',
      GATEWAY_KEY_ENCRYPTION_KEY: 'c2hvcnQ=',
      GATEWAY_PEER_TLS_CA_FILE: join(dir, 'missing.crt'),
      GATEWAY_TLS_KEY_FILE: undefined,
      GATEWAY_LOG_LEVEL: 'loud',
    };
    let error: unknown;
    try {
      loadConfig(broken);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      'GATEWAY_TLS_CERT_FILE and GATEWAY_TLS_KEY_FILE must be set together (or neither, for plain HTTP)',
      'GATEWAY_PORT must be an integer from 1 to 65535, got "70000"',
      'GATEWAY_MSP_ID is required (an MSP ID)',
      expect.stringMatching(/^GATEWAY_PEER_TLS_CA_FILE: cannot read .*missing\.crt \(ENOENT\)$/),
      'GATEWAY_CA_URL must be an https:// URL, got "http://ca:7054"',
      'GATEWAY_JWT_SECRET must be at least 32 characters long',
      'GATEWAY_KEY_ENCRYPTION_KEY must be the base64 encoding of 32 random bytes',
      'GATEWAY_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ]);
    expect((error as Error).message).not.toContain('short-secret');
  });

  it('rejects a TLS key file that holds no private key', () => {
    expect(() => loadConfig({ ...env, GATEWAY_TLS_KEY_FILE: join(dir, 'server.crt') })).toThrow(
      /GATEWAY_TLS_KEY_FILE: .* is not a PEM private key/,
    );
  });
});
