/**
 * A reconcile step: one idempotent function that owns one condition. It looks at the world, does what is missing
 * and reports what it found. A step that is not done (`False`/`Unknown`) stops the pipeline there; a step that
 * throws is retried with backoff and its condition says what failed.
 */
import type { Identity, OrgModel, SecretStore } from '@emr/network';
import type {
  ChaincodeStatus,
  MedicalProvider,
  MedicalProviderStatus,
  Phase,
  StepConditionType,
} from '../../api/medical-provider';
import type { Logger } from '../../logger';
import type { Tally } from '../consent';
import type {
  Member,
  MemberDirectory,
  NetworkResolver,
  NetworkSettings,
  ProviderRuntime,
} from '../../runtime/types';

export interface StepDone {
  readonly status: 'True';
  readonly reason: string;
  readonly message: string;
}

export interface StepPending {
  readonly status: 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  /** Check again after this long (default: the reconciler's wait interval). */
  readonly retryAfterMs?: number;
  /** Nothing will change without a person acting (e.g. consent refused): phase Failed, a Warning Event. */
  readonly blocked?: boolean;
}

export type StepResult = StepDone | StepPending;

export const done = (reason: string, message: string): StepDone => ({ status: 'True', reason, message });

export const waiting = (reason: string, message: string, retryAfterMs?: number): StepPending => ({
  status: 'False',
  reason,
  message,
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

export const blocked = (reason: string, message: string, retryAfterMs?: number): StepPending => ({
  ...waiting(reason, message, retryAfterMs),
  blocked: true,
});

/** The status fields steps report besides conditions. */
export interface StatusFields {
  channel?: string;
  joined?: string;
  signatures?: string;
  signedBy?: readonly string[];
  chaincode?: ChaincodeStatus;
}

/** What lives as long as the operator process knows a provider (never relied on for correctness). */
export interface ProviderSession {
  registrar?: Identity;
}

/** What steps hand to later steps within one reconcile. */
export interface ReconcileMemo {
  caCertificate?: string;
  admin?: Identity;
  adminTls?: Identity;
  network?: NetworkSettings;
  tally?: Tally & { readonly signerMembers: readonly Member[] };
}

export interface StepContext {
  readonly provider: MedicalProvider;
  readonly org: OrgModel;
  readonly runtime: ProviderRuntime;
  readonly secrets: SecretStore;
  readonly members: MemberDirectory;
  readonly network: NetworkResolver;
  readonly session: ProviderSession;
  readonly memo: ReconcileMemo;
  /** Status as read at the start of the reconcile. */
  readonly previous: MedicalProviderStatus | undefined;
  /** Fields to write; starts as the previous values. */
  readonly status: StatusFields;
  /** Records that a member signed for this provider (an audit Event on the member). */
  audit(member: Member, reason: string, message: string): Promise<void>;
  readonly logger: Logger;
}

export interface Step {
  readonly condition: StepConditionType;
  /** Phase shown while this step is the one not done. */
  readonly phase: Phase;
  run(context: StepContext): Promise<StepResult>;
}

/** A value an earlier step of the same reconcile must have set. */
export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`internal: ${what} is not known at this step`);
  return value;
}
