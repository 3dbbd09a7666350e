import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Salted, slow password hashes (scrypt, RFC 7914), stored as `scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>` so the
 * cost can be raised later without invalidating stored hashes.
 */
export interface PasswordHashing {
  hash(password: string): Promise<string>;
  /** True when `password` matches `stored`; false for a wrong password or an unreadable hash. */
  verify(password: string, stored: string): Promise<boolean>;
}

/** Cost of new hashes. The default (N = 2^15, r = 8, p = 1) takes roughly 50–100 ms and 32 MiB. */
export interface ScryptCost {
  readonly log2N: number;
  readonly r: number;
  readonly p: number;
}

export const DEFAULT_SCRYPT_COST: ScryptCost = { log2N: 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const HASH_BYTES = 32;

export function newScryptPasswordHashing(cost: ScryptCost = DEFAULT_SCRYPT_COST): PasswordHashing {
  return {
    async hash(password) {
      const salt = randomBytes(SALT_BYTES);
      const derived = await derive(password, salt, cost);
      return ['scrypt', cost.log2N, cost.r, cost.p, salt.toString('base64'), derived.toString('base64')].join(
        '$',
      );
    },
    async verify(password, stored) {
      const parsed = parse(stored);
      if (parsed === undefined) return false;
      const derived = await derive(password, parsed.salt, parsed.cost);
      return derived.length === parsed.hash.length && timingSafeEqual(derived, parsed.hash);
    },
  };
}

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const N = 2 ** cost.log2N;
  // scrypt needs about 128·N·r bytes; leave headroom over Node's 32 MiB default limit.
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, HASH_BYTES, options, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

function parse(stored: string): { cost: ScryptCost; salt: Buffer; hash: Buffer } | undefined {
  const [scheme, log2N, r, p, salt, hash] = stored.split('$');
  const numbers = [log2N, r, p].map(Number);
  const [n = NaN, rr = NaN, pp = NaN] = numbers;
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return undefined;
  if (!numbers.every((value) => Number.isInteger(value) && value > 0) || n > 22) return undefined;
  return {
    cost: { log2N: n, r: rr, p: pp },
    salt: Buffer.from(salt, 'base64'),
    hash: Buffer.from(hash, 'base64'),
  };
}
