import { CaError, type CaErrorCode } from '@emr/network';
import { CommitError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { ProblemError, type ProblemCode } from './problem';

/**
 * The one place that turns any failure into a problem: errors of this gateway, of fastify (schema validation,
 * body parsing, rate limit), of the CA client, of fabric-gateway (with the chaincode's error codes inside), and
 * anything unexpected (500, with no internals in the detail).
 */
export function toProblem(err: unknown): ProblemError {
  if (err instanceof ProblemError) return err;
  if (err instanceof CommitError) return fromCommitError(err);
  if (err instanceof GatewayError) return fromGatewayError(err);
  if (err instanceof CaError) return fromCaError(err);
  const http = fromHttpFrameworkError(err);
  if (http !== undefined) return http;
  return new ProblemError(
    'INTERNAL',
    'The gateway failed unexpectedly; the request id identifies the log entry',
    {
      cause: err,
    },
  );
}

/** Error codes the EMR chaincode starts its messages with (chaincode/src/domain/errors.ts). */
const CHAINCODE_CODES = [
  'INVALID_ARGUMENT',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'FAILED_PRECONDITION',
] as const;
type ChaincodeCode = (typeof CHAINCODE_CODES)[number];

/**
 * A peer reports a chaincode error as `chaincode response 500, <message>`; fabric-gateway puts that in the
 * details of an EndorseError, and in the message of an evaluate error.
 */
const CHAINCODE_ERROR = new RegExp(
  `(?:^|chaincode response \\d+, )(${CHAINCODE_CODES.join('|')}): ([^\\n]*)`,
);
/** fabric-contract-api rejects a wrong number of arguments before the chaincode runs, without a code. */
const ARITY_ERROR = /Expected \d+ parameters, but \d+ have been supplied/;
/** Failures of a network that is (re)starting or partly down; worth retrying later. */
const TRANSIENT_LEDGER =
  /no combination of peers|no peers available|failed to connect|not yet elected|no Raft leader|SERVICE_UNAVAILABLE|connection refused/i;

const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/** The chaincode's code and message in a fabric-gateway error, if the chaincode raised it. */
export function chaincodeErrorOf(err: GatewayError): { code: ChaincodeCode; detail: string } | undefined {
  for (const text of [...err.details.map((detail) => detail.message), err.message]) {
    const match = CHAINCODE_ERROR.exec(text);
    const code = CHAINCODE_CODES.find((known) => known === match?.[1]);
    if (code !== undefined) return { code, detail: match?.[2] ?? '' };
    if (ARITY_ERROR.test(text))
      return { code: 'INVALID_ARGUMENT', detail: ARITY_ERROR.exec(text)?.[0] ?? '' };
  }
  return undefined;
}

function fromGatewayError(err: GatewayError): ProblemError {
  const transactionId = (err as GatewayError & { transactionId?: string }).transactionId;
  const options = { cause: err, ...(transactionId === undefined ? {} : { transactionId }) };
  const chaincode = chaincodeErrorOf(err);
  if (chaincode !== undefined) return new ProblemError(chaincode.code, chaincode.detail, options);
  if (err.code === GRPC_DEADLINE_EXCEEDED) {
    return new ProblemError('LEDGER_TIMEOUT', `The peer did not answer in time (${err.name})`, options);
  }
  const text = [err.message, ...err.details.map((detail) => detail.message)].join(' ');
  if (err.code === GRPC_UNAVAILABLE || TRANSIENT_LEDGER.test(text)) {
    return new ProblemError('LEDGER_UNAVAILABLE', `The ledger cannot be reached now (${err.name})`, options);
  }
  return new ProblemError(
    'LEDGER_ERROR',
    `The ledger rejected the call (${err.name}, gRPC status ${err.code})`,
    options,
  );
}

const RETRYABLE_COMMIT_CODES: readonly number[] = [
  StatusCode.MVCC_READ_CONFLICT,
  StatusCode.PHANTOM_READ_CONFLICT,
];

/** True when a committed transaction was invalidated by a concurrent one and the whole call may be retried. */
export function isConcurrencyConflict(err: unknown): boolean {
  return err instanceof CommitError && RETRYABLE_COMMIT_CODES.includes(err.code);
}

function fromCommitError(err: CommitError): ProblemError {
  const options = { cause: err, transactionId: err.transactionId };
  if (isConcurrencyConflict(err)) {
    return new ProblemError(
      'CONCURRENT_UPDATE',
      'Concurrent updates of the same record kept conflicting',
      options,
    );
  }
  return new ProblemError(
    'TRANSACTION_INVALID',
    `The transaction was invalidated (status ${err.code})`,
    options,
  );
}

const CA_PROBLEMS: Readonly<Record<CaErrorCode, ProblemCode>> = {
  ALREADY_REGISTERED: 'USERNAME_TAKEN',
  AUTHENTICATION_FAILED: 'INVALID_CREDENTIALS',
  AUTHORIZATION_FAILED: 'CA_ERROR',
  UNREACHABLE: 'CA_UNAVAILABLE',
  TLS_FAILED: 'CA_UNAVAILABLE',
  TIMEOUT: 'CA_TIMEOUT',
  BAD_RESPONSE: 'CA_ERROR',
  REQUEST_FAILED: 'CA_ERROR',
  INVALID_ARGUMENT: 'VALIDATION_FAILED',
  INVALID_CERTIFICATE: 'CA_ERROR',
};

const CA_DETAILS: Partial<Record<ProblemCode, string>> = {
  USERNAME_TAKEN: 'This username is already registered at the certificate authority',
  INVALID_CREDENTIALS: 'Unknown user or wrong password',
};

function fromCaError(err: CaError): ProblemError {
  const code = CA_PROBLEMS[err.code];
  return new ProblemError(code, CA_DETAILS[code] ?? `Certificate authority: ${err.code}`, { cause: err });
}

const HTTP_STATUS_PROBLEMS: Readonly<Record<number, ProblemCode>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'ROUTE_NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SHUTTING_DOWN',
};

/** fastify's own errors (and its plugins') carry a 4xx `statusCode`; schema errors also carry `validation`. */
function fromHttpFrameworkError(err: unknown): ProblemError | undefined {
  if (!(err instanceof Error)) return undefined;
  const { statusCode } = err as Error & { statusCode?: unknown };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 600 || statusCode === 500) {
    return undefined;
  }
  const code = HTTP_STATUS_PROBLEMS[statusCode] ?? (statusCode < 500 ? 'VALIDATION_FAILED' : 'INTERNAL');
  return new ProblemError(code, err.message, { cause: err });
}
