import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { CaClient } from '@emr/network';
import type { Server } from 'node:https';
import Fastify, { type FastifyHttpsOptions, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { DestinationStream } from 'pino';
import { newIndexKeyDeriver, newAesGcmKeySealer } from './auth/key-sealing';
import { newScryptPasswordHashing, type PasswordHashing } from './auth/password-hash';
import { newTokenIssuer } from './auth/tokens';
import type { GatewayConfig } from './config';
import { EmrService } from './emr/emr-service';
import { PatientAdmission } from './emr/patient-admission';
import { SharedRecords } from './emr/shared-read';
import type { Ledger } from './fabric/ledger';
import { UserDirectory } from './identity/user-directory';
import { loggerOptions } from './logging';
import { instrumentLedger, newGatewayMetrics, type GatewayMetrics } from './metrics';
import { registerProblemHandlers } from './plugins/problems';
import { accessRequestRoutes } from './routes/access-requests';
import { authRoutes } from './routes/auth';
import { allowFor, type RouteContext } from './routes/common';
import { emrRoutes } from './routes/emrs';
import { healthRoutes } from './routes/health';
import { meRoutes } from './routes/me';
import { patientRoutes } from './routes/patients';
import { userRoutes } from './routes/users';
import type { GatewayStore } from './store/store';

/** What the app talks to; the server builds the real ones, tests pass fakes of the ledger and the CA. */
export interface AppDependencies {
  readonly ledger: Ledger;
  readonly ca: CaClient;
  readonly store: GatewayStore;
  /** Default: scrypt with the standard cost. Tests pass a cheap cost. */
  readonly passwords?: PasswordHashing;
  /** Default: a new registry with process metrics. */
  readonly metrics?: GatewayMetrics;
  /** Set `closing` to fail readiness before the server closes. */
  readonly lifecycle?: { closing: boolean };
}

export interface GatewayPluginOptions {
  readonly config: GatewayConfig;
  readonly deps: AppDependencies;
}

/** Largest accepted request body: a note is at most 16 KiB of UTF-8, JSON-escaped. */
const BODY_LIMIT_BYTES = 128 * 1024;

/**
 * The gateway as a fastify plugin: security headers, login rate limit, OpenAPI document and docs page, metrics,
 * problem+json errors and every route. Not encapsulated, so its error handler applies to the whole server.
 */
export const gatewayPlugin = fp<GatewayPluginOptions>(
  async (app, { config, deps }) => {
    const metrics = deps.metrics ?? newGatewayMetrics();
    const lifecycle = deps.lifecycle ?? { closing: false };
    const ctx = routeContext(config, deps, metrics, lifecycle);
    app.addHook('onRequest', async (request, reply) => {
      reply.header('x-request-id', request.id);
    });
    // While shutting down, answers close their connection, so keep-alive clients do not hold the server open.
    app.addHook('onSend', async (_request, reply) => {
      if (lifecycle.closing) reply.header('connection', 'close');
    });
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.httpRequestDuration.observe(
        { method: request.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
    registerProblemHandlers(app);
    await app.register(helmet, { global: true });
    await app.register(rateLimit, { global: false });
    await registerOpenApi(app, config);
    for (const routes of [
      healthRoutes,
      authRoutes,
      userRoutes,
      patientRoutes,
      emrRoutes,
      accessRequestRoutes,
      meRoutes,
    ]) {
      await app.register(routes, ctx);
    }
  },
  { name: 'emr-gateway', fastify: '5.x' },
);

function routeContext(
  config: GatewayConfig,
  deps: AppDependencies,
  metrics: GatewayMetrics,
  lifecycle: { closing: boolean },
): RouteContext {
  const ledger = instrumentLedger(deps.ledger, metrics);
  const tokens = newTokenIssuer({
    secret: config.jwtSecret,
    mspId: config.mspId,
    ttlSeconds: config.tokenTtlSeconds,
  });
  const users = new UserDirectory({
    mspId: config.mspId,
    ca: deps.ca,
    registrar: config.registrar,
    users: deps.store.users,
    sealer: newAesGcmKeySealer(config.keyEncryptionKey),
    passwords: deps.passwords ?? newScryptPasswordHashing(),
  });
  const emr = new EmrService(ledger);
  const patientKey = newIndexKeyDeriver(config.keyEncryptionKey);
  return {
    config,
    tokens,
    users,
    emr,
    admission: new PatientAdmission(emr, users, deps.store.patients, patientKey),
    sharing: new SharedRecords(emr, deps.store.requests, patientKey),
    ledger,
    store: deps.store,
    metrics,
    lifecycle,
    allow: allowFor(tokens),
  };
}

async function registerOpenApi(app: FastifyInstance, config: GatewayConfig): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: `EMR gateway of ${config.mspId}`,
        version: '1.0.0',
        description:
          'Electronic medical records on Hyperledger Fabric. Every call is signed with the Fabric identity of the ' +
          'logged-in user. Errors are RFC 9457 problems (application/problem+json) with a stable `code`.',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      tags: [
        { name: 'auth' },
        { name: 'admin' },
        { name: 'healthcenter' },
        { name: 'physician' },
        { name: 'sharing' },
        { name: 'patient' },
        { name: 'operations' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
}

/** Options of the standalone server: logging, TLS, request ids, shutdown behaviour, body limit, validation. */
export function serverOptions(config: GatewayConfig, logStream?: DestinationStream): FastifyServerOptions {
  return {
    logger: { ...loggerOptions(config.logLevel), ...(logStream === undefined ? {} : { stream: logStream }) },
    genReqId: requestIdOf,
    requestIdHeader: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    bodyLimit: BODY_LIMIT_BYTES,
    // Unknown fields are rejected (additionalProperties: false), not silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
  };
}

/** The caller's X-Request-Id when it is a harmless token, else a new UUID. */
function requestIdOf(request: IncomingMessage): string {
  const offered = request.headers['x-request-id'];
  return typeof offered === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(offered) ? offered : randomUUID();
}

/**
 * A ready-to-listen gateway: fastify (HTTPS when `config.tls` is set) with {@link gatewayPlugin}.
 *
 * @example
 * const app = await buildApp(loadConfig(), { ledger, ca, store });
 * await app.listen({ host: config.listenHost, port: config.port });
 */
export async function buildApp(
  config: GatewayConfig,
  deps: AppDependencies,
  options: { readonly logStream?: DestinationStream } = {},
): Promise<FastifyInstance> {
  const base = serverOptions(config, options.logStream);
  // The https variant differs from the http one only in the raw server type, which no route uses.
  const app = (config.tls === undefined
    ? Fastify(base)
    : Fastify({
        ...base,
        https: { key: config.tls.privateKey, cert: config.tls.certificate },
      } as FastifyHttpsOptions<Server>)) as unknown as FastifyInstance;
  await app.withTypeProvider<TypeBoxTypeProvider>().register(gatewayPlugin, { config, deps });
  return app;
}
