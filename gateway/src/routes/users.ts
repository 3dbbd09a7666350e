import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { BEARER_SECURITY } from '../plugins/authentication';
import { MspId } from '../emr/schemas';
import { PROTECTED_PROBLEMS, problemResponses, type RouteContext } from './common';

const StaffRole = Type.Union([Type.Literal('healthcenter'), Type.Literal('physician')]);

const NewUser = Type.Object(
  {
    username: Type.String({
      pattern: '^[a-z0-9][a-z0-9._-]{2,63}$',
      description: 'Enrollment id: 3-64 of a-z 0-9 . _ -, starting alphanumeric',
    }),
    role: StaffRole,
  },
  { additionalProperties: false },
);

const RegisteredUser = Type.Object({
  username: Type.String(),
  role: StaffRole,
  org: MspId,
  enrollmentSecret: Type.String({ description: 'Single-use: the password of the first login' }),
});

/** POST /api/v1/users: the org admin registers healthcenter staff and physicians at the CA. */
export const userRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, ctx) => {
  app.post(
    '/api/v1/users',
    {
      onRequest: ctx.allow('admin'),
      schema: {
        operationId: 'registerUser',
        tags: ['admin'],
        summary: 'Register a healthcenter or physician user; answers a single-use enrollment secret',
        security: BEARER_SECURITY,
        body: NewUser,
        response: { 201: RegisteredUser, ...problemResponses(...PROTECTED_PROBLEMS, 409) },
      },
    },
    async (request, reply) => {
      const { username, role } = request.body;
      const enrollmentSecret = await ctx.users.registerStaff(username, role);
      return reply.code(201).send({ username, role, org: ctx.config.mspId, enrollmentSecret });
    },
  );
  return Promise.resolve();
};
