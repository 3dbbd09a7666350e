/**
 * Stable error codes. Every rejection raised by the chaincode is an {@link EmrError} whose message starts with
 * `<CODE>: `, so a client (the gateway) maps it to HTTP without parsing prose:
 *
 * | code                | HTTP | meaning                                                                      |
 * |---------------------|------|------------------------------------------------------------------------------|
 * | INVALID_ARGUMENT    | 400  | malformed argument or transient field (missing, wrong type, too large)       |
 * | FORBIDDEN           | 403  | the caller's role, org or consent does not allow this operation              |
 * | NOT_FOUND           | 404  | no such EMR, request, audit record, provider or transaction                  |
 * | CONFLICT            | 409  | the state forbids it (duplicate patient, already approved, closed request)   |
 * | FAILED_PRECONDITION | 412  | setup missing (provider key) or the proposal went to a peer of the wrong org |
 *
 * Messages never contain protected health information: peers and chaincode servers log them.
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'FAILED_PRECONDITION',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class EmrError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'EmrError';
    this.code = code;
  }
}

export const invalidArgument = (detail: string): EmrError => new EmrError('INVALID_ARGUMENT', detail);
export const forbidden = (detail: string): EmrError => new EmrError('FORBIDDEN', detail);
export const notFound = (detail: string): EmrError => new EmrError('NOT_FOUND', detail);
export const conflict = (detail: string): EmrError => new EmrError('CONFLICT', detail);
export const failedPrecondition = (detail: string): EmrError => new EmrError('FAILED_PRECONDITION', detail);

/** The code at the start of an error message (as returned by a peer), or undefined for uncoded errors. */
export function errorCodeOf(message: string): ErrorCode | undefined {
  const match = /^([A-Z_]+): /.exec(message);
  const code = match?.[1];
  return ERROR_CODES.find((known) => known === code);
}
