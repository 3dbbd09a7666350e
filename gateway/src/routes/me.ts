import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { BEARER_SECURITY } from '../plugins/authentication';
import { ProblemError } from '../errors/problem';
import {
  AuditRecord,
  EmrView,
  ErasureConsent,
  MspId,
  OwnerRequestView,
  PublicRequestView,
  RecordId,
} from '../emr/schemas';
import { emrToFhirBundle } from '../fhir/emr-bundle';
import {
  callerOf,
  PROTECTED_PROBLEMS,
  problemResponses,
  withTransactionId,
  type RouteContext,
} from './common';

const FhirBundle = Type.Object(
  {
    resourceType: Type.Literal('Bundle'),
    type: Type.Literal('document'),
    identifier: Type.Object({ system: Type.String(), value: Type.String() }),
    timestamp: Type.String(),
    entry: Type.Array(
      Type.Object({ fullUrl: Type.String(), resource: Type.Object({}, { additionalProperties: true }) }),
    ),
  },
  {
    additionalProperties: true,
    description: 'FHIR R4 document Bundle: Composition, Patient, Organization, Encounters',
  },
);

export const FHIR_CONTENT_TYPE = 'application/fhir+json';

/** The patient's own EMR, consent decisions, access log and erasure consent. All at this provider. */
export const meRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, ctx) => {
  const patientOnly = ctx.allow('patient');

  app.get(
    '/api/v1/me/emr',
    {
      onRequest: patientOnly,
      schema: {
        operationId: 'getOwnEmr',
        tags: ['patient'],
        summary: 'My EMR with all notes (GetOwnEmr); format=fhir answers a FHIR R4 document Bundle',
        security: BEARER_SECURITY,
        querystring: Type.Object(
          { format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('fhir')])) },
          { additionalProperties: false },
        ),
        response: {
          200: {
            description: 'The EMR, as the chaincode view or as FHIR',
            content: { 'application/json': { schema: EmrView }, [FHIR_CONTENT_TYPE]: { schema: FhirBundle } },
          },
          ...problemResponses(...PROTECTED_PROBLEMS, 404),
        },
      },
    },
    async (request, reply) => {
      const emr = await ctx.emr.ownEmr(await callerOf(ctx, request));
      if (request.query.format === 'fhir') return reply.type(FHIR_CONTENT_TYPE).send(emrToFhirBundle(emr));
      return reply.type('application/json').send(emr);
    },
  );

  app.get(
    '/api/v1/me/visits',
    {
      onRequest: patientOnly,
      schema: {
        operationId: 'getMedicalVisitCount',
        tags: ['patient'],
        summary: 'How many visits (notes) my EMR at this provider has (GetMedicalVisitCount)',
        description:
          "A patient identity belongs to one provider; org, when given, must be this gateway's org.",
        security: BEARER_SECURITY,
        querystring: Type.Object({ org: Type.Optional(MspId) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ org: MspId, visitCount: Type.Integer() }),
          ...problemResponses(...PROTECTED_PROBLEMS, 404),
        },
      },
    },
    async (request) => {
      const org = request.query.org ?? ctx.config.mspId;
      if (org !== ctx.config.mspId) {
        throw new ProblemError(
          'VALIDATION_FAILED',
          `This gateway serves ${ctx.config.mspId}; ask the gateway of ${org} with your identity there`,
        );
      }
      return { org, visitCount: await ctx.emr.visitCount(await callerOf(ctx, request)) };
    },
  );

  app.get(
    '/api/v1/me/access-requests',
    {
      onRequest: patientOnly,
      schema: {
        operationId: 'getOwnAccessRequests',
        tags: ['patient'],
        summary: 'Every request for my EMR, any status (GetOwnAccessRequests)',
        security: BEARER_SECURITY,
        response: { 200: Type.Array(OwnerRequestView), ...problemResponses(...PROTECTED_PROBLEMS) },
      },
    },
    async (request) => ctx.emr.ownAccessRequests(await callerOf(ctx, request)),
  );

  app.post(
    '/api/v1/me/access-requests/:requestId/approve',
    {
      onRequest: patientOnly,
      schema: {
        operationId: 'approveEmrSharing',
        tags: ['patient'],
        summary: 'My consent to a request for my EMR (ApproveEmrSharing)',
        security: BEARER_SECURITY,
        params: Type.Object({ requestId: RecordId }),
        response: {
          200: withTransactionId(PublicRequestView),
          ...problemResponses(...PROTECTED_PROBLEMS, 404, 409),
        },
      },
    },
    async (request) => ctx.emr.approveSharing(await callerOf(ctx, request), request.params.requestId),
  );

  app.delete(
    '/api/v1/me/sharing/:mspId',
    {
      onRequest: patientOnly,
      schema: {
        operationId: 'removeEmrSharing',
        tags: ['patient'],
        summary:
          'Withdraw my consent for a provider: its pending and granted requests end (RemoveEmrSharing)',
        security: BEARER_SECURITY,
        params: Type.Object({ mspId: MspId }),
        response: {
          200: Type.Object({ withdrawn: Type.Array(PublicRequestView), transactionId: Type.String() }),
          ...problemResponses(...PROTECTED_PROBLEMS, 404),
        },
      },
    },
    async (request) => ctx.emr.removeSharing(await callerOf(ctx, request), request.params.mspId),
  );

  app.get(
    '/api/v1/me/access-log',
    {
      onRequest: patientOnly,
      schema: {
        operationId: 'getOwnAccessLog',
        tags: ['patient'],
        summary: 'Who read my EMR through sharing, when and which version (GetOwnAccessLog)',
        security: BEARER_SECURITY,
        response: { 200: Type.Array(AuditRecord), ...problemResponses(...PROTECTED_PROBLEMS, 404) },
      },
    },
    async (request) => ctx.emr.ownAccessLog(await callerOf(ctx, request)),
  );

  app.post(
    '/api/v1/me/erasure',
    {
      onRequest: patientOnly,
      schema: {
        operationId: 'consentToEmrErasure',
        tags: ['patient'],
        summary:
          'My consent to erase my EMR at this provider (ConsentToEmrErasure); the healthcenter erases it',
        security: BEARER_SECURITY,
        response: {
          200: withTransactionId(ErasureConsent),
          ...problemResponses(...PROTECTED_PROBLEMS, 404, 409),
        },
      },
    },
    async (request) => ctx.emr.consentToErasure(await callerOf(ctx, request)),
  );
  return Promise.resolve();
};
