import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf, BEARER_SECURITY } from '../plugins/authentication';
import { ProblemError } from '../errors/problem';
import {
  MspId,
  OwnerRequestView,
  PatientId,
  PublicRequestView,
  RecordId,
  SharedEmrView,
} from '../emr/schemas';
import {
  callerOf,
  PROTECTED_PROBLEMS,
  problemResponses,
  withTransactionId,
  type RouteContext,
} from './common';

const RequestParams = Type.Object({ requestId: RecordId });

/** A request as listed: the public view, plus the owner's fields for incoming requests. */
const ListedRequest = Type.Object({
  ...PublicRequestView.properties,
  emrId: Type.Optional(OwnerRequestView.properties.emrId),
  requestedBy: Type.Optional(OwnerRequestView.properties.requestedBy),
  snapshot: OwnerRequestView.properties.snapshot,
  closedReason: OwnerRequestView.properties.closedReason,
});

const View = Type.Union([Type.Literal('incoming'), Type.Literal('outgoing')]);

/** Asking another provider for an EMR, deciding on requests to this provider, and reading what was shared. */
export const accessRequestRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, ctx) => {
  app.post(
    '/api/v1/access-requests',
    {
      onRequest: ctx.allow('physician', 'healthcenter'),
      schema: {
        operationId: 'requestEmrAccess',
        tags: ['sharing'],
        summary: "Ask provider ownerOrg for a patient's EMR (RequestEmrAccess, endorsed by the owner)",
        security: BEARER_SECURITY,
        body: Type.Object({ patientId: PatientId, ownerOrg: MspId }, { additionalProperties: false }),
        response: {
          201: withTransactionId(PublicRequestView),
          ...problemResponses(...PROTECTED_PROBLEMS, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const { patientId, ownerOrg } = request.body;
      const created = await ctx.sharing.requestAccess(await callerOf(ctx, request), ownerOrg, patientId);
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/access-requests',
    {
      onRequest: ctx.allow('physician', 'healthcenter'),
      schema: {
        operationId: 'listAccessRequests',
        tags: ['sharing'],
        summary:
          'Incoming requests still pending at this provider (healthcenter), or requests this provider sent',
        description:
          'view=incoming (default for healthcenter): GetPendingAccessRequests. view=outgoing (default for ' +
          'physicians): GetRequesterAccessRequests, any status.',
        security: BEARER_SECURITY,
        querystring: Type.Object({ view: Type.Optional(View) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ view: View, requests: Type.Array(ListedRequest) }),
          ...problemResponses(...PROTECTED_PROBLEMS),
        },
      },
    },
    async (request) => {
      const { role } = principalOf(request);
      const view = request.query.view ?? (role === 'healthcenter' ? 'incoming' : 'outgoing');
      if (view === 'incoming' && role !== 'healthcenter') {
        throw new ProblemError('ROLE_NOT_ALLOWED', 'Only healthcenter staff decide on incoming requests');
      }
      const caller = await callerOf(ctx, request);
      const requests =
        view === 'incoming' ? await ctx.emr.pendingRequests(caller) : await ctx.emr.requesterRequests(caller);
      return { view, requests };
    },
  );

  for (const [action, operationId, summary] of [
    ['authorize', 'authorizeEmrReading', "The owner's approval of a pending request (AuthorizeEmrReading)"],
    [
      'revoke',
      'revokeEmrSharing',
      'The owner refuses or withdraws a pending or granted share (RevokeEmrSharing)',
    ],
  ] as const) {
    app.post(
      `/api/v1/access-requests/:requestId/${action}`,
      {
        onRequest: ctx.allow('healthcenter'),
        schema: {
          operationId,
          tags: ['sharing'],
          summary,
          security: BEARER_SECURITY,
          params: RequestParams,
          response: {
            200: withTransactionId(PublicRequestView),
            ...problemResponses(...PROTECTED_PROBLEMS, 404, 409),
          },
        },
      },
      async (request) => {
        const caller = await callerOf(ctx, request);
        const { requestId } = request.params;
        return action === 'authorize'
          ? ctx.emr.authorizeReading(caller, requestId)
          : ctx.emr.revokeSharing(caller, requestId);
      },
    );
  }

  app.get(
    '/api/v1/access-requests/:requestId/emr',
    {
      onRequest: ctx.allow('physician'),
      schema: {
        operationId: 'getSharedEmrByRequest',
        tags: ['sharing'],
        summary:
          'The EMR shared under a granted request this provider sent (audited: LogSharedEmrAccess, GetSharedEmr)',
        security: BEARER_SECURITY,
        params: RequestParams,
        response: { 200: SharedEmrView, ...problemResponses(...PROTECTED_PROBLEMS, 404, 412) },
      },
    },
    async (request) => ctx.sharing.readByRequest(await callerOf(ctx, request), request.params.requestId),
  );

  app.get(
    '/api/v1/shared-emrs/:ownerOrg/:patientId',
    {
      onRequest: ctx.allow('physician'),
      schema: {
        operationId: 'getSharedEmr',
        tags: ['sharing'],
        summary:
          "A patient's EMR shared by provider ownerOrg (audited: LogSharedEmrAccess, then GetSharedEmr)",
        description:
          'Uses the newest granted request for this patient sent through this gateway (the ledger does not link ' +
          'requests to patient ids for the requester). 403 before approval and after withdrawal or revocation.',
        security: BEARER_SECURITY,
        params: Type.Object({ ownerOrg: MspId, patientId: PatientId }),
        response: { 200: SharedEmrView, ...problemResponses(...PROTECTED_PROBLEMS, 404, 412) },
      },
    },
    async (request) => {
      const { ownerOrg, patientId } = request.params;
      return ctx.sharing.readByPatient(await callerOf(ctx, request), ownerOrg, patientId);
    },
  );
  return Promise.resolve();
};
