/**
 * Admin operations against real orderers: the channel participation REST API (join, list) and the AtomicBroadcast
 * gRPC service (Broadcast a config update, Deliver blocks). No osnadmin or peer CLI.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkServerIdentity } from 'node:tls';

import type * as grpc from '@grpc/grpc-js';
import { common, orderer } from '@hyperledger/fabric-protos';

import type { Identity } from '../identity/identity';
import { lastConfigIndex } from './configtx/config-block';
import { deadlineAfter, grpcConnectionSettings, type GrpcEndpoint } from './grpc';
import { createSignedEnvelope } from './signing';

/** Why an orderer operation failed. Stable: callers branch on it. */
export type OrdererErrorCode =
  /** The channel participation API answered with an error status. */
  | 'ADMIN_API_ERROR'
  /**
   * Broadcast answered with a status other than SUCCESS: FORBIDDEN when the envelope's signer does not satisfy
   * /Channel/Writers, BAD_REQUEST when a config update's signatures do not satisfy the mod_policies it touches.
   */
  | 'BROADCAST_REJECTED'
  /** Deliver answered with a status instead of the block (e.g. NOT_FOUND: unknown channel). */
  | 'DELIVER_REJECTED'
  /** The call failed at the transport level (unreachable, TLS, deadline exceeded). */
  | 'TRANSPORT_ERROR'
  /** The orderer answered something this client cannot interpret. */
  | 'UNEXPECTED_RESPONSE';

/** An orderer operation error with a stable `code` and structured `details` (statuses, messages, addresses). */
export class OrdererError extends Error {
  override readonly name = 'OrdererError';

  constructor(
    readonly code: OrdererErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Per-call options. */
export interface CallOptions {
  /** Deadline for the whole call, 30 s by default. */
  readonly timeoutMs?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Channel participation API

/** The orderer's admin endpoint, which requires mutual TLS. */
export interface OrdererAdminEndpoint {
  /** e.g. 'https://127.0.0.1:9443'. */
  readonly adminUrl: string;
  /** PEM of the CA that issued the admin endpoint's TLS certificate. */
  readonly tlsCaCertificate: string;
  /** TLS client certificate of an orderer organization admin (trusted by Admin.TLS.ClientRootCAs). */
  readonly clientIdentity: Identity;
  /** DNS SAN to verify the server certificate against instead of the URL's host. */
  readonly serverNameOverride?: string;
}

/** A channel the orderer takes part in (types.ChannelInfo). */
export interface OrdererChannelInfo {
  readonly name: string;
  readonly url: string;
  /** 'consenter', 'follower', 'config-tracker' or 'other'. */
  readonly consensusRelation: string;
  /** 'active', 'onboarding', 'inactive' or 'failed'. */
  readonly status: string;
  readonly height: number;
}

/** Outcome of a join: a fresh join returns the channel's state; joining twice is not an error. */
export type JoinResult =
  | { readonly outcome: 'joined'; readonly channel: OrdererChannelInfo }
  | { readonly outcome: 'already-joined' };

const PARTICIPATION_PATH = '/participation/v1/channels';

/**
 * Joins the orderer to `channelId` with `configBlock` (the genesis block, or the latest config block when the
 * channel already runs elsewhere). Idempotent: an orderer that already has the channel yields 'already-joined'
 * (the API answers 405 "cannot join: channel already exists").
 */
export async function joinOrdererToChannel(
  admin: OrdererAdminEndpoint,
  channelId: string,
  configBlock: Uint8Array,
  options: CallOptions = {},
): Promise<JoinResult> {
  const boundary = `emr-${randomBytes(12).toString('hex')}`;
  // The orderer reads the block from a multipart *file* part named config-block: the filename is required.
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="config-block"; filename="config.block"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    configBlock,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const response = await adminRequest(admin, 'POST', PARTICIPATION_PATH, options, {
    contentType: `multipart/form-data; boundary=${boundary}`,
    data: body,
  });
  if (response.status === 201) {
    const channel = parseJson(response.body) as OrdererChannelInfo;
    if (channel.name !== channelId) {
      throw new OrdererError(
        'UNEXPECTED_RESPONSE',
        `joined ${channel.name}, not ${channelId}: wrong config block?`,
        {
          channelId,
          joined: channel.name,
        },
      );
    }
    return { outcome: 'joined', channel };
  }
  const message = errorMessage(response.body);
  if (response.status === 405 && message.includes('channel already exists')) {
    return { outcome: 'already-joined' };
  }
  throw adminApiError(`join ${channelId}`, response.status, message);
}

/** Names and URLs of the channels the orderer takes part in. */
export async function listOrdererChannels(
  admin: OrdererAdminEndpoint,
  options: CallOptions = {},
): Promise<{ readonly name: string; readonly url: string }[]> {
  const response = await adminRequest(admin, 'GET', PARTICIPATION_PATH, options);
  if (response.status !== 200) {
    throw adminApiError('list channels', response.status, errorMessage(response.body));
  }
  return (parseJson(response.body) as { channels: { name: string; url: string }[] | null }).channels ?? [];
}

/** The orderer's state in one channel, or undefined if it is not part of it. */
export async function getOrdererChannel(
  admin: OrdererAdminEndpoint,
  channelId: string,
  options: CallOptions = {},
): Promise<OrdererChannelInfo | undefined> {
  const response = await adminRequest(admin, 'GET', `${PARTICIPATION_PATH}/${channelId}`, options);
  if (response.status === 404) return undefined;
  if (response.status !== 200) {
    throw adminApiError(`get ${channelId}`, response.status, errorMessage(response.body));
  }
  return parseJson(response.body) as OrdererChannelInfo;
}

interface AdminResponse {
  readonly status: number;
  readonly body: string;
}

async function adminRequest(
  admin: OrdererAdminEndpoint,
  method: 'GET' | 'POST',
  path: string,
  options: CallOptions,
  body?: { readonly contentType: string; readonly data: Buffer },
): Promise<AdminResponse> {
  const url = new URL(path, admin.adminUrl);
  const override = admin.serverNameOverride;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: admin.tlsCaCertificate,
        cert: admin.clientIdentity.certificate,
        key: admin.clientIdentity.privateKey,
        headers: { Accept: 'application/json', ...(body && { 'Content-Type': body.contentType }) },
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        ...(override !== undefined && {
          servername: override,
          checkServerIdentity: (_host: string, cert) => checkServerIdentity(override, cert),
        }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer within ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`)),
    );
    req.on('error', (error) => {
      reject(
        new OrdererError(
          'TRANSPORT_ERROR',
          `${method} ${url.href} failed: ${error.message}`,
          { url: url.href },
          {
            cause: error,
          },
        ),
      );
    });
    req.end(body?.data);
  });
}

function adminApiError(operation: string, status: number, message: string): OrdererError {
  return new OrdererError('ADMIN_API_ERROR', `${operation}: HTTP ${status}: ${message}`, {
    status,
    error: message,
  });
}

/** The `error` field of the API's JSON error body (types.ErrorResponse), else the raw body. */
function errorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    return typeof parsed.error === 'string' ? parsed.error : body;
  } catch {
    return body;
  }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw new OrdererError(
      'UNEXPECTED_RESPONSE',
      'the orderer answered with invalid JSON',
      { body },
      { cause: error },
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// AtomicBroadcast: Broadcast and Deliver

/**
 * Submits a signed envelope (e.g. from createConfigUpdateEnvelope) and resolves when the orderer accepted it
 * (status SUCCESS). Acceptance is not commitment: a config update is in a block shortly after. While the orderer
 * answers SERVICE_UNAVAILABLE (no Raft leader yet) the envelope is resent until the deadline.
 * @throws OrdererError BROADCAST_REJECTED with details.status/statusName/info (see {@link OrdererErrorCode}).
 */
export async function broadcastEnvelope(
  endpoint: GrpcEndpoint,
  envelopeBytes: Uint8Array,
  tlsClient?: Identity,
  options: CallOptions = {},
): Promise<void> {
  const envelope = common.Envelope.deserializeBinary(envelopeBytes);
  const deadline = deadlineAfter(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  await withBroadcastClient(endpoint, tlsClient, (client) =>
    retryWhileUnavailable(deadline, async () => {
      const response = await singleResponse(client.broadcast({ deadline }), envelope, endpoint, 'Broadcast');
      const status = response.getStatus();
      if (status !== common.Status.SUCCESS) {
        const info = response.getInfo();
        throw new OrdererError('BROADCAST_REJECTED', `broadcast rejected: ${statusName(status)}: ${info}`, {
          address: endpoint.address,
          status,
          statusName: statusName(status),
          info,
        });
      }
    }),
  );
}

/** Options of Deliver calls. */
export interface DeliverOptions extends CallOptions {
  /** TLS client certificate, for orderers that require mutual TLS on gRPC. */
  readonly tlsClient?: Identity;
}

/**
 * Block `number` of `channelId`, waiting for it to be cut if it does not exist yet (until the deadline).
 * @param reader identity satisfying the channel's /Channel/Readers policy (e.g. an organization admin).
 */
export async function fetchBlock(
  endpoint: GrpcEndpoint,
  channelId: string,
  number: number,
  reader: Identity,
  options: DeliverOptions = {},
): Promise<common.Block> {
  const deadline = deadlineAfter(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return deliverOne(endpoint, channelId, specifiedPosition(number), reader, deadline, options.tlsClient);
}

/**
 * The channel's latest config block: the newest block's metadata names it, then it is fetched. Pass it to
 * readConfigFromBlock for the configuration to update.
 */
export async function fetchConfigBlock(
  endpoint: GrpcEndpoint,
  channelId: string,
  reader: Identity,
  options: DeliverOptions = {},
): Promise<common.Block> {
  const deadline = deadlineAfter(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const newestPosition = new orderer.SeekPosition();
  newestPosition.setNewest(new orderer.SeekNewest());
  const newest = await deliverOne(endpoint, channelId, newestPosition, reader, deadline, options.tlsClient);
  const configNumber = lastConfigIndex(newest);
  if (configNumber === newest.getHeader()?.getNumber()) return newest;
  return deliverOne(
    endpoint,
    channelId,
    specifiedPosition(configNumber),
    reader,
    deadline,
    options.tlsClient,
  );
}

function specifiedPosition(number: number): orderer.SeekPosition {
  const specified = new orderer.SeekSpecified();
  specified.setNumber(number);
  const position = new orderer.SeekPosition();
  position.setSpecified(specified);
  return position;
}

/**
 * Delivers exactly the block at `position` (start = stop), blocking until it exists. Retries while the orderer
 * answers SERVICE_UNAVAILABLE, which it does until the channel's Raft cluster has a leader.
 */
async function deliverOne(
  endpoint: GrpcEndpoint,
  channelId: string,
  position: orderer.SeekPosition,
  reader: Identity,
  deadline: Date,
  tlsClient: Identity | undefined,
): Promise<common.Block> {
  const seekInfo = new orderer.SeekInfo();
  seekInfo.setStart(position);
  seekInfo.setStop(position);
  seekInfo.setBehavior(orderer.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY);
  const envelope = await createSignedEnvelope(
    common.HeaderType.DELIVER_SEEK_INFO,
    channelId,
    seekInfo.serializeBinary(),
    reader,
  );
  return withBroadcastClient(endpoint, tlsClient, (client) =>
    retryWhileUnavailable(deadline, async () => {
      // The orderer answers with the block, then a SUCCESS status; an error status comes instead of the block.
      const response = await singleResponse(client.deliver({ deadline }), envelope, endpoint, 'Deliver');
      const block = response.getBlock();
      if (block) return block;
      const status = response.getStatus();
      throw new OrdererError(
        'DELIVER_REJECTED',
        `deliver from ${channelId} rejected: ${statusName(status)}`,
        {
          address: endpoint.address,
          channelId,
          status,
          statusName: statusName(status),
        },
      );
    }),
  );
}

/**
 * Repeats `attempt` while the orderer answers SERVICE_UNAVAILABLE (a channel without a Raft leader: right after a
 * join or a restart), with growing pauses, until `deadline`. Safe: such an answer means nothing was ordered.
 */
async function retryWhileUnavailable<T>(deadline: Date, attempt: () => Promise<T>): Promise<T> {
  for (let pauseMs = 100; ; pauseMs = Math.min(pauseMs * 2, 2_000)) {
    try {
      return await attempt();
    } catch (error) {
      const unavailable =
        error instanceof OrdererError && error.details['status'] === common.Status.SERVICE_UNAVAILABLE;
      if (!unavailable || Date.now() + pauseMs >= deadline.getTime()) throw error;
      await sleep(pauseMs);
    }
  }
}

async function withBroadcastClient<T>(
  endpoint: GrpcEndpoint,
  tlsClient: Identity | undefined,
  use: (client: orderer.AtomicBroadcastClient) => Promise<T>,
): Promise<T> {
  const settings = grpcConnectionSettings(endpoint, tlsClient);
  const client = new orderer.AtomicBroadcastClient(settings.address, settings.credentials, settings.options);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

/**
 * Writes `message` on a bidirectional stream and resolves with the first response, then cancels the stream: every
 * call here needs exactly one answer, and the call's deadline bounds the wait for it.
 */
async function singleResponse<Res>(
  stream: grpc.ClientDuplexStream<common.Envelope, Res>,
  message: common.Envelope,
  endpoint: GrpcEndpoint,
  method: string,
): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    let settled = false;
    stream.once('data', (response: Res) => {
      settled = true;
      resolve(response);
      stream.cancel(); // Nothing more is needed, e.g. Deliver's trailing SUCCESS status.
    });
    stream.on('error', (error: grpc.ServiceError) => {
      if (settled) return; // The cancellation above surfaces as a CANCELLED error: expected.
      settled = true;
      reject(
        new OrdererError(
          'TRANSPORT_ERROR',
          `${method} to ${endpoint.address} failed: ${error.message}`,
          { address: endpoint.address, grpcCode: error.code, grpcDetails: error.details },
          { cause: error },
        ),
      );
    });
    stream.on('end', () => {
      if (settled) return;
      settled = true;
      reject(
        new OrdererError('UNEXPECTED_RESPONSE', `${method} stream ended without a response`, {
          address: endpoint.address,
        }),
      );
    });
    stream.write(message);
  });
}

function statusName(status: number): string {
  const entry = Object.entries(common.Status).find(([, value]) => value === status);
  return entry ? entry[0] : `status ${status}`;
}
