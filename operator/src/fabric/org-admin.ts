/**
 * An org's admin as the operator keeps it: the enrollment (signing) identity and a TLS client identity, both in the
 * Secret `<org>-admin` of the org's namespace (keys ADMIN_KEYS, the layout devnet uses too). Providers and the
 * ordering org share this, so an admin is enrolled once and read the same way everywhere.
 */
import {
  enrollIdentity,
  type Identity,
  type OrgEnrollment,
  type OrgModel,
  type SecretStore,
} from '@emr/network';
import { ADMIN_KEYS, names } from '../provider/names';

export interface OrgAdmin {
  readonly signing: Identity;
  /** Client certificate for mutual TLS (orderer admin endpoint, peers). */
  readonly tls: Identity;
}

/** The admin in its Secret, or undefined while any of its four keys is missing. */
export async function loadOrgAdmin(
  secrets: SecretStore,
  org: Pick<OrgModel, 'name' | 'mspId'>,
): Promise<OrgAdmin | undefined> {
  const name = names.adminSecret(org.name);
  const get = (key: string): Promise<string | undefined> => secrets.get({ name, key });
  const [certificate, privateKey, tlsCertificate, tlsPrivateKey] = await Promise.all([
    get(ADMIN_KEYS.certificate),
    get(ADMIN_KEYS.privateKey),
    get(ADMIN_KEYS.tlsCertificate),
    get(ADMIN_KEYS.tlsPrivateKey),
  ]);
  if (!certificate || !privateKey || !tlsCertificate || !tlsPrivateKey) return undefined;
  return {
    signing: { mspId: org.mspId, certificate, privateKey },
    tls: { mspId: org.mspId, certificate: tlsCertificate, privateKey: tlsPrivateKey },
  };
}

/** Enrolls the admin (registered by the registrar on first use) and stores it with the CA root in its Secret. */
export async function enrollOrgAdmin(
  enrollment: OrgEnrollment,
  registrar: Identity,
  caCertificate: string,
): Promise<OrgAdmin> {
  const { org, secrets } = enrollment;
  const request = { enrollmentId: names.admin(org.name), type: 'admin' as const };
  const signing = await enrollIdentity(enrollment, registrar, request);
  const tls = await enrollIdentity(enrollment, registrar, request, { hosts: [] });
  const name = names.adminSecret(org.name);
  // The certificate last: a Secret with a certificate is complete (loadOrgAdmin needs all four keys).
  await secrets.put({ name, key: ADMIN_KEYS.caCertificate }, caCertificate);
  await secrets.put({ name, key: ADMIN_KEYS.privateKey }, signing.privateKey);
  await secrets.put({ name, key: ADMIN_KEYS.tlsPrivateKey }, tls.privateKey);
  await secrets.put({ name, key: ADMIN_KEYS.tlsCertificate }, tls.certificate);
  await secrets.put({ name, key: ADMIN_KEYS.certificate }, signing.certificate);
  return { signing, tls };
}
