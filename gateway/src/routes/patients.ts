import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { BEARER_SECURITY } from '../plugins/authentication';
import { Demographics, EmrView, MspId, PatientId, PurgeReceipt, RecordId } from '../emr/schemas';
import {
  callerOf,
  PROTECTED_PROBLEMS,
  problemResponses,
  withTransactionId,
  type RouteContext,
} from './common';

const PatientParams = Type.Object({ patientId: PatientId });

const Admission = Type.Object({
  username: Type.String({ description: "The patient's opaque login name (not derived from id or name)" }),
  enrollmentSecret: Type.String({ description: 'Single-use: the password of the first login' }),
  emrId: RecordId,
  org: MspId,
  transactionId: Type.String(),
});

/** Admission (healthcenter), lookup (physician), registration check and erasure (owner's healthcenter). */
export const patientRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, ctx) => {
  app.post(
    '/api/v1/patients',
    {
      onRequest: ctx.allow('healthcenter'),
      schema: {
        operationId: 'admitPatient',
        tags: ['healthcenter'],
        summary: "Register a patient at the CA and create the patient's EMR (CreateEmr)",
        security: BEARER_SECURITY,
        body: Type.Object(Demographics.properties, { additionalProperties: false }),
        response: { 201: Admission, ...problemResponses(...PROTECTED_PROBLEMS, 409, 412) },
      },
    },
    async (request, reply) => {
      const admission = await ctx.admission.admit(await callerOf(ctx, request), request.body);
      return reply.code(201).send({
        username: admission.username,
        enrollmentSecret: admission.enrollmentSecret,
        emrId: admission.emrId,
        org: admission.ownerMsp,
        transactionId: admission.transactionId,
      });
    },
  );

  app.get(
    '/api/v1/patients/:patientId/registered',
    {
      onRequest: ctx.allow('healthcenter'),
      schema: {
        operationId: 'checkPatientRegistered',
        tags: ['healthcenter'],
        summary: 'Whether the patient has an EMR at this provider (CheckIsPatientRegistered)',
        security: BEARER_SECURITY,
        params: PatientParams,
        response: {
          200: Type.Object({ registered: Type.Boolean() }),
          ...problemResponses(...PROTECTED_PROBLEMS),
        },
      },
    },
    async (request) => ({
      registered: await ctx.emr.isPatientRegistered(await callerOf(ctx, request), request.params.patientId),
    }),
  );

  app.get(
    '/api/v1/patients/:patientId/emr',
    {
      onRequest: ctx.allow('physician'),
      schema: {
        operationId: 'getEmrByPatientId',
        tags: ['physician'],
        summary: "A patient's EMR at this provider, with all notes (GetEmrByPatientId)",
        security: BEARER_SECURITY,
        params: PatientParams,
        response: { 200: EmrView, ...problemResponses(...PROTECTED_PROBLEMS, 404) },
      },
    },
    async (request) => ctx.emr.emrByPatientId(await callerOf(ctx, request), request.params.patientId),
  );

  app.delete(
    '/api/v1/patients/:patientId/emr',
    {
      onRequest: ctx.allow('healthcenter'),
      schema: {
        operationId: 'erasePatientEmr',
        tags: ['healthcenter'],
        summary: "Erase a patient's EMR (PurgeEmr) after the patient consented (POST /api/v1/me/erasure)",
        description:
          'The EMR is found by the patient id of an admission through this gateway; DELETE /api/v1/emrs/{emrId} ' +
          'erases by EMR id. Without the consent: 412 FAILED_PRECONDITION.',
        security: BEARER_SECURITY,
        params: PatientParams,
        response: {
          200: withTransactionId(PurgeReceipt),
          ...problemResponses(...PROTECTED_PROBLEMS, 404, 412),
        },
      },
    },
    async (request) => {
      const emrId = await ctx.admission.emrIdOf(request.params.patientId);
      return ctx.emr.purgeEmr(await callerOf(ctx, request), emrId);
    },
  );
  return Promise.resolve();
};
