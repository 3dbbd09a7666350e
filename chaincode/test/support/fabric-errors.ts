import { expect } from '@jest/globals';
import { ERROR_CODES, type ErrorCode } from '../../src/domain/errors';

/**
 * fabric-gateway errors (EndorseError, GatewayError) carry each peer's answer in `details[].message`, e.g.
 * `chaincode response 500, FORBIDDEN: role physician may not …`: that is where the chaincode's stable code is.
 */
export function errorDetailMessages(err: unknown): string[] {
  const details = (err as { details?: readonly { message?: unknown }[] } | undefined)?.details ?? [];
  return details.map((detail) => String(detail.message));
}

/** The chaincode error codes found in the details of a Fabric client error. */
export function chaincodeErrorCodes(err: unknown): ErrorCode[] {
  const pattern = new RegExp(`\\b(${ERROR_CODES.join('|')}): `);
  return errorDetailMessages(err).flatMap((message) => {
    const code = pattern.exec(message)?.[1];
    return ERROR_CODES.filter((known) => known === code);
  });
}

/** Asserts that `work` is rejected by the chaincode with `code`; returns the detail messages (PHI-free by design). */
export async function expectRejected(work: Promise<unknown>, code: ErrorCode): Promise<string[]> {
  let outcome: unknown;
  try {
    outcome = await work;
  } catch (err) {
    const messages = errorDetailMessages(err);
    const codes = chaincodeErrorCodes(err);
    if (codes.length === 0) {
      throw new Error(
        `expected ${code}, got an error without a chaincode code: ${String(err)} [${messages.join('; ')}]`,
        { cause: err },
      );
    }
    expect([...new Set(codes)]).toEqual([code]);
    return messages;
  }
  throw new Error(`expected a ${code} rejection, but the call succeeded with ${JSON.stringify(outcome)}`);
}
