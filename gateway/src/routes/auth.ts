import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ProblemError } from '../errors/problem';
import { MspId } from '../emr/schemas';
import { problemResponses, type RouteContext } from './common';

const LoginBody = Type.Object(
  {
    username: Type.String({
      minLength: 1,
      maxLength: 128,
      pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]*$',
      description: 'CA enrollment id',
    }),
    password: Type.String({ minLength: 1, maxLength: 256, description: 'CA enrollment secret' }),
  },
  { additionalProperties: false },
);

const LoginAnswer = Type.Object({
  token: Type.String({ description: 'Bearer token for the Authorization header' }),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'Seconds until the token expires' }),
  username: Type.String(),
  org: MspId,
  role: Type.Union([
    Type.Literal('admin'),
    Type.Literal('healthcenter'),
    Type.Literal('physician'),
    Type.Literal('patient'),
  ]),
});

/** POST /api/v1/auth/login: enrollment id + secret → short-lived bearer token. Rate-limited per client address. */
export const authRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, ctx) => {
  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        operationId: 'login',
        tags: ['auth'],
        summary: 'Log in with the CA enrollment id and secret; the first login enrolls the user',
        body: LoginBody,
        response: { 200: LoginAnswer, ...problemResponses(400, 401, 403, 429, 503, 504) },
      },
      config: {
        rateLimit: {
          max: ctx.config.loginRateLimitPerMinute,
          timeWindow: 60_000,
          errorResponseBuilder: () =>
            new ProblemError('RATE_LIMITED', 'Too many login attempts; wait a minute'),
        },
      },
    },
    async (request) => {
      const principal = await ctx.users.login(request.body.username, request.body.password);
      const { token, expiresIn } = await ctx.tokens.issue(principal);
      return {
        token,
        tokenType: 'Bearer' as const,
        expiresIn,
        username: principal.username,
        org: principal.mspId,
        role: principal.role,
      };
    },
  );
  return Promise.resolve();
};
