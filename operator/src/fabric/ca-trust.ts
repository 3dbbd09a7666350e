/**
 * The CA trust ConfigMap `ca-<org>-trust` (contract: cdk8s/src/enroll/contract.ts): the root certificate a CA
 * generated on its first start, published for the workloads' enroll init containers and every client to verify
 * the CA's TLS against. Read from /cainfo on first use — the operator started that CA itself, in a namespace only
 * it and the org's workloads write to — and never replaced afterwards, so a CA that comes back with another root
 * is noticed (its clients fail TLS) instead of being trusted silently.
 */
import { caTrustConfigMapName, CA_TRUST_KEY } from '@emr/cdk8s';
import { fetchCaRoot } from '../bootstrap/registrar';
import type { KubeClient } from '../kube/client';
import { applyObject } from '../kube/resources';
import { CONFIG_MAPS, resourcePath, type KubeObject, type OwnerReference } from '../kube/types';

export interface CaTrustTarget {
  readonly namespace: string;
  /** The CA's Service and `caname`, e.g. `ca-provider3`. */
  readonly caName: string;
  /** Where the operator reaches the CA, e.g. `https://ca-provider3.emr-provider3.svc.cluster.local:7054`. */
  readonly url: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly owner: OwnerReference;
}

/** The published root, or undefined when the ConfigMap is not there (yet). */
export async function readCaTrust(
  client: KubeClient,
  namespace: string,
  caName: string,
): Promise<string | undefined> {
  const name = caTrustConfigMapName(caName);
  const configMap = await client.get<KubeObject & { data?: Record<string, string> }>(
    resourcePath(CONFIG_MAPS, { namespace, name }),
  );
  return configMap?.data?.[CA_TRUST_KEY];
}

/** Publishes the CA's root once (idempotent) and returns what is published. */
export async function publishCaTrust(client: KubeClient, target: CaTrustTarget): Promise<string> {
  const published = await readCaTrust(client, target.namespace, target.caName);
  if (published !== undefined) return published;
  const root = await fetchCaRoot(target.url, target.caName);
  await applyObject(client, CONFIG_MAPS, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: caTrustConfigMapName(target.caName),
      namespace: target.namespace,
      labels: { ...target.labels },
      ownerReferences: [target.owner],
    },
    data: { [CA_TRUST_KEY]: root },
  } as KubeObject);
  return root;
}
