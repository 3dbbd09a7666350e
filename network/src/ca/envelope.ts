import { CaError, type CaErrorCode, type CaErrorDetail } from './errors';

// fabric-ca remote error codes (lib/caerrors/servererror.go). The CA deliberately reduces every
// authentication and authorization failure to the generic 20 and 71.
const CA_AUTHENTICATION_FAILURE = 20;
const CA_AUTHORIZATION_FAILURE = 71;
const CA_DUPLICATE_IDENTITY = 74;

/**
 * Unwraps a fabric-ca (cfssl-style) response `{success, result, errors, messages}` and returns `result`.
 *
 * @param operation names the request in error messages, e.g. `register`.
 * @throws {@link CaError} mapped from the CA's errors, or `BAD_RESPONSE` if the body is not such an envelope.
 */
export function unwrapCaResponse(operation: string, status: number, body: string): Record<string, unknown> {
  const envelope = parseEnvelope(operation, status, body);
  const details = readDetails(envelope['errors']);
  if (details.length > 0 || status >= 400 || envelope['success'] !== true) {
    const reason = details.map((d) => `${d.code}: ${d.message}`).join('; ') || `HTTP ${status}`;
    throw new CaError(classify(status, details), `CA ${operation} failed: ${reason}`, { details, status });
  }
  const result = envelope['result'];
  if (!isRecord(result)) {
    throw new CaError('BAD_RESPONSE', `CA ${operation} response has no result object`, { status });
  }
  return result;
}

/** Reads a string field of a CA result, failing with `BAD_RESPONSE` when it is missing. */
export function requireString(operation: string, result: Record<string, unknown>, field: string): string {
  const value = result[field];
  if (typeof value !== 'string' || value === '') {
    throw new CaError('BAD_RESPONSE', `CA ${operation} response lacks "${field}"`);
  }
  return value;
}

/** Decodes a base64 PEM field of a CA result (the CA base64-encodes certificates inside JSON). */
export function requireBase64Pem(operation: string, result: Record<string, unknown>, field: string): string {
  const pem = Buffer.from(requireString(operation, result, field), 'base64').toString('utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new CaError(
      'BAD_RESPONSE',
      `CA ${operation} response field "${field}" is not a base64 PEM certificate`,
    );
  }
  return pem;
}

function classify(status: number, details: readonly CaErrorDetail[]): CaErrorCode {
  const codes = new Set(details.map((d) => d.code));
  if (codes.has(CA_DUPLICATE_IDENTITY)) return 'ALREADY_REGISTERED';
  if (codes.has(CA_AUTHENTICATION_FAILURE) || status === 401) return 'AUTHENTICATION_FAILED';
  if (codes.has(CA_AUTHORIZATION_FAILURE) || status === 403) return 'AUTHORIZATION_FAILED';
  return 'REQUEST_FAILED';
}

function parseEnvelope(operation: string, status: number, body: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (cause) {
    throw new CaError(
      'BAD_RESPONSE',
      `CA ${operation} answered HTTP ${status} with non-JSON: ${excerpt(body)}`,
      {
        status,
        cause,
      },
    );
  }
  if (!isRecord(parsed)) {
    throw new CaError('BAD_RESPONSE', `CA ${operation} answered HTTP ${status} with ${excerpt(body)}`, {
      status,
    });
  }
  return parsed;
}

function readDetails(errors: unknown): CaErrorDetail[] {
  if (!Array.isArray(errors)) return [];
  return errors.filter(isRecord).map((e) => ({
    code: typeof e['code'] === 'number' ? e['code'] : 0,
    message: typeof e['message'] === 'string' ? e['message'] : '',
  }));
}

function excerpt(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine || '(empty body)';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
