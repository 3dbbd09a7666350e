import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ProblemError } from '../errors/problem';
import { problemResponses, type RouteContext } from './common';

/** Probes and metrics: unauthenticated, no dependency on the caller. */
export const healthRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, ctx) => {
  app.get(
    '/livez',
    {
      schema: {
        operationId: 'livez',
        tags: ['operations'],
        summary: 'The process serves requests (no dependency checked)',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        operationId: 'readyz',
        tags: ['operations'],
        summary:
          "Ready for traffic: the org's peer is reachable, the database answers, no shutdown under way",
        response: { 200: Type.Object({ status: Type.Literal('ready') }), ...problemResponses(503) },
      },
    },
    async () => {
      if (ctx.lifecycle.closing) throw new ProblemError('SHUTTING_DOWN', 'The gateway is shutting down');
      await ctx.store.ping();
      if (!(await ctx.ledger.isReachable())) {
        throw new ProblemError('LEDGER_UNAVAILABLE', "The organization's peer cannot be reached");
      }
      return { status: 'ready' as const };
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        operationId: 'metrics',
        tags: ['operations'],
        summary: 'Prometheus metrics: request latency by route, Fabric transaction outcomes, process',
        produces: ['text/plain'],
        response: { 200: { description: 'Prometheus text exposition format', type: 'string' } },
      },
    },
    async (_request, reply) => {
      const body = await ctx.metrics.registry.metrics();
      return reply.type(ctx.metrics.registry.contentType).send(body);
    },
  );
  return Promise.resolve();
};
