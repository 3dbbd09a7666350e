import * as grpc from '@grpc/grpc-js';

import type { Identity } from '../identity/identity';

/** Where a Fabric node's gRPC service listens and how to trust it. */
export interface GrpcEndpoint {
  /** host:port to dial, e.g. '127.0.0.1:7050'. */
  readonly address: string;
  /** PEM of the CA that issued the node's TLS server certificate. */
  readonly tlsCaCertificate: string;
  /**
   * Name to verify the server certificate against (and send as SNI) instead of the dialled host, e.g. 'localhost'
   * when dialling an IP address or a port-forward. Must be a DNS SAN of the server certificate.
   */
  readonly serverNameOverride?: string;
}

/** Everything a generated grpc-js service client constructor takes: `new Client(address, credentials, options)`. */
export interface GrpcConnectionSettings {
  readonly address: string;
  readonly credentials: grpc.ChannelCredentials;
  readonly options: grpc.ClientOptions;
}

/**
 * Fabric nodes send and accept messages up to 100 MiB (orderer.yaml/core.yaml MaxRecvMsgSize, MaxSendMsgSize);
 * grpc-js defaults to 4 MiB for received messages, which a large block would exceed.
 */
const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

/**
 * TLS channel settings for a Fabric node. `clientTls` adds a client certificate for nodes that require mutual TLS
 * (General.TLS.ClientAuthRequired).
 */
export function grpcConnectionSettings(endpoint: GrpcEndpoint, clientTls?: Identity): GrpcConnectionSettings {
  const credentials = grpc.credentials.createSsl(
    Buffer.from(endpoint.tlsCaCertificate),
    clientTls ? Buffer.from(clientTls.privateKey) : null,
    clientTls ? Buffer.from(clientTls.certificate) : null,
  );
  const options: grpc.ClientOptions = {
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    ...(endpoint.serverNameOverride === undefined
      ? {}
      : { 'grpc.ssl_target_name_override': endpoint.serverNameOverride }),
  };
  return { address: endpoint.address, credentials, options };
}

/**
 * A generic grpc-js client (one HTTP/2 channel) to a Fabric node. Pass it to fabric-gateway's `connect({ client })`,
 * or share its channel with a generated service client through the `channelOverride` option. The caller closes it.
 */
export function newGrpcClient(endpoint: GrpcEndpoint, clientTls?: Identity): grpc.Client {
  const settings = grpcConnectionSettings(endpoint, clientTls);
  return new grpc.Client(settings.address, settings.credentials, settings.options);
}

/** A grpc-js deadline `timeoutMs` from now, for per-call CallOptions. */
export function deadlineAfter(timeoutMs: number): Date {
  return new Date(Date.now() + timeoutMs);
}
