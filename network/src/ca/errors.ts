/**
 * Stable reasons a CA operation failed. Callers branch on these, never on messages.
 *
 * - `ALREADY_REGISTERED`: the enrollment ID exists (fabric-ca code 74); safe to treat as success when idempotent.
 * - `AUTHENTICATION_FAILED`: wrong enrollment secret, or a token the CA rejected (fabric-ca code 20, HTTP 401).
 * - `AUTHORIZATION_FAILED`: the caller may not do this, e.g. register that type or attribute (code 71, HTTP 403).
 * - `UNREACHABLE`: no HTTP exchange happened (connection refused, reset, DNS).
 * - `TLS_FAILED`: the CA's TLS certificate is not trusted by the given CA certificate, or does not match the host.
 * - `TIMEOUT`: no complete response within `timeoutMs`.
 * - `BAD_RESPONSE`: the CA answered with something that is not a fabric-ca response.
 * - `REQUEST_FAILED`: the CA rejected the request for another reason; see `details`.
 * - `INVALID_ARGUMENT`: the request was rejected locally before anything was sent.
 * - `INVALID_CERTIFICATE`: a certificate could not be parsed, or its attribute extension is malformed.
 */
export type CaErrorCode =
  | 'ALREADY_REGISTERED'
  | 'AUTHENTICATION_FAILED'
  | 'AUTHORIZATION_FAILED'
  | 'UNREACHABLE'
  | 'TLS_FAILED'
  | 'TIMEOUT'
  | 'BAD_RESPONSE'
  | 'REQUEST_FAILED'
  | 'INVALID_ARGUMENT'
  | 'INVALID_CERTIFICATE';

/** One entry of the `errors` array of a fabric-ca response. */
export interface CaErrorDetail {
  /** fabric-ca error code (lib/caerrors/servererror.go), e.g. 74 for a duplicate registration. */
  readonly code: number;
  readonly message: string;
}

/** Options of {@link CaError}; everything but the code is optional. */
export interface CaErrorOptions {
  /** The CA's `errors` array, when the CA answered. */
  readonly details?: readonly CaErrorDetail[];
  /** HTTP status of the CA's answer, when there was one. */
  readonly status?: number;
  readonly cause?: unknown;
}

/** An error from the CA client, carrying a stable {@link CaErrorCode}. */
export class CaError extends Error {
  readonly code: CaErrorCode;
  /** The CA's `errors` array; empty when the CA did not answer or gave no details. */
  readonly details: readonly CaErrorDetail[];
  /** HTTP status of the CA's answer; undefined when there was none. */
  readonly status: number | undefined;

  constructor(code: CaErrorCode, message: string, options: CaErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'CaError';
    this.code = code;
    this.details = options.details ?? [];
    this.status = options.status;
  }
}
