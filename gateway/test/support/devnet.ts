import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Devnet, devnetOptions, type DevnetDescription, type OrganizationDescription } from '@emr/network';

/**
 * A devnet of its own for a test file, in a temporary folder, on ports from EMR_TEST_PORT_BASE (default 23000
 * for the gateway's tests), with one REST gateway per provider.
 */
export async function startDevnet(): Promise<{ devnet: Devnet; description: DevnetDescription }> {
  const root = mkdtempSync(join(tmpdir(), 'emr-gateway-test-'));
  const portBase = Number(process.env['EMR_TEST_PORT_BASE'] ?? 23000);
  const devnet = new Devnet(devnetOptions({ root, portBase, providers: 2 }));
  await devnet.up();
  return { devnet, description: await devnet.describe() };
}

/** An HTTP answer with its body parsed as JSON when it is JSON. */
export interface HttpAnswer<T = unknown> {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: T;
}

/** A minimal HTTPS client of one provider's gateway, trusting only that provider's CA. */
export class GatewayClient {
  readonly #base: URL;
  readonly #ca: string;

  constructor(readonly org: OrganizationDescription) {
    if (org.gatewayUrl === undefined || org.gatewayTlsCaCertPath === undefined) {
      throw new Error(`${org.mspId} runs no gateway (is gateway/dist built?)`);
    }
    this.#base = new URL(org.gatewayUrl);
    this.#ca = readFileSync(org.gatewayTlsCaCertPath, 'utf8');
  }

  call<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: { token?: string; body?: object } = {},
  ): Promise<HttpAnswer<T>> {
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    };
    return new Promise((resolve, reject) => {
      const outgoing = request(
        new URL(path, this.#base),
        { method, headers, ca: this.#ca, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const json = /json/.test(res.headers['content-type'] ?? '');
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: (json ? JSON.parse(text) : text) as T,
            });
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }

  /** Logs in and returns the token; fails the test with the problem otherwise. */
  async login(username: string, password: string): Promise<string> {
    const answer = await this.call<{ token: string }>('POST', '/api/v1/auth/login', {
      body: { username, password },
    });
    if (answer.status !== 200)
      throw new Error(`login of ${username} at ${this.org.mspId}: ${JSON.stringify(answer)}`);
    return answer.body.token;
  }

  /** The org admin (CA registrar from network.json) registers a staff user, who then logs in. */
  async staff(
    username: string,
    role: 'healthcenter' | 'physician',
  ): Promise<{ token: string; password: string }> {
    const admin = await this.login(
      this.org.ca.bootstrapAdmin.enrollmentId,
      this.org.ca.bootstrapAdmin.secret,
    );
    const registered = await this.call<{ enrollmentSecret: string }>('POST', '/api/v1/users', {
      token: admin,
      body: { username, role },
    });
    if (registered.status !== 201)
      throw new Error(`registration of ${username}: ${JSON.stringify(registered)}`);
    const password = registered.body.enrollmentSecret;
    return { token: await this.login(username, password), password };
  }
}
