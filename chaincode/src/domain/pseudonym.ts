import { createHash, createHmac } from 'node:crypto';

/** Length in bytes of a provider's secret key (kept in its implicit private collection). */
export const PROVIDER_KEY_BYTES = 32;

function hmacHex(key: Uint8Array, label: string, ...parts: string[]): string {
  // Parts are joined with a newline, which none of them may contain (ids and hex strings only).
  return createHmac('sha256', key)
    .update([label, ...parts].join('\n'), 'utf8')
    .digest('hex');
}

/**
 * The patient's pseudonym at one provider: HMAC-SHA256(providerKey, "emr/patient-ref/v1\n" + patientId).
 * It is what a patient's certificate carries (`emr.patientRef`). Without the provider key nobody can test
 * a guessed patient id against it.
 */
export function patientRefFor(providerKey: Uint8Array, patientId: string): string {
  return hmacHex(providerKey, 'emr/patient-ref/v1', patientId);
}

/**
 * The id under which a patient's records are stored: a second HMAC of the pseudonym, so that the pseudonym in a
 * patient certificate (which every block holding the patient's transactions carries) cannot be matched against
 * the hashed private keys that all peers see.
 */
export function recordKeyFor(providerKey: Uint8Array, patientRef: string): string {
  return hmacHex(providerKey, 'emr/record-key/v1', patientRef);
}

/**
 * A salt for one private value: HMAC(providerKey, txId, key). Every peer sees SHA-256 of each private value, so a
 * value with a guessable content (a short note, a birth date) would be confirmable by hashing candidates; the salt,
 * secret to the owner and deterministic across its peers, prevents that.
 */
export function saltFor(providerKey: Uint8Array, txId: string, storageKey: string): string {
  return hmacHex(providerKey, 'emr/salt/v1', txId, storageKey);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
