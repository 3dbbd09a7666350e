import type { FastifyRequest } from 'fastify';
import type { LoggerOptions } from 'pino';

/**
 * Paths pino replaces with "[redacted]" wherever they appear in a log line: credentials, keys, tokens. Bodies
 * are never logged; URLs are logged as route patterns (`/api/v1/patients/:patientId/emr`), so ids in paths and
 * anything in a query string stay out of the logs too.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.enrollmentSecret',
  '*.token',
  '*.privateKey',
  '*.keyEncryptionKey',
  '*.jwtSecret',
];

/** The fastify logger options: pino with redaction and request serializers that leave out raw URLs. */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      req(request: FastifyRequest) {
        return {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          remoteAddress: request.ip,
        };
      },
    },
  };
}
