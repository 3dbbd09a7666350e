import { describe, expect, it } from '@jest/globals';
import { newScryptPasswordHashing } from './password-hash';

describe('scrypt password hashing', () => {
  const hashing = newScryptPasswordHashing({ log2N: 10, r: 8, p: 1 });

  it('verifies the password it hashed and nothing else', async () => {
    const stored = await hashing.hash('correct horse');
    expect(stored).toMatch(/^scrypt\$10\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await hashing.verify('correct horse', stored)).toBe(true);
    expect(await hashing.verify('correct horsE', stored)).toBe(false);
  });

  it('salts every hash, so equal passwords give different hashes', async () => {
    expect(await hashing.hash('same')).not.toBe(await hashing.hash('same'));
  });

  it('verifies hashes made with another cost (the cost is stored with the hash)', async () => {
    const stronger = await newScryptPasswordHashing({ log2N: 11, r: 8, p: 1 }).hash('pw');
    expect(await hashing.verify('pw', stronger)).toBe(true);
  });

  it.each(['', 'bcrypt$x', 'scrypt$40$8$1$c2FsdA==$aGFzaA==', 'scrypt$10$8$1$c2FsdA=='])(
    'answers false for the unreadable hash %j',
    async (stored) => {
      expect(await hashing.verify('pw', stored)).toBe(false);
    },
  );
});
