import { caReady } from './ca';
import { chaincodeApproved, chaincodeCommitted } from './chaincode';
import { channelJoined } from './channel-join';
import { gatewayReady } from './gateway';
import { identitiesEnrolled } from './identities';
import { providerInitialized } from './initialize';
import { channelUpdated, membershipApproved } from './membership';
import { peersReady } from './peers';
import type { Step } from './types';

/** The onboarding of one provider, in order; each step owns the condition of the same name. */
export const PROVIDER_STEPS: readonly Step[] = [
  caReady,
  identitiesEnrolled,
  peersReady,
  membershipApproved,
  channelUpdated,
  channelJoined,
  chaincodeApproved,
  chaincodeCommitted,
  providerInitialized,
  gatewayReady,
];

export * from './types';
