import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from './sqlite-store';
import type { GatewayStore, StoredUser } from './store';

const ALICE: StoredUser = {
  username: 'alice',
  mspId: 'Provider1MSP',
  role: 'physician',
  certificate: '-----BEGIN CERTIFICATE-----\n',
  sealedPrivateKey: new Uint8Array([1, 2, 3]),
  passwordHash: 'scrypt$10$8$1$a$b',
  createdAt: '2025-01-01T00:00:00.000Z',
};

describe('SQLite store', () => {
  let dir: string;
  let file: string;
  let store: GatewayStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gateway-store-'));
    file = join(dir, 'data', 'gateway.db');
    store = openSqliteStore(file);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps users across reopening, in a file only its owner can read', async () => {
    expect(await store.users.insert(ALICE)).toBe('inserted');
    await store.close();
    store = openSqliteStore(file);
    const found = await store.users.find('alice');
    expect({ ...found, sealedPrivateKey: Buffer.from(found?.sealedPrivateKey ?? []) }).toEqual({
      ...ALICE,
      sealedPrivateKey: Buffer.from([1, 2, 3]),
    });
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(await store.users.find('bob')).toBeUndefined();
  });

  it('never overwrites an existing user', async () => {
    await store.users.insert(ALICE);
    expect(await store.users.insert({ ...ALICE, passwordHash: 'other' })).toBe('exists');
    expect((await store.users.find('alice'))?.passwordHash).toBe(ALICE.passwordHash);
  });

  it('indexes EMRs by patient key and requests by owner and patient key, newest first', async () => {
    await store.patients.put('k1', 'emr-1');
    expect(await store.patients.emrIdOf('k1')).toBe('emr-1');
    expect(await store.patients.emrIdOf('k2')).toBeUndefined();
    await store.requests.put({ requestId: 'r1', ownerMsp: 'O', patientKey: 'k1', createdAt: '2025-01-01' });
    await store.requests.put({ requestId: 'r2', ownerMsp: 'O', patientKey: 'k1', createdAt: '2025-01-02' });
    await store.requests.put({ requestId: 'r3', ownerMsp: 'P', patientKey: 'k1', createdAt: '2025-01-03' });
    await store.requests.put({ requestId: 'r1', ownerMsp: 'O', patientKey: 'k1', createdAt: '2025-01-01' });
    expect(await store.requests.requestIdsOf('O', 'k1')).toEqual(['r2', 'r1']);
  });

  it('answers ping while open', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
