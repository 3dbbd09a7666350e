import { createPrivateKey, randomBytes } from 'node:crypto';
import { readCertificateAttributes, type CaClient, type Identity } from '@emr/network';
import type { PasswordHashing } from '../auth/password-hash';
import type { KeySealer } from '../auth/key-sealing';
import {
  parseLedgerRole,
  PATIENT_REF_ATTRIBUTE,
  ROLE_ATTRIBUTE,
  type Principal,
  type Role,
} from '../auth/roles';
import { ProblemError } from '../errors/problem';
import type { LedgerCaller } from '../fabric/ledger';
import type { StoredUser, UserRepository } from '../store/store';

export interface UserDirectoryOptions {
  readonly mspId: string;
  readonly ca: CaClient;
  /** The CA's bootstrap registrar: registers users; logging in as it gives the `admin` role. */
  readonly registrar: { readonly enrollmentId: string; readonly secret: string };
  readonly users: UserRepository;
  readonly sealer: KeySealer;
  readonly passwords: PasswordHashing;
  /** How many users' opened private keys stay in memory. Default 1000. */
  readonly signerCacheSize?: number;
}

/** Roles staff can be registered with through the API. */
export type StaffRole = 'healthcenter' | 'physician';

/**
 * Users and their Fabric identities. A user's first login enrolls them with the org's CA (key pair made here,
 * never sent anywhere); the certificate, the private key sealed with the key-encryption key and a scrypt hash of
 * the password are stored, so later logins are checked locally and a stolen database yields no usable key.
 * Registration secrets are single-use at the CA (max enrollments 1).
 */
export class UserDirectory {
  readonly #options: UserDirectoryOptions;
  readonly #signers = new Map<string, LedgerCaller>();
  readonly #loginsInFlight = new Map<string, Promise<Principal>>();
  #registrar: Promise<Identity> | undefined;

  constructor(options: UserDirectoryOptions) {
    this.#options = options;
  }

  /**
   * Checks a username and password and returns who it is.
   *
   * @throws {@link ProblemError} `INVALID_CREDENTIALS`, or `ROLE_NOT_ALLOWED` for a CA identity without an EMR role.
   */
  async login(username: string, password: string): Promise<Principal> {
    const stored = await this.#options.users.find(username);
    if (stored !== undefined) return this.#verifyStored(stored, password);
    // Two first logins at once would both try the single-use secret; let the second wait for the first.
    const inFlight = this.#loginsInFlight.get(username);
    if (inFlight !== undefined) {
      await inFlight.catch(() => undefined);
      return this.login(username, password);
    }
    const enrollment = this.#firstLogin(username, password).finally(() =>
      this.#loginsInFlight.delete(username),
    );
    this.#loginsInFlight.set(username, enrollment);
    return enrollment;
  }

  /** The user's certificate and opened private key, to sign this request's transactions. */
  async signingIdentity(principal: Principal): Promise<LedgerCaller> {
    const cached = this.#signers.get(principal.username);
    if (cached !== undefined) {
      // Refresh the LRU position.
      this.#signers.delete(principal.username);
      this.#signers.set(principal.username, cached);
      return cached;
    }
    const user = await this.#options.users.find(principal.username);
    if (user === undefined)
      throw new ProblemError('UNAUTHENTICATED', 'The user of this token is not known here');
    const signer: LedgerCaller = {
      mspId: user.mspId,
      certificate: user.certificate,
      privateKey: createPrivateKey(this.#options.sealer.open(user.sealedPrivateKey, sealOwner(user))),
    };
    this.#signers.set(principal.username, signer);
    const limit = this.#options.signerCacheSize ?? 1000;
    for (const oldest of this.#signers.keys()) {
      if (this.#signers.size <= limit) break;
      this.#signers.delete(oldest);
    }
    return signer;
  }

  /** Registers a healthcenter or physician user at the CA; returns the single-use enrollment secret. */
  async registerStaff(username: string, role: StaffRole): Promise<string> {
    return this.#register(username, [{ name: ROLE_ATTRIBUTE, value: role, ecert: true }]);
  }

  /**
   * Registers a patient under a new opaque username (never the patient id or name: a certificate's subject is in
   * every block the patient submits). Returns the username and the single-use enrollment secret.
   */
  async registerPatient(patientRef: string): Promise<{ username: string; secret: string }> {
    const username = `patient-${randomBytes(12).toString('hex')}`;
    const secret = await this.#register(username, [
      { name: ROLE_ATTRIBUTE, value: 'patient', ecert: true },
      { name: PATIENT_REF_ATTRIBUTE, value: patientRef, ecert: true },
    ]);
    return { username, secret };
  }

  async #register(
    username: string,
    attributes: readonly { name: string; value: string; ecert: boolean }[],
  ): Promise<string> {
    if (username === this.#options.registrar.enrollmentId) {
      throw new ProblemError(
        'USERNAME_TAKEN',
        'This username is already registered at the certificate authority',
      );
    }
    const registrar = await this.#registrarIdentity();
    return this.#options.ca.register(registrar, {
      enrollmentId: username,
      type: 'client',
      maxEnrollments: 1,
      attributes,
    });
  }

  /** The registrar's identity, enrolled once with the configured secret; a failed enrollment is not kept. */
  #registrarIdentity(): Promise<Identity> {
    if (this.#registrar === undefined) {
      const { enrollmentId, secret } = this.#options.registrar;
      const enrollment = this.#options.ca.enroll({ enrollmentId, secret, mspId: this.#options.mspId });
      this.#registrar = enrollment;
      enrollment.catch(() => {
        if (this.#registrar === enrollment) this.#registrar = undefined;
      });
    }
    return this.#registrar;
  }

  async #verifyStored(user: StoredUser, password: string): Promise<Principal> {
    if (!(await this.#options.passwords.verify(password, user.passwordHash))) {
      throw new ProblemError('INVALID_CREDENTIALS', 'Unknown user or wrong password');
    }
    return { username: user.username, mspId: user.mspId, role: user.role };
  }

  async #firstLogin(username: string, password: string): Promise<Principal> {
    const { ca, mspId, sealer, passwords, users } = this.#options;
    const identity = await ca.enroll({ enrollmentId: username, secret: password, mspId });
    const role = this.#roleOf(username, identity.certificate);
    const user: StoredUser = {
      username,
      mspId,
      role,
      certificate: identity.certificate,
      sealedPrivateKey: sealer.seal(identity.privateKey, sealOwner({ username, mspId })),
      passwordHash: await passwords.hash(password),
      createdAt: new Date().toISOString(),
    };
    if ((await users.insert(user)) === 'exists') {
      const winner = await users.find(username);
      if (winner === undefined) throw new Error(`user ${username} vanished during login`);
      return this.#verifyStored(winner, password);
    }
    return { username, mspId, role };
  }

  /** The role comes from the certificate, never from the request; the registrar is the org admin. */
  #roleOf(username: string, certificate: string): Role {
    if (username === this.#options.registrar.enrollmentId) return 'admin';
    const attributes = readCertificateAttributes(certificate);
    const role = parseLedgerRole(attributes[ROLE_ATTRIBUTE]);
    if (role === undefined || attributes['hf.Type'] !== 'client') {
      throw new ProblemError('ROLE_NOT_ALLOWED', 'This identity has no role in the EMR application');
    }
    return role;
  }
}

/** What a sealed key is bound to: its owner's name in its org. */
function sealOwner(user: { username: string; mspId: string }): string {
  return `${user.mspId}/${user.username}`;
}
