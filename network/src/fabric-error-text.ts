/**
 * The whole text of a Fabric client error: fabric-gateway errors carry the peers' and orderers' own messages in
 * `details`, which is where chaincode error codes and lifecycle "not found" answers are. A plain gRPC error
 * (@grpc/grpc-js ServiceError, e.g. from a peer's admin service) has `details` as a string instead — a step that
 * failed that way must still be reported, not turned into a TypeError of its own.
 */
export function fabricErrorText(err: unknown): string {
  const text = String(err);
  const details = (err as { details?: unknown } | null | undefined)?.details;
  if (typeof details === 'string')
    return details === '' || text.includes(details) ? text : `${text} ${details}`;
  if (!Array.isArray(details)) return text;
  const messages = details.map((detail: unknown) =>
    typeof detail === 'object' && detail !== null && 'message' in detail
      ? String(detail.message)
      : String(detail),
  );
  return [text, ...messages].join(' ');
}
