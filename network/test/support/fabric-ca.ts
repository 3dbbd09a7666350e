// Starts a real fabric-ca-server with TLS for integration tests. Temporary: the devnet runner will start CAs
// from the shared node specs, and this helper should then delegate to it.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { newCaClient } from '../../src/ca';

/** A running fabric-ca-server. */
export interface FabricCa {
  /** `https://127.0.0.1:<port>`. */
  readonly url: string;
  readonly caName: string;
  /** The CA's self-signed root (ca-cert.pem); it also issued the server's TLS certificate. */
  readonly caCertificate: string;
  /** The bootstrap registrar given with `-b`. */
  readonly bootstrap: { readonly enrollmentId: string; readonly secret: string };
  /** Server home directory, holding its database, keys and `server.log`. */
  readonly home: string;
  /** Stops the server and deletes its home directory. */
  stop(): Promise<void>;
}

export interface StartFabricCaOptions {
  readonly caName?: string;
  /** How long to wait for the CA to answer /cainfo. Default 30000. */
  readonly readyTimeoutMs?: number;
}

const BOOTSTRAP = { enrollmentId: 'admin', secret: 'adminpw' } as const;

/** Starts fabric-ca-server on free loopback ports and resolves once it answers GET /api/v1/cainfo over TLS. */
export async function startFabricCa(options: StartFabricCaOptions = {}): Promise<FabricCa> {
  const caName = options.caName ?? 'ca-test';
  const home = await mkdtemp(join(tmpdir(), 'emr-fabric-ca-'));
  const [port, operationsPort] = [await freePort(), await freePort()];
  const logFile = join(home, 'server.log');
  const log = openSync(logFile, 'a');
  const args = [
    'start',
    '-b',
    `${BOOTSTRAP.enrollmentId}:${BOOTSTRAP.secret}`,
    '--port',
    `${port}`,
    '--home',
    home,
  ];
  const child = spawn(join(toolsBinDir(), 'fabric-ca-server'), args, {
    env: {
      ...process.env,
      FABRIC_CA_SERVER_ADDRESS: '127.0.0.1',
      FABRIC_CA_SERVER_TLS_ENABLED: 'true',
      FABRIC_CA_SERVER_CA_NAME: caName,
      FABRIC_CA_SERVER_CSR_CN: caName,
      FABRIC_CA_SERVER_CSR_HOSTS: 'localhost,127.0.0.1',
      FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS: `127.0.0.1:${operationsPort}`,
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log); // the child holds its own copy
  const stop = async (): Promise<void> => {
    await terminate(child);
    await rm(home, { recursive: true, force: true });
  };
  const url = `https://127.0.0.1:${port}`;
  try {
    const caCertificate = await waitUntilReady(child, url, caName, join(home, 'ca-cert.pem'), options);
    return { url, caName, caCertificate, bootstrap: BOOTSTRAP, home, stop };
  } catch (error) {
    const tail = (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-20).join('\n');
    await stop();
    throw new Error(
      `fabric-ca-server did not become ready: ${String(error)}\n--- server.log (tail) ---\n${tail}`,
      {
        cause: error,
      },
    );
  }
}

/** A TCP port nothing listens on right now (the kernel's pick for port 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

async function waitUntilReady(
  child: ChildProcess,
  url: string,
  caName: string,
  caCertFile: string,
  options: StartFabricCaOptions,
): Promise<string> {
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  let lastError: unknown = 'ca-cert.pem not written yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`exited early (code ${child.exitCode}, signal ${child.signalCode})`);
    }
    // The server writes its root before it listens; until then there is nothing to trust.
    const caCertificate = await readFile(caCertFile, 'utf8').catch(() => undefined);
    if (caCertificate !== undefined) {
      try {
        await newCaClient({
          url,
          tlsCaCertificate: caCertificate,
          caName,
          timeoutMs: 2000,
        }).getCaCertificate();
        return caCertificate;
      } catch (error) {
        lastError = error;
      }
    }
    await sleep(100);
  }
  throw new Error(`timed out; last error: ${String(lastError)}`);
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

function toolsBinDir(): string {
  const script = resolve(__dirname, '../../../scripts/tools.sh');
  return join(execFileSync(script, ['--print-dir'], { encoding: 'utf8' }).trim(), 'bin');
}
