import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { BEARER_SECURITY } from '../plugins/authentication';
import { AddedNote, AuditRecord, EmrView, NoteText, PurgeReceipt, RecordId } from '../emr/schemas';
import {
  callerOf,
  PROTECTED_PROBLEMS,
  problemResponses,
  withTransactionId,
  type RouteContext,
} from './common';

const EmrParams = Type.Object({ emrId: RecordId });

/** EMRs of this provider by id: read and annotate (physician), access log and erasure (healthcenter). */
export const emrRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, ctx) => {
  app.get(
    '/api/v1/emrs/:emrId',
    {
      onRequest: ctx.allow('physician'),
      schema: {
        operationId: 'readEmr',
        tags: ['physician'],
        summary: 'An EMR of this provider with all notes (ReadEmr)',
        security: BEARER_SECURITY,
        params: EmrParams,
        response: { 200: EmrView, ...problemResponses(...PROTECTED_PROBLEMS, 404) },
      },
    },
    async (request) => ctx.emr.readEmr(await callerOf(ctx, request), request.params.emrId),
  );

  app.post(
    '/api/v1/emrs/:emrId/notes',
    {
      onRequest: ctx.allow('physician'),
      schema: {
        operationId: 'addEmrNote',
        tags: ['physician'],
        summary: 'Append a visit note (AddEmrNote); concurrent notes are retried on MVCC conflicts',
        security: BEARER_SECURITY,
        params: EmrParams,
        body: Type.Object({ text: NoteText }, { additionalProperties: false }),
        response: { 201: withTransactionId(AddedNote), ...problemResponses(...PROTECTED_PROBLEMS, 404, 409) },
      },
    },
    async (request, reply) => {
      const added = await ctx.emr.addNote(
        await callerOf(ctx, request),
        request.params.emrId,
        request.body.text,
      );
      return reply.code(201).send(added);
    },
  );

  app.get(
    '/api/v1/emrs/:emrId/access-log',
    {
      onRequest: ctx.allow('healthcenter'),
      schema: {
        operationId: 'getEmrAccessLog',
        tags: ['healthcenter'],
        summary: 'Who read this EMR through sharing, when, at which version (GetEmrAccessLog)',
        security: BEARER_SECURITY,
        params: EmrParams,
        response: { 200: Type.Array(AuditRecord), ...problemResponses(...PROTECTED_PROBLEMS, 404) },
      },
    },
    async (request) => ctx.emr.emrAccessLog(await callerOf(ctx, request), request.params.emrId),
  );

  app.delete(
    '/api/v1/emrs/:emrId',
    {
      onRequest: ctx.allow('healthcenter'),
      schema: {
        operationId: 'eraseEmr',
        tags: ['healthcenter'],
        summary: 'Erase an EMR (PurgeEmr) after the patient consented; 412 without the consent',
        security: BEARER_SECURITY,
        params: EmrParams,
        response: {
          200: withTransactionId(PurgeReceipt),
          ...problemResponses(...PROTECTED_PROBLEMS, 404, 412),
        },
      },
    },
    async (request) => ctx.emr.purgeEmr(await callerOf(ctx, request), request.params.emrId),
  );
  return Promise.resolve();
};
