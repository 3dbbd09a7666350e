import type { Context } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { marshal, unmarshal } from '../domain/canonical-json';
import { byCreation, publicRequestView, type AccessRequest, type PublicRequestView } from '../domain/consent';
import { sha256Hex } from '../domain/pseudonym';
import { implicitCollection, privateHashHex, requestRecordKey } from './provider-ledger';
import { collectValues } from './query-results';

/**
 * Public, PHI-free mirror of an access request, so that the requesting provider can list its requests on its own
 * peer. The authoritative record stays in the owner's implicit collection; the mirror carries the SHA-256 of that
 * record and is shown only while it matches the hash every peer holds (`getPrivateDataHash`).
 *
 * Public keys:
 * - `request ⟨requestId⟩` → {@link RequestMirror}, state-based endorsement: a peer of the owner org
 * - `requestByRequester ⟨requesterMsp⟩ ⟨requestId⟩` → `{ requestId }`, same endorsement (index for listing)
 */
export interface RequestMirror extends PublicRequestView {
  readonly recordHash: string;
}

const MIRROR = 'request';
const BY_REQUESTER = 'requestByRequester';

function ownerPeerPolicy(ownerMsp: string): Uint8Array {
  const policy = new KeyEndorsementPolicy();
  policy.addOrgs('PEER', ownerMsp);
  return policy.getPolicy();
}

/** Writes the mirror of `request` whose private bytes are `recordBytes`; a new request also gets its index key. */
export async function publishRequest(
  ctx: Context,
  request: AccessRequest,
  recordBytes: Uint8Array,
  created: boolean,
): Promise<void> {
  const mirror: RequestMirror = { ...publicRequestView(request), recordHash: sha256Hex(recordBytes) };
  const mirrorKey = ctx.stub.createCompositeKey(MIRROR, [request.requestId]);
  await ctx.stub.putState(mirrorKey, marshal(mirror));
  if (created) {
    const policy = ownerPeerPolicy(request.ownerMsp);
    const indexKey = ctx.stub.createCompositeKey(BY_REQUESTER, [request.requesterMsp, request.requestId]);
    await ctx.stub.putState(indexKey, marshal({ requestId: request.requestId }));
    await ctx.stub.setStateValidationParameter(mirrorKey, policy);
    await ctx.stub.setStateValidationParameter(indexKey, policy);
  }
}

export async function readRequestMirror(ctx: Context, requestId: string): Promise<RequestMirror | undefined> {
  const bytes = await ctx.stub.getState(ctx.stub.createCompositeKey(MIRROR, [requestId]));
  return bytes.length === 0 ? undefined : (unmarshal(bytes) as RequestMirror);
}

/** True when the mirror matches the committed private record of its owner (checked on any peer). */
export async function isMirrorCurrent(ctx: Context, mirror: RequestMirror): Promise<boolean> {
  const recordKey = requestRecordKey(ctx, mirror.requestId);
  return (await privateHashHex(ctx, implicitCollection(mirror.ownerMsp), recordKey)) === mirror.recordHash;
}

function withoutHash(mirror: RequestMirror): PublicRequestView {
  return {
    requestId: mirror.requestId,
    ownerMsp: mirror.ownerMsp,
    requesterMsp: mirror.requesterMsp,
    status: mirror.status,
    ownerApproved: mirror.ownerApproved,
    patientApproved: mirror.patientApproved,
    createdAt: mirror.createdAt,
    updatedAt: mirror.updatedAt,
  };
}

/** Requests made by `requesterMsp`, oldest first; entries not backed by the owner's record are left out. */
export async function requestsOfRequester(ctx: Context, requesterMsp: string): Promise<PublicRequestView[]> {
  const entries = await collectValues<{ requestId: string }>(
    ctx.stub.getStateByPartialCompositeKey(BY_REQUESTER, [requesterMsp]),
  );
  const views: PublicRequestView[] = [];
  for (const { requestId: id } of entries) {
    const mirror = await readRequestMirror(ctx, id);
    if (mirror?.requesterMsp === requesterMsp && (await isMirrorCurrent(ctx, mirror))) {
      views.push(withoutHash(mirror));
    }
  }
  return views.sort(byCreation);
}
