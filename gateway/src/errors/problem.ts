import { Type, type Static } from 'typebox';

/**
 * The catalogue of problems the API answers with: a stable `code` per kind of failure and the HTTP status it
 * always has. Clients branch on `code`; titles are fixed text; details vary and never contain health data.
 */
export const PROBLEMS = {
  VALIDATION_FAILED: { status: 400, title: 'The request does not match the schema' },
  INVALID_ARGUMENT: { status: 400, title: 'The ledger rejected an argument' },
  UNAUTHENTICATED: { status: 401, title: 'A valid bearer token is required' },
  INVALID_CREDENTIALS: { status: 401, title: 'Unknown user or wrong password' },
  FORBIDDEN: { status: 403, title: 'Not allowed' },
  ROLE_NOT_ALLOWED: { status: 403, title: 'Your role may not do this' },
  WRONG_ORGANIZATION: { status: 403, title: 'The token was issued for another organization' },
  NOT_FOUND: { status: 404, title: 'No such record' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  NO_GRANTED_REQUEST: { status: 404, title: 'No granted access request for this EMR' },
  CONFLICT: { status: 409, title: 'The current state does not allow this' },
  USERNAME_TAKEN: { status: 409, title: 'The username is already registered' },
  CONCURRENT_UPDATE: { status: 409, title: 'The record changed concurrently; retry' },
  FAILED_PRECONDITION: { status: 412, title: 'A precondition of the operation does not hold' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  INTERNAL: { status: 500, title: 'Internal error' },
  LEDGER_ERROR: { status: 502, title: 'The ledger answered unexpectedly' },
  TRANSACTION_INVALID: { status: 502, title: 'The transaction was not committed' },
  CA_ERROR: { status: 502, title: 'The certificate authority answered unexpectedly' },
  LEDGER_UNAVAILABLE: { status: 503, title: 'The ledger cannot be reached' },
  CA_UNAVAILABLE: { status: 503, title: 'The certificate authority cannot be reached' },
  SHUTTING_DOWN: { status: 503, title: 'The gateway is shutting down' },
  LEDGER_TIMEOUT: { status: 504, title: 'The ledger did not answer in time' },
  CA_TIMEOUT: { status: 504, title: 'The certificate authority did not answer in time' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

/** Seconds a client should wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 5;

/** Optional parts of a problem. */
export interface ProblemOptions {
  /** Seconds for `Retry-After`; 503 problems get {@link RETRY_AFTER_SECONDS} by default. */
  readonly retryAfterSeconds?: number;
  /** The Fabric transaction concerned, when there is one. */
  readonly transactionId?: string;
  readonly cause?: unknown;
}

/** An error that is already a problem: thrown by routes and services, rendered as-is by the error handler. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  readonly code: ProblemCode;
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;
  readonly transactionId: string | undefined;

  constructor(code: ProblemCode, detail: string, options: ProblemOptions = {}) {
    super(detail, { cause: options.cause });
    this.code = code;
    this.status = PROBLEMS[code].status;
    this.retryAfterSeconds =
      options.retryAfterSeconds ?? (this.status === 503 ? RETRY_AFTER_SECONDS : undefined);
    this.transactionId = options.transactionId;
  }
}

/** RFC 9457 problem details, as served with `application/problem+json`. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'URI of the problem type: urn:emr:problem:<code>' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.String({ description: 'Path of the request (no query string)' }),
    code: Type.String({ description: 'Stable machine-readable code', enum: Object.keys(PROBLEMS) }),
    requestId: Type.String(),
    transactionId: Type.Optional(Type.String()),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export type Problem = Static<typeof ProblemSchema>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The body of a problem response. */
export function problemBody(error: ProblemError, instance: string, requestId: string): Problem {
  return {
    type: `urn:emr:problem:${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: PROBLEMS[error.code].title,
    status: error.status,
    detail: error.message,
    instance,
    code: error.code,
    requestId,
    ...(error.transactionId === undefined ? {} : { transactionId: error.transactionId }),
  };
}
