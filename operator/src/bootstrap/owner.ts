/**
 * What the bootstrap steps create at run time (trust ConfigMaps, enrollment and builder Secrets) belongs to the
 * release: each object gets an owner reference to the chart's anchor ConfigMap (cdk8s/src/bootstrap.ts), so
 * `helm uninstall` deletes the anchor and the garbage collector deletes the rest. Secrets the platform engineer
 * made (registrar passwords, gateway keys) are never touched.
 */
import { caTrustConfigMapName, enrollmentSecretName } from '@emr/cdk8s';
import { withRetry, type SecretStore } from '@emr/network';
import type { KubeClient } from '../kube/client';
import { mergePatch } from '../kube/resources';
import { newKubeSecretStore } from '../kube/secret-store';
import { CONFIG_MAPS, resourcePath, SECRETS, type KubeObject, type OwnerReference } from '../kube/types';
import type { BootstrapOrg } from './registrar';

/** Labels of every object the steps create. */
export const BOOTSTRAP_LABELS = {
  'app.kubernetes.io/part-of': 'emr-network',
  'app.kubernetes.io/managed-by': 'emr-bootstrap',
} as const;

/** The SecretStore of the steps: new Secrets carry the bootstrap labels and the owner reference. */
export function bootstrapSecretStore(
  client: KubeClient,
  namespace: string,
  owner: OwnerReference | undefined,
): SecretStore {
  return newKubeSecretStore(client, { namespace, labels: BOOTSTRAP_LABELS, ...(owner ? { owner } : {}) });
}

/**
 * The owner reference to the anchor ConfigMap, read by name (its uid changes with every install). Retried: the
 * chart creates the anchor before the Jobs, but the API server may answer slowly while the cluster starts.
 */
export async function anchorOwner(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<OwnerReference> {
  const anchor = await withRetry(
    async () => {
      const found = await client.get<KubeObject>(resourcePath(CONFIG_MAPS, { namespace, name }));
      if (!found?.metadata.uid)
        throw new Error(`ConfigMap ${namespace}/${name} (the bootstrap anchor) not found`);
      return found;
    },
    { attempts: 30, delayMs: 2000, retryable: () => true },
  );
  // No blockOwnerDeletion: setting it needs delete permission on the anchor, and nothing has to wait for it.
  return { apiVersion: 'v1', kind: 'ConfigMap', name, uid: anchor.metadata.uid ?? '' };
}

/** The names of what the registrar and channel steps create for the chart's orgs. */
export function createdObjects(orgs: readonly BootstrapOrg[]): { configMaps: string[]; secrets: string[] } {
  return {
    configMaps: orgs.map((org) => caTrustConfigMapName(org.caName)),
    secrets: [
      ...orgs.map((org) => enrollmentSecretName(org.name)),
      ...orgs.flatMap((org) => org.peers.map((peer) => `${peer.name}-chaincode-builder`)),
    ],
  };
}

/**
 * Sets the owner reference and labels on every object the steps created — also on objects a previous install
 * left (owned by an anchor that no longer exists), which the garbage collector would otherwise delete under the
 * running network. Objects that do not exist are skipped.
 */
export async function adoptCreatedObjects(
  client: KubeClient,
  namespace: string,
  orgs: readonly BootstrapOrg[],
  owner: OwnerReference,
): Promise<void> {
  const { configMaps, secrets } = createdObjects(orgs);
  const patch = { metadata: { labels: BOOTSTRAP_LABELS, ownerReferences: [owner] } };
  for (const [type, names] of [
    [CONFIG_MAPS, configMaps],
    [SECRETS, secrets],
  ] as const) {
    for (const name of names) {
      if (!(await client.get<KubeObject>(resourcePath(type, { namespace, name })))) continue;
      await mergePatch(client, type, { namespace, name }, patch);
    }
  }
}
