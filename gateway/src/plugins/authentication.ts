import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Principal, Role } from '../auth/roles';
import type { TokenIssuer } from '../auth/tokens';
import { ProblemError } from '../errors/problem';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; set by the `authenticate` hook of every protected route. */
    principal: Principal | undefined;
  }
}

/** OpenAPI security requirement of every protected route. */
export const BEARER_SECURITY = [{ bearerAuth: [] }];

/** The authenticated caller of a protected route (its hook ran before the handler). */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === undefined) throw new Error('route has no authentication hook');
  return request.principal;
}

/**
 * An onRequest hook: a valid bearer token of this org whose role is one of `roles`.
 * 401 without a valid token; 403 for another org's token or another role.
 */
export function authenticate(tokens: TokenIssuer, roles: readonly Role[]): onRequestAsyncHookHandler {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
    if (match?.[1] === undefined) {
      throw new ProblemError(
        'UNAUTHENTICATED',
        'Send "Authorization: Bearer <token>" from POST /api/v1/auth/login',
      );
    }
    const principal = await tokens.verify(match[1]);
    if (!roles.includes(principal.role)) {
      throw new ProblemError(
        'ROLE_NOT_ALLOWED',
        `Role ${principal.role} may not do this (allowed: ${roles.join(', ')})`,
      );
    }
    request.principal = principal;
  };
}
