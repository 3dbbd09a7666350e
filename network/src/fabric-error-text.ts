/**
 * The whole text of a Fabric client error: fabric-gateway errors carry the peers' and orderers' own messages in
 * `details`, which is where chaincode error codes and lifecycle "not found" answers are.
 */
export function fabricErrorText(err: unknown): string {
  const details = (err as { details?: readonly { message: string }[] } | undefined)?.details ?? [];
  return [String(err), ...details.map((detail) => detail.message)].join(' ');
}
