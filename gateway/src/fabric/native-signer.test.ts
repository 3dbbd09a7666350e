import { describe, expect, it } from '@jest/globals';
import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { signers } from '@hyperledger/fabric-gateway';
import { newNativeP256Signer } from './native-signer';

const HALF_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n >> 1n;

/** r and s of a DER ECDSA signature. */
function parseDer(signature: Uint8Array): { r: bigint; s: bigint } {
  const bytes = Buffer.from(signature);
  expect(bytes[0]).toBe(0x30);
  expect(bytes[1]).toBe(bytes.length - 2);
  const rLength = bytes[3] ?? 0;
  const r = bytes.subarray(4, 4 + rLength);
  const s = bytes.subarray(4 + rLength + 2);
  expect(bytes[4 + rLength + 1]).toBe(s.length);
  const big = (part: Buffer): bigint => BigInt(`0x${part.toString('hex')}`);
  return { r: big(r), s: big(s) };
}

describe('native P-256 signer', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signer = newNativeP256Signer(privateKey);

  it('makes valid DER signatures of the SHA-256 of the message, always with a low S', async () => {
    let distinct = 0;
    for (let i = 0; i < 200; i++) {
      const message = Buffer.from(`proposal ${i}`);
      const signature = await signer(message);
      expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
      const { s } = parseDer(signature);
      expect(s <= HALF_ORDER).toBe(true);
      if (s !== parseDer(await signer(message)).s) distinct++;
    }
    // ECDSA is randomized: signatures of one message differ, so about half of the S values came out high and
    // were normalized; without the normalization the low-S check above fails.
    expect(distinct).toBeGreaterThan(150);
  });

  it("verifies exactly like fabric-gateway's own signer output does", async () => {
    const digest = createHash('sha256').update('same').digest();
    const theirs = await signers.newPrivateKeySigner(privateKey)(digest);
    const ours = await signer(Buffer.from('same'));
    for (const signature of [theirs, ours]) {
      expect(verify('sha256', Buffer.from('same'), { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(
        true,
      );
    }
  });

  it('refuses keys that are not P-256 private keys', () => {
    expect(() => newNativeP256Signer(publicKey)).toThrow(/P-256 private key/);
    const ed = generateKeyPairSync('ed25519').privateKey;
    expect(() => newNativeP256Signer(ed)).toThrow(/P-256 private key/);
  });
});
