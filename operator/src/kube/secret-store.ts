/**
 * The admin library's SecretStore backed by Kubernetes Secrets in one namespace — the provider's own. Values are
 * written key by key (merge patch), so registrations made by earlier reconciles are never dropped; new Secrets
 * carry the operator's labels and an owner reference to the MedicalProvider.
 */
import type { SecretStore } from '@emr/network';
import type { KubeClient } from './client';
import { createObject, createOrMergePatch } from './resources';
import { resourcePath, SECRETS, type OwnerReference, type Secret } from './types';

export interface KubeSecretStoreOptions {
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly owner?: OwnerReference;
}

export function newKubeSecretStore(client: KubeClient, options: KubeSecretStoreOptions): SecretStore {
  const { namespace } = options;
  return {
    async get(ref) {
      const secret = await client.get<Secret>(resourcePath(SECRETS, { namespace, name: ref.name }));
      const encoded = secret?.data?.[ref.key];
      return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
    },
    async put(ref, value) {
      const data = { [ref.key]: Buffer.from(value, 'utf8').toString('base64') };
      await createOrMergePatch(
        client,
        SECRETS,
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: ref.name,
            namespace,
            ...(options.labels ? { labels: options.labels } : {}),
            ...(options.owner ? { ownerReferences: [options.owner] } : {}),
          },
          type: 'Opaque',
          data,
        } as Secret,
        { data },
      );
    },
  };
}

/** Reads a whole Secret as UTF-8 strings; undefined when it does not exist. */
export async function readSecret(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<Record<string, string> | undefined> {
  const secret = await client.get<Secret>(resourcePath(SECRETS, { namespace, name }));
  if (!secret) return undefined;
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value, 'base64').toString('utf8'),
    ]),
  );
}

/** Creates a Secret of UTF-8 values (what a platform engineer does with `kubectl create secret generic`). */
export async function createSecret(
  client: KubeClient,
  namespace: string,
  name: string,
  data: Record<string, string>,
): Promise<void> {
  await createObject(client, SECRETS, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  } as Secret);
}
