import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, ProblemError, problemBody } from '../errors/problem';
import { toProblem } from '../errors/to-problem';

/**
 * Every error becomes `application/problem+json` (RFC 9457) through {@link toProblem}; unknown routes too.
 * 5xx are logged with the error; 4xx only with their code (client mistakes are not incidents).
 */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => sendProblem(toProblem(error), request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      new ProblemError('ROUTE_NOT_FOUND', `No route ${request.method} for this path`),
      request,
      reply,
    ),
  );
}

function sendProblem(problem: ProblemError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (problem.status >= 500) {
    request.log.error({ err: problem.cause ?? problem, code: problem.code }, 'request failed');
  } else {
    request.log.info({ code: problem.code, status: problem.status }, 'request rejected');
  }
  if (problem.retryAfterSeconds !== undefined) reply.header('retry-after', String(problem.retryAfterSeconds));
  const instance = request.url.split('?')[0] ?? '';
  return reply
    .code(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(problemBody(problem, instance, request.id));
}
