import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { KeyObject, webcrypto } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as x509 from './x509';
import { isTlsErrorCode, sendHttps } from './http';

describe('sendHttps', () => {
  let server: Server;
  let trusted: string;
  let base: URL;

  beforeAll(async () => {
    const tls = await selfSignedServerCertificate('127.0.0.1');
    trusted = tls.cert;
    server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
      if (req.url === '/slow') return; // never answers
      res.writeHead(418, { 'content-type': 'application/json' });
      req.pipe(res); // echoes the body
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('returns status and body of any answer', async () => {
    const response = await sendHttps({
      method: 'POST',
      url: new URL('/echo', base),
      body: Buffer.from('{"a":1}'),
      trustedCa: trusted,
      timeoutMs: 5000,
    });
    expect(response).toEqual({ status: 418, body: '{"a":1}' });
  });

  test('fails with TIMEOUT when the answer takes longer than timeoutMs', async () => {
    const started = Date.now();
    await expect(
      sendHttps({ method: 'GET', url: new URL('/slow', base), trustedCa: trusted, timeoutMs: 200 }),
    ).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test('fails with TLS_FAILED when the server certificate is not trusted', async () => {
    const other = await selfSignedServerCertificate('127.0.0.1');
    await expect(
      sendHttps({ method: 'GET', url: new URL('/', base), trustedCa: other.cert, timeoutMs: 5000 }),
    ).rejects.toMatchObject({ code: 'TLS_FAILED' });
  });

  test('fails with UNREACHABLE when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      sendHttps({
        method: 'GET',
        url: new URL(`https://127.0.0.1:${port}/`),
        trustedCa: trusted,
        timeoutMs: 5000,
      }),
    ).rejects.toMatchObject({ code: 'UNREACHABLE' });
  });
});

describe('isTlsErrorCode', () => {
  test.each([
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'CERT_HAS_EXPIRED',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'ERR_SSL_WRONG_VERSION_NUMBER',
  ])('%s is a TLS failure', (code) => {
    expect(isTlsErrorCode(code)).toBe(true);
  });

  test.each(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ABORT_ERR', ''])(
    '%s is not a TLS failure',
    (code) => {
      expect(isTlsErrorCode(code)).toBe(false);
    },
  );
});

async function selfSignedServerCertificate(ip: string): Promise<{ cert: string; key: string }> {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: [{ CN: [ip] }],
      keys,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: ip }])],
    },
    webcrypto,
  );
  const key = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { cert: cert.toString('pem'), key };
}
