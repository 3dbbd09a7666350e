/**
 * The TLS server certificate an endpoint presents, read from a real handshake and verified against the CA that
 * should have issued it. Raft consenters are named by their TLS certificates in the channel config; the orderers
 * enrolled their own keys inside their pods, so the handshake is where the certificate can be read without ever
 * touching the key.
 */
import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import type { Identity } from '@emr/network';

export function presentedCertificate(
  host: string,
  port: number,
  root: string,
  client: Identity,
  timeoutMs = 10_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port,
      servername: host,
      ca: root,
      cert: client.certificate,
      key: client.privateKey,
      ALPNProtocols: ['h2'],
    });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`${host}:${port}: timeout`)));
    socket.once('secureConnect', () => {
      const raw = socket.getPeerCertificate().raw;
      socket.end();
      resolve(new X509Certificate(raw).toString());
    });
    socket.once('error', reject);
  });
}
