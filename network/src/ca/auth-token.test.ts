import { describe, expect, test } from '@jest/globals';
import { createPublicKey, generateKeyPairSync, KeyObject, verify, webcrypto } from 'node:crypto';
import * as x509 from './x509';
import { createAuthToken, encodeDerSignature, toLowS, tokenPayload } from './auth-token';
import { CaError } from './errors';

const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

describe('createAuthToken', () => {
  test('is base64(certificate PEM) "." base64(DER signature over the payload)', async () => {
    const { certificate, privateKey } = await selfSignedIdentity('admin');
    const body = Buffer.from('{"id":"user1","type":"client"}');
    const token = createAuthToken({ certificate, privateKey, method: 'POST', uri: '/api/v1/register', body });

    const parts = token.split('.');
    expect(parts).toHaveLength(2);
    const [b64cert, b64sig] = parts as [string, string];
    expect(Buffer.from(b64cert, 'base64').toString()).toBe(certificate);

    const payload = tokenPayload({ certificate, method: 'POST', uri: '/api/v1/register', body });
    const signature = Buffer.from(b64sig, 'base64');
    expect(verify('sha256', Buffer.from(payload), createPublicKey(certificate), signature)).toBe(true);
    // The signature covers method and URI: a replay against another endpoint must not verify.
    const otherPayload = tokenPayload({ certificate, method: 'POST', uri: '/api/v1/revoke', body });
    expect(verify('sha256', Buffer.from(otherPayload), createPublicKey(certificate), signature)).toBe(false);
  });

  test('always produces low-S signatures', async () => {
    const { certificate, privateKey } = await selfSignedIdentity('admin');
    for (let i = 0; i < 32; i++) {
      const body = Buffer.from(`{"n":${i}}`);
      const token = createAuthToken({
        certificate,
        privateKey,
        method: 'POST',
        uri: '/api/v1/register',
        body,
      });
      const { s } = decodeDerSignature(Buffer.from(token.split('.')[1]!, 'base64'));
      expect(s <= P256_ORDER / 2n).toBe(true);
    }
  });

  test('rejects keys that are not P-256 or P-384', async () => {
    const { certificate } = await selfSignedIdentity('admin');
    const ed25519 = generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const request = { certificate, privateKey: ed25519, method: 'GET', uri: '/', body: Buffer.alloc(0) };
    expect(() => createAuthToken(request)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => createAuthToken(request)).toThrow(CaError);
  });
});

describe('tokenPayload', () => {
  test('joins method, base64 URI, base64 body and base64 certificate with dots', () => {
    const payload = tokenPayload({
      certificate: 'CERT',
      method: 'POST',
      uri: '/api/v1/register',
      body: Buffer.from('{}'),
    });
    expect(payload).toBe('POST.L2FwaS92MS9yZWdpc3Rlcg==.e30=.Q0VSVA==');
  });

  test('encodes an empty body as an empty string', () => {
    expect(tokenPayload({ certificate: 'C', method: 'GET', uri: '/x', body: Buffer.alloc(0) })).toBe(
      'GET.L3g=..Qw==',
    );
  });
});

describe('toLowS', () => {
  test('keeps s at or below half the order', () => {
    expect(toLowS(1n, P256_ORDER)).toBe(1n);
    expect(toLowS(P256_ORDER / 2n, P256_ORDER)).toBe(P256_ORDER / 2n);
  });

  test('replaces s above half the order by order - s', () => {
    expect(toLowS(P256_ORDER - 1n, P256_ORDER)).toBe(1n);
    expect(toLowS(P256_ORDER / 2n + 1n, P256_ORDER)).toBe(P256_ORDER - (P256_ORDER / 2n + 1n));
  });
});

describe('encodeDerSignature', () => {
  test('encodes small integers minimally', () => {
    expect(encodeDerSignature(1n, 2n).toString('hex')).toBe('3006020101020102');
  });

  test('prefixes a zero byte when the top bit is set', () => {
    expect(encodeDerSignature(0x80n, 0x7fn).toString('hex')).toBe('30070202008002017f');
  });

  test('round-trips 256-bit values', () => {
    const r = P256_ORDER - 5n;
    const s = 0x1234n;
    expect(decodeDerSignature(encodeDerSignature(r, s))).toEqual({ r, s });
  });
});

// Minimal reader for SEQUENCE { INTEGER, INTEGER } with short-form lengths, enough for P-256 signatures.
function decodeDerSignature(der: Buffer): { r: bigint; s: bigint } {
  expect(der[0]).toBe(0x30);
  expect(der[1]).toBe(der.length - 2);
  const readInteger = (offset: number): [bigint, number] => {
    expect(der[offset]).toBe(0x02);
    const length = der[offset + 1]!;
    const bytes = der.subarray(offset + 2, offset + 2 + length);
    return [BigInt(`0x${bytes.toString('hex')}`), offset + 2 + length];
  };
  const [r, next] = readInteger(2);
  const [s, end] = readInteger(next);
  expect(end).toBe(der.length);
  return { r, s };
}

async function selfSignedIdentity(cn: string): Promise<{ certificate: string; privateKey: string }> {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    { name: [{ CN: [cn] }], keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } },
    webcrypto,
  );
  const privateKey = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { certificate: cert.toString('pem'), privateKey };
}
