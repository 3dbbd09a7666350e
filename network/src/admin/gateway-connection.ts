import { createPrivateKey } from 'node:crypto';
import { connect, hash, signers, type Gateway } from '@hyperledger/fabric-gateway';
import type { Identity } from '../identity/identity';
import { newGrpcClient, type GrpcEndpoint } from './grpc';

/** A Gateway connection that owns its gRPC client: closing it closes both. */
export interface GatewayConnection extends Disposable {
  readonly gateway: Gateway;
  close(): void;
}

/** Per-call deadlines: evaluate and endorse answer fast; submit and commit wait for a block. */
const DEADLINES = {
  evaluate: 10_000,
  endorse: 30_000,
  submit: 10_000,
  commitStatus: 60_000,
} as const;

export function connectGateway(endpoint: GrpcEndpoint, identity: Identity): GatewayConnection {
  const client = newGrpcClient(endpoint);
  const gateway = connect({
    client,
    identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificate) },
    signer: signers.newPrivateKeySigner(createPrivateKey(identity.privateKey)),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + DEADLINES.evaluate }),
    endorseOptions: () => ({ deadline: Date.now() + DEADLINES.endorse }),
    submitOptions: () => ({ deadline: Date.now() + DEADLINES.submit }),
    commitStatusOptions: () => ({ deadline: Date.now() + DEADLINES.commitStatus }),
  });
  const close = (): void => {
    gateway.close();
    client.close();
  };
  return { gateway, close, [Symbol.dispose]: close };
}
