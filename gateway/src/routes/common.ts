import { Type, type TObject, type TProperties, type TString } from 'typebox';
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Role } from '../auth/roles';
import type { TokenIssuer } from '../auth/tokens';
import type { GatewayConfig } from '../config';
import type { EmrService } from '../emr/emr-service';
import type { PatientAdmission } from '../emr/patient-admission';
import type { SharedRecords } from '../emr/shared-read';
import { PROBLEMS, ProblemSchema } from '../errors/problem';
import type { UserDirectory } from '../identity/user-directory';
import type { GatewayMetrics } from '../metrics';
import { authenticate, principalOf } from '../plugins/authentication';
import type { Ledger, LedgerCaller } from '../fabric/ledger';
import type { GatewayStore } from '../store/store';

/** What route plugins need; built once by the app. */
export interface RouteContext {
  readonly config: Pick<GatewayConfig, 'mspId' | 'loginRateLimitPerMinute'>;
  readonly tokens: TokenIssuer;
  readonly users: UserDirectory;
  readonly emr: EmrService;
  readonly admission: PatientAdmission;
  readonly sharing: SharedRecords;
  readonly ledger: Ledger;
  readonly store: GatewayStore;
  readonly metrics: GatewayMetrics;
  /** True once shutdown began: readiness fails so no new traffic is routed here. */
  readonly lifecycle: { closing: boolean };
  /** The onRequest hook admitting a valid token of this org with one of `roles`. */
  readonly allow: (...roles: Role[]) => onRequestAsyncHookHandler;
}

export function allowFor(tokens: TokenIssuer): RouteContext['allow'] {
  return (...roles) => authenticate(tokens, roles);
}

/** OpenAPI + serialization of the problems a route may answer. */
export function problemResponses(...statuses: number[]): Record<number, object> {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: problemDescription(status),
        content: { 'application/problem+json': { schema: ProblemSchema } },
      },
    ]),
  );
}

function problemDescription(status: number): string {
  const codes = Object.entries(PROBLEMS)
    .filter(([, problem]) => problem.status === status)
    .map(([code]) => code);
  return `Problem: ${codes.join(', ')}`;
}

/** Problems of every protected route: bad input, no token, wrong role/org, ledger down or slow. */
export const PROTECTED_PROBLEMS = [400, 401, 403, 503, 504] as const;

/** A submitted transaction's answer plus its id. */
export function withTransactionId<P extends TProperties>(
  schema: TObject<P>,
): TObject<P & { transactionId: TString }> {
  return Type.Object({
    ...schema.properties,
    transactionId: Type.String({ description: 'Id of the committed Fabric transaction' }),
  });
}

/** The signing identity of the request's authenticated user. */
export function callerOf(ctx: RouteContext, request: FastifyRequest): Promise<LedgerCaller> {
  return ctx.users.signingIdentity(principalOf(request));
}
