/** Why a channel-configuration operation was refused. Stable: callers (the operator) branch on it. */
export type ConfigTxErrorCode =
  /** A definition (organization, channel) is incomplete or contradicts Fabric's rules. */
  | 'INVALID_DEFINITION'
  /** Bytes given as a block or configuration do not decode to what Fabric would accept. */
  | 'MALFORMED_CONFIG'
  /** The organization to add is already a member of the channel. */
  | 'ORGANIZATION_EXISTS'
  /** The organization to change is not a member of the channel. */
  | 'ORGANIZATION_NOT_FOUND'
  /** The updated configuration equals the original: there is nothing to submit. */
  | 'NO_DIFFERENCES';

/** A channel-configuration error with a stable `code` and structured `details` for logs and status conditions. */
export class ConfigTxError extends Error {
  override readonly name = 'ConfigTxError';

  constructor(
    readonly code: ConfigTxErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
