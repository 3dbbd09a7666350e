import { createPrivateKey, sign } from 'node:crypto';
import { CaError } from './errors';

/** What a fabric-ca token authenticates: one HTTP request made by the holder of `certificate`. */
export interface TokenRequest {
  /** The caller's enrollment certificate, PEM, exactly as sent in the token. */
  readonly certificate: string;
  /** The caller's private key, PEM (PKCS#8 or SEC1). */
  readonly privateKey: string;
  /** HTTP method, upper case. */
  readonly method: string;
  /** Path and query of the request as the CA sees it (Go's `URL.RequestURI()`), e.g. `/api/v1/register`. */
  readonly uri: string;
  /** The exact request body bytes; the CA hashes what it receives. */
  readonly body: Uint8Array;
}

// Group orders of the curves fabric-ca signs with; Fabric rejects signatures whose s exceeds half of it.
const curveOrders: Readonly<Record<string, bigint>> = {
  prime256v1: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  secp384r1:
    0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
};

/**
 * Builds the value of the `Authorization` header fabric-ca (1.4 and later) expects on authenticated requests:
 * `base64(certificatePem) + "." + base64(derSignature)`, where the ECDSA signature is over SHA-256 of
 * {@link tokenPayload} and has a low S, as in fabric-ca's util.GenECDSAToken.
 */
export function createAuthToken(request: TokenRequest): string {
  const key = createPrivateKey(request.privateKey);
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const order = curve === undefined ? undefined : curveOrders[curve];
  if (key.asymmetricKeyType !== 'ec' || order === undefined) {
    throw new CaError(
      'INVALID_ARGUMENT',
      `Token signing needs a P-256 or P-384 key, got ${describeKey(key)}`,
    );
  }
  const payload = tokenPayload(request);
  // IEEE P1363 gives fixed-width r||s, which is simpler to normalise than DER.
  const rs = sign('sha256', Buffer.from(payload), { key, dsaEncoding: 'ieee-p1363' });
  const half = rs.length / 2;
  const r = toBigInt(rs.subarray(0, half));
  const s = toLowS(toBigInt(rs.subarray(half)), order);
  const signature = encodeDerSignature(r, s);
  return `${base64(request.certificate)}.${signature.toString('base64')}`;
}

/** The string fabric-ca signs and verifies: `method.b64(uri).b64(body).b64(certificatePem)`. */
export function tokenPayload(request: Omit<TokenRequest, 'privateKey'>): string {
  return [request.method, base64(request.uri), base64(request.body), base64(request.certificate)].join('.');
}

/** Replaces s by order - s when s is in the upper half; both are valid, Fabric accepts only the lower. */
export function toLowS(s: bigint, order: bigint): bigint {
  return s > order / 2n ? order - s : s;
}

/** DER `SEQUENCE { INTEGER r, INTEGER s }`, the ECDSA signature encoding Go's crypto expects. */
export function encodeDerSignature(r: bigint, s: bigint): Buffer {
  return derElement(0x30, Buffer.concat([derInteger(r), derInteger(s)]));
}

function derInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  // A set top bit would make the INTEGER negative, so prefix a zero byte.
  if ((bytes[0] ?? 0) >= 0x80) bytes = Buffer.concat([Buffer.of(0), bytes]);
  return derElement(0x02, bytes);
}

function derElement(tag: number, content: Buffer): Buffer {
  const length = content.length < 0x80 ? Buffer.of(content.length) : Buffer.of(0x81, content.length);
  return Buffer.concat([Buffer.of(tag), length, content]);
}

function toBigInt(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

function base64(data: string | Uint8Array): string {
  return Buffer.from(data).toString('base64');
}

function describeKey(key: {
  asymmetricKeyType?: string;
  asymmetricKeyDetails?: { namedCurve?: string };
}): string {
  return [key.asymmetricKeyType, key.asymmetricKeyDetails?.namedCurve].filter(Boolean).join(' ') || 'unknown';
}
