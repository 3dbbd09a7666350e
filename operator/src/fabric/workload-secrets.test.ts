import { describe, expect, it } from '@jest/globals';
import type { SecretStore } from '@emr/network';
import { ensureGatewayKeys, GATEWAY_KEYS } from './workload-secrets';

function memoryStore(initial: Record<string, string> = {}): SecretStore & { values: Map<string, string> } {
  const values = new Map(Object.entries(initial));
  return {
    values,
    get: (ref) => Promise.resolve(values.get(`${ref.name}/${ref.key}`)),
    put: (ref, value) => {
      values.set(`${ref.name}/${ref.key}`, value);
      return Promise.resolve();
    },
  };
}

describe('ensureGatewayKeys', () => {
  it('generates a 256-bit token key and a 32-byte AES key when the Secret is missing', async () => {
    const store = memoryStore();
    expect(await ensureGatewayKeys(store, 'gateway-provider3-keys')).toBe(true);
    const jwt = store.values.get(`gateway-provider3-keys/${GATEWAY_KEYS.jwtKey}`) ?? '';
    const kek = store.values.get(`gateway-provider3-keys/${GATEWAY_KEYS.keyEncryptionKey}`) ?? '';
    expect(jwt).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(kek, 'base64')).toHaveLength(32);
    const other = memoryStore();
    await ensureGatewayKeys(other, 'gateway-provider3-keys');
    expect(other.values.get(`gateway-provider3-keys/${GATEWAY_KEYS.jwtKey}`)).not.toBe(jwt);
  });

  it('never replaces a key that exists: users stay logged in and their stored keys readable', async () => {
    const store = memoryStore({ 'gw/jwt-key': 'kept', 'gw/key-encryption-key': 'kept-too' });
    expect(await ensureGatewayKeys(store, 'gw')).toBe(false);
    expect([...store.values.values()]).toEqual(['kept', 'kept-too']);
    const half = memoryStore({ 'gw/jwt-key': 'kept' });
    expect(await ensureGatewayKeys(half, 'gw')).toBe(true);
    expect(half.values.get('gw/jwt-key')).toBe('kept');
    expect(half.values.get('gw/key-encryption-key')).toBeDefined();
  });
});
