import { sign, type KeyObject } from 'node:crypto';
import type { Signer } from '@hyperledger/fabric-gateway';

/** Order n of the P-256 group (SEC 2, secp256r1). */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const HALF_ORDER = P256_ORDER >> 1n;

/**
 * An ECDSA P-256 signer over Node's native crypto (OpenSSL), for use with fabric-gateway's `hash.none`: it gets
 * the whole message and signs its SHA-256 — the same signature fabric-gateway's own signer makes over a SHA-256
 * digest, at a fraction of the CPU (fabric-gateway signs in pure JavaScript). Signatures are DER with a low S, as
 * Fabric requires (a high S is replaced by n − S, which verifies equally).
 *
 * @throws Error at creation for a key that is not an EC P-256 private key.
 */
export function newNativeP256Signer(privateKey: KeyObject): Signer {
  const curve = privateKey.asymmetricKeyDetails?.namedCurve;
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    throw new Error(
      `expected an EC P-256 private key, got ${String(privateKey.asymmetricKeyType)} ${String(curve)}`,
    );
  }
  return (message) => {
    const raw = sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const r = toBigInt(raw.subarray(0, 32));
    const s = toBigInt(raw.subarray(32, 64));
    return Promise.resolve(derSignature(r, s > HALF_ORDER ? P256_ORDER - s : s));
  };
}

function toBigInt(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

/** DER `SEQUENCE { INTEGER r, INTEGER s }`; both fit in 33 bytes, so every length is one byte. */
function derSignature(r: bigint, s: bigint): Uint8Array {
  const integers = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, integers.length]), integers]);
}

function derInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  // A positive INTEGER whose first byte has the high bit set needs a leading zero byte.
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}
