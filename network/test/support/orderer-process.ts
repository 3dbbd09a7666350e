/**
 * Starts one real Fabric orderer as a child process for integration tests (channel participation, no system
 * channel, TLS on gRPC and on the admin endpoint with client authentication). Temporary: the shared node-spec module
 * will start nodes for the devnet and tests later.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import type { FabricTools } from './fabric-tools';

/** Files an orderer needs, all PEM paths except the MSP folder. */
export interface OrdererFiles {
  readonly mspId: string;
  /** Local MSP folder of the orderer's signing identity (OU=orderer). */
  readonly mspDir: string;
  readonly tlsCertificateFile: string;
  readonly tlsPrivateKeyFile: string;
  readonly tlsCaFile: string;
  /** CA whose certificates may call the admin (channel participation) endpoint. */
  readonly adminClientCaFile: string;
}

export interface OrdererProcess {
  /** gRPC (Broadcast/Deliver) address, 127.0.0.1:port. */
  readonly address: string;
  readonly port: number;
  /** https://127.0.0.1:port of the channel participation API. */
  readonly adminUrl: string;
  /** The orderer's recent output, for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited after 5 s. */
  stop(): Promise<void>;
}

const OUTPUT_LIMIT = 64 * 1024;
const START_TIMEOUT_MS = 30_000;

/** A free TCP port on the loopback interface (free when asked; the orderer binds it right after). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** Starts an orderer with its data under `dataDir` and waits until its /healthz reports OK. */
export async function startOrderer(
  tools: FabricTools,
  files: OrdererFiles,
  dataDir: string,
): Promise<OrdererProcess> {
  const [port, operationsPort, adminPort] = [await freePort(), await freePort(), await freePort()];
  await mkdir(dataDir, { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    FABRIC_CFG_PATH: tools.configDir,
    FABRIC_LOGGING_SPEC: 'INFO',
    ORDERER_GENERAL_LISTENADDRESS: '127.0.0.1',
    ORDERER_GENERAL_LISTENPORT: String(port),
    ORDERER_GENERAL_LOCALMSPID: files.mspId,
    ORDERER_GENERAL_LOCALMSPDIR: files.mspDir,
    ORDERER_GENERAL_TLS_ENABLED: 'true',
    ORDERER_GENERAL_TLS_PRIVATEKEY: files.tlsPrivateKeyFile,
    ORDERER_GENERAL_TLS_CERTIFICATE: files.tlsCertificateFile,
    ORDERER_GENERAL_TLS_ROOTCAS: `[${files.tlsCaFile}]`,
    ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
    ORDERER_FILELEDGER_LOCATION: path.join(dataDir, 'ledger'),
    ORDERER_CONSENSUS_WALDIR: path.join(dataDir, 'etcdraft/wal'),
    ORDERER_CONSENSUS_SNAPDIR: path.join(dataDir, 'etcdraft/snapshot'),
    ORDERER_OPERATIONS_LISTENADDRESS: `127.0.0.1:${operationsPort}`,
    ORDERER_ADMIN_LISTENADDRESS: `127.0.0.1:${adminPort}`,
    ORDERER_ADMIN_TLS_ENABLED: 'true',
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
    ORDERER_ADMIN_TLS_CERTIFICATE: files.tlsCertificateFile,
    ORDERER_ADMIN_TLS_PRIVATEKEY: files.tlsPrivateKeyFile,
    ORDERER_ADMIN_TLS_CLIENTROOTCAS: `[${files.adminClientCaFile}]`,
  };
  const child = spawn(path.join(tools.binDir, 'orderer'), [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  const orderer: OrdererProcess = {
    address: `127.0.0.1:${port}`,
    port,
    adminUrl: `https://127.0.0.1:${adminPort}`,
    output: () => output,
    stop: () => stopProcess(child),
  };
  try {
    await waitUntilHealthy(child, `http://127.0.0.1:${operationsPort}/healthz`);
  } catch (error) {
    await orderer.stop();
    throw new Error(`orderer did not start: ${(error as Error).message}\n${output}`, { cause: error });
  }
  return orderer;
}

async function waitUntilHealthy(child: ChildProcess, url: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      const body = (await response.json()) as { status?: string };
      if (response.ok && body.status === 'OK') return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`${url} not OK after ${START_TIMEOUT_MS} ms`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => {
    child.kill('SIGKILL');
  }, 5_000);
  await exited;
  clearTimeout(killTimer);
}
