import { createHmac } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { patientRefFor, recordKeyFor, saltFor } from './pseudonym';

const KEY_A = Buffer.alloc(32, 1);
const KEY_B = Buffer.alloc(32, 2);

describe('keyed pseudonyms', () => {
  test('the patient pseudonym is HMAC-SHA256(providerKey, "emr/patient-ref/v1\\n" + patientId) in hex', () => {
    const expected = createHmac('sha256', KEY_A).update('emr/patient-ref/v1\nNHS-1').digest('hex');
    expect(patientRefFor(KEY_A, 'NHS-1')).toBe(expected);
    expect(patientRefFor(KEY_A, 'NHS-1')).toMatch(/^[0-9a-f]{64}$/);
  });

  test('each provider has its own pseudonym for the same patient, so pseudonyms do not link providers', () => {
    expect(patientRefFor(KEY_A, 'NHS-1')).not.toBe(patientRefFor(KEY_B, 'NHS-1'));
  });

  test('records are stored under a second HMAC, so a certificate pseudonym matches no private key hash', () => {
    const ref = patientRefFor(KEY_A, 'NHS-1');
    expect(recordKeyFor(KEY_A, ref)).not.toBe(ref);
    expect(recordKeyFor(KEY_A, ref)).toMatch(/^[0-9a-f]{64}$/);
  });

  test('salts differ per transaction and per key, and are deterministic', () => {
    expect(saltFor(KEY_A, 'tx1', 'k')).toBe(saltFor(KEY_A, 'tx1', 'k'));
    expect(saltFor(KEY_A, 'tx1', 'k')).not.toBe(saltFor(KEY_A, 'tx2', 'k'));
    expect(saltFor(KEY_A, 'tx1', 'k')).not.toBe(saltFor(KEY_A, 'tx1', 'k2'));
  });
});
