import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretKeyRef } from '../nodes/node-spec';

/**
 * Where keys and enrollment secrets live: Kubernetes Secrets for the operator, 0600 files for devnet.
 * Admin operations take this interface so that both keep secrets out of specs, config maps and logs.
 */
export interface SecretStore {
  get(ref: SecretKeyRef): Promise<string | undefined>;
  put(ref: SecretKeyRef, value: string): Promise<void>;
}

/** The stored value, or a new random one stored first — so a re-run reuses what an earlier run registered. */
export async function getOrCreateSecret(store: SecretStore, ref: SecretKeyRef): Promise<string> {
  const existing = await store.get(ref);
  if (existing !== undefined) {
    return existing;
  }
  const value = randomBytes(18).toString('base64url');
  await store.put(ref, value);
  return value;
}

export async function requireSecret(store: SecretStore, ref: SecretKeyRef): Promise<string> {
  const value = await store.get(ref);
  if (value === undefined) {
    throw new Error(`secret ${ref.name}/${ref.key} does not exist`);
  }
  return value;
}

/** Secrets as files <dir>/<name>/<key>, readable by the owner only. */
export function newFileSecretStore(dir: string): SecretStore {
  return {
    async get(ref) {
      try {
        return await readFile(join(dir, ref.name, ref.key), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          return undefined;
        }
        throw err;
      }
    },
    async put(ref, value) {
      await mkdir(join(dir, ref.name), { recursive: true, mode: 0o700 });
      await writeFile(join(dir, ref.name, ref.key), value, { mode: 0o600 });
    },
  };
}
