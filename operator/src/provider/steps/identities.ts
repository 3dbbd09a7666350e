import { X509Certificate } from 'node:crypto';
import {
  CaError,
  enrollRegistrar,
  getOrCreateSecret,
  newCaClient,
  type Identity,
  type IdentityType,
  type OrgEnrollment,
} from '@emr/network';
import { enrollOrgAdmin, loadOrgAdmin } from '../../fabric/org-admin';
import { enrollmentSecretName, names } from '../names';
import { done, required, waiting, type Step, type StepContext } from './types';

/** The node identities a provider's workloads enroll themselves with (cdk8s: enroll init containers). */
export function nodeIdentities(
  context: Pick<StepContext, 'provider' | 'org'>,
): { id: string; type: IdentityType }[] {
  const { provider, org } = context;
  const peers = Array.from({ length: provider.spec.peers.replicas }, (_, i) => ({
    id: names.peer(org.name, i),
    type: 'peer' as const,
  }));
  return [
    ...peers,
    { id: names.chaincodeServer(org.name), type: 'client' as const },
    ...(provider.spec.gateway.replicas > 0 ? [{ id: names.gateway(org.name), type: 'client' as const }] : []),
  ];
}

/**
 * IdentitiesEnrolled: the org admin enrolled (enrollment and TLS certificates, keys only in the Secret
 * `<org>-admin` of the provider's namespace) and every node identity registered, its enrollment secret in
 * `<org>-enrollments` for the workloads to enroll with. An admin already in its Secret is not enrolled again.
 */
export const identitiesEnrolled: Step = {
  condition: 'IdentitiesEnrolled',
  phase: 'Enrolling',
  async run(context) {
    const { provider, org, secrets, memo, runtime } = context;
    const ref = provider.spec.ca.registrarSecretRef;
    if ((await secrets.get({ name: ref.name, key: ref.key })) === undefined) {
      return waiting(
        'RegistrarSecretMissing',
        `Secret ${ref.name} (key ${ref.key}) is missing in namespace ${provider.metadata.namespace}: create it ` +
          "with the CA's bootstrap registrar password",
        15_000,
      );
    }
    const endpoint = await runtime.endpoints.ca();
    const enrollment: OrgEnrollment = {
      ca: newCaClient({
        url: endpoint.url,
        tlsCaCertificate: endpoint.tlsCaCertificate,
        caName: endpoint.caName,
      }),
      org,
      secrets,
      registrar: { enrollmentId: 'registrar', secretName: ref.name, secretKey: ref.key },
    };
    const caCertificate = required(memo.caCertificate, 'the CA certificate');
    const registrar = async (): Promise<Identity> => {
      context.session.registrar ??= await enrollRegistrar(enrollment);
      return context.session.registrar;
    };
    try {
      const admin =
        (await loadOrgAdmin(secrets, org)) ??
        (await enrollOrgAdmin(enrollment, await registrar(), caCertificate));
      memo.admin = admin.signing;
      memo.adminTls = admin.tls;
      const identities = nodeIdentities(context);
      for (const identity of identities) {
        await registerOnce(enrollment, await registrar(), identity.id, identity.type);
      }
      const validTo = new X509Certificate(admin.signing.certificate).validTo;
      return done(
        'Enrolled',
        `admin ${names.admin(org.name)} enrolled (certificate valid until ${validTo}), in Secret ` +
          `${names.adminSecret(org.name)}; registered ${identities.map((i) => i.id).join(', ')}`,
      );
    } catch (error) {
      if (error instanceof CaError && error.code === 'AUTHENTICATION_FAILED') {
        context.session.registrar = undefined;
        return waiting(
          'EnrollmentRejected',
          `the CA rejected an enrollment (${error.message}): check Secret ${ref.name} holds the registrar ` +
            `password the CA was started with, and that Secret ${enrollmentSecretName(org.name)} matches the CA`,
          30_000,
        );
      }
      throw error;
    }
  },
};

/**
 * Registers an identity once, keeping its enrollment secret in `<org>-enrollments` (the same Secret and key the
 * admin library's enrollIdentity and the workloads' enroll step use). The secret is stored before the
 * registration, so a registration is never made with a secret nobody kept.
 */
export async function registerOnce(
  enrollment: OrgEnrollment,
  registrar: Identity,
  enrollmentId: string,
  type: IdentityType,
): Promise<void> {
  const secret = await getOrCreateSecret(enrollment.secrets, {
    name: enrollmentSecretName(enrollment.org.name),
    key: enrollmentId,
  });
  try {
    await enrollment.ca.register(registrar, { enrollmentId, type, secret });
  } catch (error) {
    if (!(error instanceof CaError && error.code === 'ALREADY_REGISTERED')) throw error;
  }
}
