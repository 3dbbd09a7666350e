import { CaError } from '../ca/errors';
import type { CaClient, IdentityType, RegistrationAttribute } from '../ca/ca-client';
import type { Identity } from '../identity/identity';
import type { OrgModel } from '../model/network-model';
import { getOrCreateSecret, requireSecret, type SecretStore } from '../secrets/secret-store';

/**
 * Enrollment of an org's identities from its own CA — the same steps on devnet and in Kubernetes. Registration
 * secrets are kept in the SecretStore, so a repeated run (a restarted devnet, a re-queued reconcile) re-enrolls
 * with the secret it registered instead of failing on "already registered".
 */
export interface OrgEnrollment {
  readonly ca: CaClient;
  readonly org: OrgModel;
  readonly secrets: SecretStore;
  /** Secret holding the CA's bootstrap registrar secret (the CA's NodeSpec references the same one). */
  readonly registrar: {
    readonly enrollmentId: string;
    readonly secretName: string;
    readonly secretKey: string;
  };
}

export interface NodeCredentials {
  /** Enrollment certificate (MSP signcert): absent for identities that only need TLS, like chaincode servers. */
  readonly signing?: Identity;
  readonly tls: Identity;
}

export async function enrollRegistrar(enrollment: OrgEnrollment): Promise<Identity> {
  const { registrar } = enrollment;
  const secret = await requireSecret(enrollment.secrets, {
    name: registrar.secretName,
    key: registrar.secretKey,
  });
  return enrollment.ca.enroll({ enrollmentId: registrar.enrollmentId, secret, mspId: enrollment.org.mspId });
}

export interface IdentityRequest {
  readonly enrollmentId: string;
  readonly type: IdentityType;
  readonly attributes?: readonly RegistrationAttribute[];
}

/** Registers (once) and enrolls an identity; returns its enrollment certificate and key. */
export async function enrollIdentity(
  enrollment: OrgEnrollment,
  registrar: Identity,
  request: IdentityRequest,
  tls?: { readonly hosts: readonly string[] },
): Promise<Identity> {
  const secret = await registerOnce(enrollment, registrar, request);
  return enrollment.ca.enroll({
    enrollmentId: request.enrollmentId,
    secret,
    mspId: enrollment.org.mspId,
    ...(tls ? { profile: 'tls' as const, hosts: tls.hosts } : {}),
  });
}

/** A node (peer, orderer) gets an enrollment certificate and a TLS certificate for its host names. */
export async function enrollNode(
  enrollment: OrgEnrollment,
  registrar: Identity,
  node: {
    readonly name: string;
    readonly type: 'peer' | 'orderer' | 'client';
    readonly hosts: readonly string[];
    readonly tlsOnly?: boolean;
  },
): Promise<NodeCredentials> {
  const request = { enrollmentId: node.name, type: node.type };
  const tls = await enrollIdentity(enrollment, registrar, request, { hosts: node.hosts });
  if (node.tlsOnly === true) {
    return { tls };
  }
  return { signing: await enrollIdentity(enrollment, registrar, request), tls };
}

async function registerOnce(
  enrollment: OrgEnrollment,
  registrar: Identity,
  request: IdentityRequest,
): Promise<string> {
  const secret = await getOrCreateSecret(enrollment.secrets, {
    name: `${enrollment.org.name}-enrollments`,
    key: request.enrollmentId,
  });
  try {
    await enrollment.ca.register(registrar, { ...request, secret });
  } catch (err) {
    if (!(err instanceof CaError && err.code === 'ALREADY_REGISTERED')) {
      throw err;
    }
  }
  return secret;
}
