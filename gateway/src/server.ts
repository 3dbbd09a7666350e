#!/usr/bin/env node
import closeWithGrace from 'close-with-grace';
import { newCaClient, newGrpcClient } from '@emr/network';
import { buildApp } from './app';
import { ConfigError, loadConfig, type GatewayConfig } from './config';
import { newFabricLedger } from './fabric/fabric-ledger';
import { newGatewayMetrics } from './metrics';
import { openSqliteStore } from './store/sqlite-store';

/**
 * The gateway process: configuration from the environment (every problem reported at once), one gRPC
 * connection to the org's peer, the SQLite store, then HTTP(S). On SIGTERM/SIGINT readiness fails first, in-flight
 * requests drain (up to GATEWAY_SHUTDOWN_GRACE_MS), then the peer connection and the database close.
 */
async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
  const metrics = newGatewayMetrics();
  const ledger = newFabricLedger({
    client: newGrpcClient({
      address: config.peer.endpoint,
      tlsCaCertificate: config.peer.tlsCaCertificate,
      ...(config.peer.serverName === undefined ? {} : { serverNameOverride: config.peer.serverName }),
    }),
    channel: config.channel,
    chaincode: config.chaincode,
    onRetry: (transaction, step) => {
      metrics.fabricSubmitRetries.inc({ transaction, step });
    },
  });
  const ca = newCaClient({
    url: config.ca.url,
    tlsCaCertificate: config.ca.tlsCaCertificate,
    ...(config.ca.caName === undefined ? {} : { caName: config.ca.caName }),
  });
  // The database and its WAL files hold sealed keys and password hashes: readable by this user only.
  process.umask(0o077);
  const store = openSqliteStore(config.databaseFile);
  const lifecycle = { closing: false };
  const app = await buildApp(config, { ledger, ca, store, lifecycle, metrics });
  app.addHook('onClose', async () => {
    ledger.close();
    await store.close();
  });
  closeWithGrace({ delay: config.shutdownGraceMs }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ err }, 'closing after an uncaught error');
    else app.log.info({ signal }, 'shutting down');
    lifecycle.closing = true;
    await app.close();
  });
  await app.listen({ host: config.listenHost, port: config.port });
  app.log.info(
    { mspId: config.mspId, peer: config.peer.endpoint, tls: config.tls !== undefined },
    'EMR gateway ready to serve',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(
    `gateway failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
