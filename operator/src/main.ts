#!/usr/bin/env node
/**
 * `emr-operator`: runs the operator with the settings of its environment (see config.ts) and the credentials of
 * its kubeconfig or in-cluster service account, until SIGTERM/SIGINT; then drains, releases its Lease and exits.
 */
import { Devnet, devnetOptions } from '@emr/network';
import { settingsFromEnv, SettingsError } from './config';
import { loadKubeConfig, newKubeClient } from './kube/client';
import { newLogger } from './logger';
import { Operator } from './operator';
import { newDevnetRuntime } from './runtime/devnet';
import { newKubernetesRuntime } from './runtime/kubernetes';

async function main(): Promise<void> {
  const settings = settingsFromEnv(process.env);
  const logger = newLogger(settings.logLevel).child({ component: 'emr-operator', pod: settings.podName });
  const client = newKubeClient(loadKubeConfig());
  const { orderer, ...providerImages } = settings.workloadImages;
  const workloadOptions = {
    images: providerImages,
    ...(settings.workloadPullPolicy ? { imagePullPolicy: settings.workloadPullPolicy } : {}),
  };
  const runtime =
    settings.runtime === 'devnet'
      ? newDevnetRuntime(devnetRuntimeOptions(settings.devnetDir))
      : newKubernetesRuntime({ client, logger, ...workloadOptions });
  const operator = new Operator({
    client,
    runtime,
    identity: settings.podName,
    logger,
    namespaces: settings.watchNamespaces,
    ...(settings.leaderElection
      ? { leaderElection: { namespace: settings.namespace, name: settings.leaseName } }
      : {}),
    healthPort: settings.healthPort,
    // On Kubernetes the operator also runs each EmrNetwork's ordering service and creates its channel.
    ...(settings.runtime === 'kubernetes'
      ? {
          networks: {
            ...workloadOptions,
            images: {
              ...(providerImages.ca ? { ca: providerImages.ca } : {}),
              ...(orderer ? { orderer } : {}),
              ...(providerImages.tools ? { tools: providerImages.tools } : {}),
            },
          },
        }
      : {}),
    ...(settings.metricsPort === undefined ? {} : { metricsPort: settings.metricsPort }),
    onLostLeadership: () => {
      logger.error('lost leadership; exiting so that a new election starts');
      process.exit(1);
    },
  });
  const shutdown = (signal: string): void => {
    logger.info('shutting down', { signal });
    operator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  await operator.start();
  logger.info('started', {
    server: client.server,
    runtime: settings.runtime,
    namespaces: settings.watchNamespaces.length > 0 ? settings.watchNamespaces : 'all',
    healthPort: operator.healthPort,
    metricsPort: operator.metricsPort,
  });
}

function devnetRuntimeOptions(root: string | undefined): Parameters<typeof newDevnetRuntime>[0] {
  const options = devnetOptions(root === undefined ? {} : { root });
  return {
    devnet: new Devnet(options),
    ...(options.gatewayScript === undefined ? {} : { gatewayScript: options.gatewayScript }),
  };
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof SettingsError ? `emr-operator: ${error.message}\n` : `emr-operator: ${String(error)}\n`,
  );
  process.exit(1);
});
