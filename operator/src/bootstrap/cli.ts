#!/usr/bin/env node
/**
 * The registrar step of the bootstrap network as a Job in its namespace (issue 7): publishes
 * each CA's trust ConfigMap, registers the node identities and writes the peers' chaincode builder configs
 * (./registrar.ts), retrying while the CAs start. Namespace from EMR_NAMESPACE (the downward API), credentials from
 * the in-cluster service account. `cli.js channel` runs the channel step (./channel.ts) instead, once every pod is Ready.
 */
import { withRetry } from '@emr/network';
import { loadKubeConfig, newKubeClient } from '../kube/client';
import { runChannelStep } from './channel';
import { chartOrgs, runRegistrar } from './registrar';

async function main(): Promise<void> {
  const namespace = process.env['EMR_NAMESPACE'];
  if (!namespace) throw new Error('EMR_NAMESPACE is not set');
  const clusterDomain = process.env['EMR_CLUSTER_DOMAIN'] ?? 'cluster.local';
  const client = newKubeClient(loadKubeConfig());
  const log = (line: string): void => {
    console.log(line);
  };
  if (process.argv[2] === 'channel') {
    await runChannelStep({
      client,
      namespace,
      clusterDomain,
      orgs: chartOrgs(namespace, clusterDomain),
      log,
    });
    return;
  }
  await withRetry(
    () =>
      runRegistrar(chartOrgs(namespace, clusterDomain), {
        client,
        namespace,
        caUrl: (org) => `https://${org.caName}.${namespace}.svc.${clusterDomain}:7054`,
        log,
      }),
    {
      attempts: 60,
      delayMs: 5000,
      retryable: (error) => {
        console.log(`retrying: ${error instanceof Error ? error.message : String(error)}`);
        return true;
      },
    },
  );
}

main().then(
  () => {
    console.log(`bootstrap step ${process.argv[2] ?? 'registrar'} done`);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
