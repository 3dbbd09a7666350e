import { request } from 'node:https';
import { CaError, type CaErrorCode } from './errors';

/** One HTTPS exchange with the CA. */
export interface HttpsRequest {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  /** PEM certificates trusted for the server's TLS certificate, instead of the system roots. */
  readonly trustedCa: string;
  /** Limit for the whole exchange, connection to last byte. */
  readonly timeoutMs: number;
}

export interface HttpsResponse {
  readonly status: number;
  readonly body: string;
}

// CA answers are a few kilobytes; refuse to buffer anything absurd.
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * Sends one request and buffers the answer, whatever its status.
 *
 * @throws {@link CaError} `UNREACHABLE`, `TLS_FAILED`, `TIMEOUT` or `BAD_RESPONSE` when no complete answer came.
 */
export function sendHttps(req: HttpsRequest): Promise<HttpsResponse> {
  const signal = AbortSignal.timeout(req.timeoutMs);
  const failure = (cause: Error): CaError =>
    signal.aborted
      ? new CaError('TIMEOUT', `CA did not answer ${req.method} ${req.url.href} within ${req.timeoutMs} ms`, {
          cause,
        })
      : transportError(req.url, cause);
  return new Promise((resolve, reject) => {
    const headers = { accept: 'application/json', ...req.headers };
    // agent: false gives each request its own connection, so no keep-alive socket outlives the call.
    const options = { method: req.method, headers, ca: req.trustedCa, agent: false, signal } as const;
    const outgoing = request(req.url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          reject(
            new CaError(
              'BAD_RESPONSE',
              `CA response from ${req.url.href} exceeds ${MAX_RESPONSE_BYTES} bytes`,
            ),
          );
          outgoing.destroy();
        } else {
          chunks.push(chunk);
        }
      });
      res.on('error', (cause) => {
        reject(failure(cause));
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    outgoing.on('error', (cause) => {
      reject(failure(cause));
    });
    outgoing.end(req.body);
  });
}

function transportError(url: URL, cause: Error): CaError {
  const code = (cause as NodeJS.ErrnoException).code ?? '';
  const kind: CaErrorCode = isTlsErrorCode(code) ? 'TLS_FAILED' : 'UNREACHABLE';
  const what = kind === 'TLS_FAILED' ? 'TLS handshake with' : 'Cannot reach';
  return new CaError(kind, `${what} CA at ${url.origin} failed: ${cause.message}`, { cause });
}

/**
 * Node reports certificate verification failures with OpenSSL's X509_V_ERR names (CERT_HAS_EXPIRED,
 * UNABLE_TO_VERIFY_LEAF_SIGNATURE, SELF_SIGNED_CERT_IN_CHAIN, ...) and protocol failures as ERR_TLS_ or ERR_SSL_.
 */
export function isTlsErrorCode(code: string): boolean {
  return /^ERR_(TLS|SSL)_|CERT|CRL|SIGNATURE|ISSUER|INVALID_CA|INVALID_PURPOSE|HOSTNAME_MISMATCH/.test(code);
}
