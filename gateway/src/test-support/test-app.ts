import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../app';
import { newScryptPasswordHashing } from '../auth/password-hash';
import type { GatewayConfig } from '../config';
import { newGatewayMetrics } from '../metrics';
import { openSqliteStore } from '../store/sqlite-store';
import type { GatewayStore } from '../store/store';
import { FakeCa } from './fake-ca';
import { FakeLedger } from './fake-ledger';

export const ORG = 'Provider1MSP';

/** A complete configuration for tests: fresh random secrets, in-memory database, plain HTTP. */
export function testConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return {
    listenHost: '127.0.0.1',
    port: 0,
    mspId: ORG,
    channel: 'emr',
    chaincode: 'emr',
    peer: { endpoint: '127.0.0.1:1', tlsCaCertificate: '', serverName: undefined },
    ca: { url: 'https://127.0.0.1:2', tlsCaCertificate: '', caName: undefined },
    registrar: { enrollmentId: 'registrar', secret: 'registrar-secret' },
    jwtSecret: randomBytes(32),
    keyEncryptionKey: randomBytes(32),
    databaseFile: ':memory:',
    tls: undefined,
    tokenTtlSeconds: 900,
    loginRateLimitPerMinute: 1000,
    logLevel: 'info',
    shutdownGraceMs: 1000,
    ...overrides,
  };
}

/** An app over a fake ledger and a fake CA, with a real SQLite store and captured JSON log lines. */
export interface TestApp {
  readonly app: FastifyInstance;
  readonly config: GatewayConfig;
  readonly ledger: FakeLedger;
  readonly ca: FakeCa;
  readonly store: GatewayStore;
  readonly lifecycle: { closing: boolean };
  /** Every log line written so far. */
  readonly logs: string[];
  /** Logs in and returns the bearer token. */
  login(username: string, password: string): Promise<string>;
  /** Registers a user of `role` at the fake CA (as the admin would) and returns their token. */
  userWithRole(username: string, role: 'healthcenter' | 'physician'): Promise<string>;
  close(): Promise<void>;
}

export async function newTestApp(overrides: Partial<GatewayConfig> = {}): Promise<TestApp> {
  const config = testConfig(overrides);
  const ledger = new FakeLedger();
  const ca = new FakeCa(config.registrar);
  const store = openSqliteStore(':memory:');
  const lifecycle = { closing: false };
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const app = await buildApp(
    config,
    {
      ledger,
      ca,
      store,
      lifecycle,
      passwords: newScryptPasswordHashing({ log2N: 10, r: 8, p: 1 }),
      metrics: newGatewayMetrics({ processMetrics: false }),
    },
    { logStream: stream },
  );
  await app.ready();
  const login = async (username: string, password: string): Promise<string> => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password },
    });
    if (response.statusCode !== 200) throw new Error(`login of ${username} failed: ${response.body}`);
    return response.json<{ token: string }>().token;
  };
  return {
    app,
    config,
    ledger,
    ca,
    store,
    lifecycle,
    logs,
    login,
    async userWithRole(username, role) {
      const admin = await login(config.registrar.enrollmentId, config.registrar.secret);
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: { authorization: `Bearer ${admin}` },
        payload: { username, role },
      });
      if (response.statusCode !== 201)
        throw new Error(`registration of ${username} failed: ${response.body}`);
      return login(username, response.json<{ enrollmentSecret: string }>().enrollmentSecret);
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** The parsed problem of a response, after checking its media type. */
export function problemOf(response: LightMyRequestResponse): {
  code: string;
  status: number;
  detail: string;
} {
  if (!String(response.headers['content-type']).startsWith('application/problem+json')) {
    throw new Error(`not a problem response (${String(response.headers['content-type'])}): ${response.body}`);
  }
  return response.json();
}

export const bearer = (token: string): { authorization: string } => ({ authorization: `Bearer ${token}` });
