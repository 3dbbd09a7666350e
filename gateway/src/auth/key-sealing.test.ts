import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { newAesGcmKeySealer, newIndexKeyDeriver } from './key-sealing';

// A key made for this run: nothing secret is committed, and sealing sees a real PKCS#8 PEM.
const PEM = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

describe('AES-256-GCM key sealing', () => {
  const key = randomBytes(32);
  const sealer = newAesGcmKeySealer(key);

  it('opens what it sealed for the same owner; the box holds no plaintext', () => {
    const box = sealer.seal(PEM, 'Provider1MSP/alice');
    expect(Buffer.from(box).toString('latin1')).not.toContain('PRIVATE KEY');
    expect(sealer.open(box, 'Provider1MSP/alice')).toBe(PEM);
  });

  it('refuses a box moved to another owner, a tampered box and another key', () => {
    const box = sealer.seal(PEM, 'Provider1MSP/alice');
    expect(() => sealer.open(box, 'Provider1MSP/mallory')).toThrow();
    const tampered = Buffer.from(box);
    tampered[tampered.length - 1] = (tampered.at(-1) ?? 0) ^ 1;
    expect(() => sealer.open(tampered, 'Provider1MSP/alice')).toThrow();
    expect(() => newAesGcmKeySealer(randomBytes(32)).open(box, 'Provider1MSP/alice')).toThrow();
  });

  it('uses a fresh IV per seal', () => {
    expect(Buffer.from(sealer.seal(PEM, 'o')).equals(Buffer.from(sealer.seal(PEM, 'o')))).toBe(false);
  });

  it('needs a 32-byte key', () => {
    expect(() => newAesGcmKeySealer(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('index keys', () => {
  it('are stable per key, differ between keys, and do not contain the value', () => {
    const key = randomBytes(32);
    const derive = newIndexKeyDeriver(key);
    expect(derive('AB-1234')).toBe(newIndexKeyDeriver(key)('AB-1234'));
    expect(derive('AB-1234')).not.toBe(newIndexKeyDeriver(randomBytes(32))('AB-1234'));
    expect(derive('AB-1234')).toMatch(/^[0-9a-f]{64}$/);
  });
});
