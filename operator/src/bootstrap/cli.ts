#!/usr/bin/env node
/**
 * The bootstrap steps of the emr-network chart (Jobs and a Helm test rendered by cdk8s/src/bootstrap.ts):
 * - `cli.js` — the registrar step (./registrar.ts): each CA's trust ConfigMap, node registrations, the peers'
 *   chaincode builder configs, retrying while the CAs start;
 * - `cli.js channel` — the channel step (./channel.ts), waiting for orderers and peers to answer;
 * - `cli.js check` — each orderer's channel state as a JSON line; fails unless every orderer is an active consenter.
 * Settings from BOOTSTRAP_ENV (namespace by the downward API), credentials from the in-cluster service account;
 * what the steps create is owned by the ConfigMap named in EMR_OWNER_CONFIGMAP (./owner.ts).
 */
import { BOOTSTRAP_ENV } from '@emr/cdk8s';
import { withRetry } from '@emr/network';
import { loadKubeConfig, newKubeClient } from '../kube/client';
import type { OwnerReference } from '../kube/types';
import { ordererChannelStates, runChannelStep } from './channel';
import { adoptCreatedObjects, anchorOwner } from './owner';
import { chartOrgs, runRegistrar } from './registrar';

const STEPS = ['registrar', 'channel', 'check'] as const;
type Step = (typeof STEPS)[number];

function stepOf(argument: string | undefined): Step {
  const step = argument ?? 'registrar';
  if (!(STEPS as readonly string[]).includes(step)) {
    throw new Error(`unknown step "${step}": expected one of ${STEPS.join(', ')}`);
  }
  return step as Step;
}

async function main(step: Step): Promise<void> {
  const namespace = process.env[BOOTSTRAP_ENV.namespace];
  if (!namespace) throw new Error(`${BOOTSTRAP_ENV.namespace} is not set`);
  const clusterDomain = process.env[BOOTSTRAP_ENV.clusterDomain] ?? 'cluster.local';
  const ownerName = process.env[BOOTSTRAP_ENV.ownerConfigMap];
  const client = newKubeClient(loadKubeConfig());
  const log = (line: string): void => {
    console.log(line);
  };
  const orgs = chartOrgs(namespace, clusterDomain);
  const owner: OwnerReference | undefined = ownerName
    ? await anchorOwner(client, namespace, ownerName)
    : undefined;
  const common = { client, namespace, clusterDomain, orgs, log, ...(owner ? { owner } : {}) };
  if (step === 'check') {
    const states = await ordererChannelStates(common);
    for (const state of states) log(JSON.stringify(state));
    const bad = states.filter((s) => s.status !== 'active' || s.consensusRelation !== 'consenter');
    if (bad.length > 0) {
      throw new Error(`not an active consenter: ${bad.map((s) => s.orderer).join(', ')}`);
    }
    return;
  }
  try {
    if (step === 'channel') {
      await runChannelStep(common);
      return;
    }
    await withRetry(
      () =>
        runRegistrar(orgs, {
          ...common,
          caUrl: (org) => `https://${org.caName}.${namespace}.svc.${clusterDomain}:7054`,
        }),
      {
        attempts: 60,
        delayMs: 5000,
        retryable: (error) => {
          log(`retrying: ${error instanceof Error ? error.message : String(error)}`);
          return true;
        },
      },
    );
  } finally {
    // Also after a failure: whatever was created must go with the release.
    if (owner) await adoptCreatedObjects(client, namespace, orgs, owner);
  }
}

const step = stepOf(process.argv[2]);
main(step).then(
  () => {
    console.log(`bootstrap step ${step} done`);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
