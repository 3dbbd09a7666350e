import type * as grpc from '@grpc/grpc-js';
import { common, peer } from '@hyperledger/fabric-protos';
import type { Identity } from '../identity/identity';
import { deadlineAfter } from './grpc';
import { newChannelHeader, newSignatureHeader, sign } from './signing';

/** A proposal to a system chaincode (cscc, _lifecycle, qscc) of one peer, outside the Gateway service. */
export interface ProposalRequest {
  /** Empty for peer-level operations such as JoinChain and InstallChaincode. */
  readonly channelId: string;
  readonly chaincode: string;
  readonly args: readonly (string | Uint8Array)[];
  /** CONFIG for cscc JoinChain (as the peer CLI sends it), otherwise ENDORSER_TRANSACTION. */
  readonly headerType?: common.HeaderTypeMap[keyof common.HeaderTypeMap];
}

export class ProposalError extends Error {
  override readonly name = 'ProposalError';
  constructor(
    message: string,
    /** The peer's response status (500 for chaincode errors), or undefined when the call itself failed. */
    readonly status: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Signs a proposal with the caller's identity. The transaction ID is derived from nonce and creator, as Fabric checks. */
export async function newSignedProposal(
  request: ProposalRequest,
  signer: Identity,
): Promise<peer.SignedProposal> {
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(request.chaincode);
  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);

  const signatureHeader = newSignatureHeader(signer);
  const type = request.headerType ?? common.HeaderType.ENDORSER_TRANSACTION;
  const channelHeader = newChannelHeader(type, request.channelId, signatureHeader);
  channelHeader.setExtension$(extension.serializeBinary());

  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const input = new peer.ChaincodeInput();
  input.setArgsList(request.args.map((arg) => (typeof arg === 'string' ? Buffer.from(arg) : arg)));
  const spec = new peer.ChaincodeSpec();
  spec.setType(peer.ChaincodeSpec.Type.GOLANG);
  spec.setChaincodeId(chaincodeId);
  spec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);
  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocation.serializeBinary());

  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());
  const proposalBytes = proposal.serializeBinary();

  const signed = new peer.SignedProposal();
  signed.setProposalBytes(proposalBytes);
  signed.setSignature(await sign(signer, proposalBytes));
  return signed;
}

/** Sends a proposal and returns the chaincode's response payload; a non-200 status becomes a ProposalError. */
export async function processProposal(
  client: peer.EndorserClient,
  request: ProposalRequest,
  signer: Identity,
  timeoutMs = 60_000,
): Promise<Uint8Array> {
  const signed = await newSignedProposal(request, signer);
  const response = await new Promise<peer.ProposalResponse>((resolve, reject) => {
    client.processProposal(
      signed,
      { deadline: deadlineAfter(timeoutMs) },
      (err: grpc.ServiceError | null, value?: peer.ProposalResponse) => {
        if (err || !value) {
          reject(
            new ProposalError(
              `${request.chaincode} ${describe(request)} failed: ${err?.message}`,
              undefined,
              { cause: err },
            ),
          );
        } else {
          resolve(value);
        }
      },
    );
  });
  const result = response.getResponse();
  const status = result?.getStatus() ?? 0;
  if (status !== 200) {
    throw new ProposalError(
      `${request.chaincode} ${describe(request)}: ${result?.getMessage() ?? 'no response'}`,
      status,
    );
  }
  return result?.getPayload_asU8() ?? new Uint8Array();
}

function describe(request: ProposalRequest): string {
  const first = request.args[0];
  return typeof first === 'string' ? first : 'proposal';
}
