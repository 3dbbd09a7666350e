/**
 * A real Kubernetes API server for tests: etcd 3.6 and kube-apiserver 1.35 from `make tools`, on free loopback
 * ports, with a throwaway CA, a static admin token and service-account keys. No controllers run (no namespace
 * finalization, no Pods scheduled), which is what manifest validation and reconcile tests need: admission,
 * defaulting, schema and CEL validation, server-side apply, RBAC — the API server's own behaviour.
 *
 * Reused by the operator's tests: `startKubeApiServer()` in beforeAll, `stop()` in afterAll.
 * Flags follow controller-runtime's envtest (see ../shared/notes/fabric-without-docker.md §9).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { webcrypto, randomBytes, generateKeyPairSync } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
// Through @emr/network's x509 module, which loads the reflect-metadata polyfill @peculiar/x509 needs first.
import * as x509 from '@emr/network/dist/ca/x509';

/** The answer of one API request. `body` is parsed JSON when the server sent JSON, else the raw text. */
export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  /** `Warning` headers, e.g. Pod Security warnings for a workload's pod template. */
  readonly warnings: readonly string[];
}

export interface RequestOptions {
  /** Query parameters, e.g. `{ dryRun: 'All', fieldManager: 'emr-test' }`. */
  readonly query?: Readonly<Record<string, string>>;
  /** Content type of `body`; default `application/json` (objects are JSON-encoded, strings sent as they are). */
  readonly contentType?: string;
  /** Accept header; default `application/json` (e.g. the Table form kubectl prints printer columns from). */
  readonly accept?: string;
}

export interface KubeApiServer {
  /** `https://127.0.0.1:<port>`. */
  readonly url: string;
  /** Bearer token of a `system:masters` user. */
  readonly token: string;
  /** PEM of the throwaway CA that issued the serving certificate. */
  readonly caCertificate: string;
  /** Temporary folder with etcd data, keys and logs (`etcd.log`, `kube-apiserver.log`). */
  readonly dir: string;
  /** Kubernetes version the server reports, e.g. `v1.35.4`. */
  readonly version: string;
  /** One authenticated request; never throws for HTTP error statuses. */
  request(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse>;
  /** A kubeconfig (token auth, embedded CA) for tools such as kubectl or @kubernetes/client-node. */
  kubeconfig(): string;
  /** Stops kube-apiserver and etcd and deletes the folder. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartKubeApiServerOptions {
  /** Folder with `etcd` and `kube-apiserver`; default `$EMR_TOOLS_DIR/bin`, else what `scripts/tools.sh` prints. */
  readonly binDir?: string;
  /** How long to wait for /readyz. Default 60000 (two cold binaries on 2 cores take ~5–10 s). */
  readonly readyTimeoutMs?: number;
  /** Extra kube-apiserver flags, e.g. `['--feature-gates=…']`. */
  readonly extraApiServerFlags?: readonly string[];
}

const ADMIN_USER = 'emr-test-admin';

/** Starts etcd and kube-apiserver and resolves once /readyz answers `ok`. */
export async function startKubeApiServer(options: StartKubeApiServerOptions = {}): Promise<KubeApiServer> {
  const binDir = options.binDir ?? toolsBinDir();
  for (const binary of ['etcd', 'kube-apiserver']) {
    if (!existsSync(join(binDir, binary))) {
      throw new Error(`${join(binDir, binary)} is missing — run \`make tools\` first`);
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'emr-kube-apiserver-'));
  const processes: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const child of processes.splice(0).reverse()) await terminate(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const [etcdClientPort, etcdPeerPort, apiPort] = await freePorts(3);
    const pki = await writePki(dir);
    const token = randomBytes(24).toString('hex');
    await writeFile(join(dir, 'tokens.csv'), `${token},${ADMIN_USER},${ADMIN_USER},"system:masters"\n`, {
      mode: 0o600,
    });
    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    processes.push(
      launch(join(binDir, 'etcd'), join(dir, 'etcd.log'), [
        '--name=emr-test',
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=emr-test=${peerUrl}`,
        '--unsafe-no-fsync=true',
        '--log-level=warn',
      ]),
    );
    const url = `https://127.0.0.1:${apiPort}`;
    processes.push(
      launch(join(binDir, 'kube-apiserver'), join(dir, 'kube-apiserver.log'), [
        `--etcd-servers=${etcdUrl}`,
        `--secure-port=${apiPort}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--tls-cert-file=${pki.servingCert}`,
        `--tls-private-key-file=${pki.servingKey}`,
        `--cert-dir=${join(dir, 'certs')}`,
        '--service-cluster-ip-range=10.0.0.0/24',
        '--allow-privileged=true',
        '--disable-admission-plugins=ServiceAccount',
        '--authorization-mode=RBAC',
        `--token-auth-file=${join(dir, 'tokens.csv')}`,
        `--service-account-issuer=${url}/`,
        `--service-account-key-file=${pki.serviceAccountPublicKey}`,
        `--service-account-signing-key-file=${pki.serviceAccountPrivateKey}`,
        ...(options.extraApiServerFlags ?? []),
      ]),
    );
    const request = newRequester(url, token, pki.caPem);
    const version = await waitUntilReady(request, processes, dir, options.readyTimeoutMs ?? 60_000);
    return {
      url,
      token,
      caCertificate: pki.caPem,
      dir,
      version,
      request,
      kubeconfig: () => kubeconfig(url, token, pki.caPem),
      stop,
    };
  } catch (error) {
    const logs = await logTails(dir);
    await stop();
    throw new Error(`kube-apiserver did not start: ${String(error)}\n${logs}`, { cause: error });
  }
}

function launch(binary: string, logFile: string, args: readonly string[]): ChildProcess {
  const log = openSync(logFile, 'a');
  const child = spawn(binary, args, { stdio: ['ignore', log, log] });
  closeSync(log);
  return child;
}

async function waitUntilReady(
  request: KubeApiServer['request'],
  processes: readonly ChildProcess[],
  dir: string,
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const exited = processes.find((p) => p.exitCode !== null || p.signalCode !== null);
    if (exited) {
      throw new Error(
        `${exited.spawnfile} exited early (code ${exited.exitCode}, signal ${exited.signalCode})`,
      );
    }
    try {
      const ready = await request('GET', '/readyz');
      // The default namespace is created by a post-start hook; objects are applied into namespaces right after.
      if (ready.status === 200 && (await request('GET', '/api/v1/namespaces/default')).status === 200) {
        const version = await request('GET', '/version');
        return (version.body as { gitVersion: string }).gitVersion;
      }
      last = `/readyz answered ${ready.status}: ${typeof ready.body === 'string' ? ready.body : JSON.stringify(ready.body)}`;
    } catch (error) {
      last = String(error);
    }
    await sleep(250);
  }
  throw new Error(`not ready within ${timeoutMs} ms (${last}); logs in ${dir}`);
}

function newRequester(url: string, token: string, caPem: string): KubeApiServer['request'] {
  return (method, path, body, options = {}) => {
    const target = new URL(path, url);
    for (const [key, value] of Object.entries(options.query ?? {})) target.searchParams.set(key, value);
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise<ApiResponse>((done, fail) => {
      const req = httpsRequest(
        target,
        {
          method,
          ca: caPem,
          headers: {
            authorization: `Bearer ${token}`,
            accept: options.accept ?? 'application/json',
            ...(payload === undefined
              ? {}
              : {
                  'content-type': options.contentType ?? 'application/json',
                  'content-length': Buffer.byteLength(payload),
                }),
          },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const json = (res.headers['content-type'] ?? '').includes('json');
            const warning = res.headers['warning'];
            done({
              status: res.statusCode ?? 0,
              body: json && text !== '' ? (JSON.parse(text) as unknown) : text,
              warnings: warning === undefined ? [] : Array.isArray(warning) ? warning : [warning],
            });
          });
          res.on('error', fail);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', fail);
      req.end(payload);
    });
  };
}

interface Pki {
  readonly caPem: string;
  readonly servingCert: string;
  readonly servingKey: string;
  readonly serviceAccountPublicKey: string;
  readonly serviceAccountPrivateKey: string;
}

const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A throwaway CA, a serving certificate for 127.0.0.1/localhost it issued, and a service-account key pair. */
async function writePki(dir: string): Promise<Pki> {
  const notBefore = new Date(Date.now() - 60 * 60 * 1000);
  const notAfter = new Date(Date.now() + DAY_MS);
  const caKeys = await webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial(),
      name: 'CN=emr-test-kube-ca',
      notBefore,
      notAfter,
      keys: caKeys,
      signingAlgorithm: SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, webcrypto),
      ],
    },
    webcrypto,
  );
  const servingKeys = await webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
  const serving = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial(),
      subject: 'CN=kube-apiserver',
      issuer: ca.subject,
      notBefore,
      notAfter,
      publicKey: servingKeys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([
          { type: 'ip', value: '127.0.0.1' },
          { type: 'dns', value: 'localhost' },
        ]),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey, false, webcrypto),
      ],
    },
    webcrypto,
  );
  const servingKeyDer = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', servingKeys.privateKey));
  const serviceAccount = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const files = {
    servingCert: ['serving.crt', serving.toString('pem')],
    servingKey: ['serving.key', pem('PRIVATE KEY', servingKeyDer)],
    serviceAccountPublicKey: ['sa.pub', serviceAccount.publicKey.export({ type: 'spki', format: 'pem' })],
    serviceAccountPrivateKey: ['sa.key', serviceAccount.privateKey.export({ type: 'pkcs8', format: 'pem' })],
  } as const;
  const paths: Record<string, string> = {};
  for (const [key, [name, content]] of Object.entries(files)) {
    paths[key] = join(dir, name);
    await writeFile(paths[key], content, { mode: 0o600 });
  }
  return {
    caPem: ca.toString('pem') + '\n',
    servingCert: join(dir, files.servingCert[0]),
    servingKey: join(dir, files.servingKey[0]),
    serviceAccountPublicKey: join(dir, files.serviceAccountPublicKey[0]),
    serviceAccountPrivateKey: join(dir, files.serviceAccountPrivateKey[0]),
  };
}

function pem(label: string, der: Buffer): string {
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${body.endsWith('\n') ? body : body + '\n'}-----END ${label}-----\n`;
}

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive
  return bytes.toString('hex');
}

function kubeconfig(url: string, token: string, caPem: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'emr-test',
        cluster: { server: url, 'certificate-authority-data': Buffer.from(caPem).toString('base64') },
      },
    ],
    users: [{ name: ADMIN_USER, user: { token } }],
    contexts: [{ name: 'emr-test', context: { cluster: 'emr-test', user: ADMIN_USER } }],
    'current-context': 'emr-test',
  });
}

async function freePorts(count: number): Promise<number[]> {
  // Hold every listener until all are picked so the kernel cannot hand out the same port twice.
  const servers = await Promise.all(
    Array.from({ length: count }, async () => {
      const server = createServer();
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      return server;
    }),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
  return ports;
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((done) => {
    const forceKill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(forceKill);
      done();
    });
    child.kill('SIGTERM');
  });
}

async function logTails(dir: string): Promise<string> {
  const tails = await Promise.all(
    ['etcd.log', 'kube-apiserver.log'].map(async (name) => {
      const text = await readFile(join(dir, name), 'utf8').catch(() => '');
      return `--- ${name} (tail) ---\n${text.split('\n').slice(-15).join('\n')}`;
    }),
  );
  return tails.join('\n');
}

/** `$EMR_TOOLS_DIR/bin`, or the folder `scripts/tools.sh --print-dir` names. */
export function toolsBinDir(): string {
  const fromEnv = process.env['EMR_TOOLS_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return join(fromEnv, 'bin');
  const script = resolve(__dirname, '../../../scripts/tools.sh');
  return join(execFileSync(script, ['--print-dir'], { encoding: 'utf8' }).trim(), 'bin');
}
