import 'reflect-metadata';
import { KeyObject, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import {
  CaError,
  type CaClient,
  type EnrollRequest,
  type Identity,
  type RegisterRequest,
} from '@emr/network';

interface Registration {
  readonly secret: string;
  readonly type: string;
  readonly attributes: readonly { name: string; value: string; ecert?: boolean }[];
  readonly maxEnrollments: number;
  enrollments: number;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/**
 * An in-memory Fabric CA for route tests: registrations with attributes, single-use secrets, and real X.509
 * certificates carrying fabric-ca's attribute extension (1.2.3.4.5.6.7.8.1), signed by a fake root.
 */
export class FakeCa implements CaClient {
  readonly registrations = new Map<string, Registration>();
  /** When false every call fails as if the CA were down. */
  reachable = true;
  #root: Promise<{ keys: webcrypto.CryptoKeyPair; certificate: x509.X509Certificate }> | undefined;
  #serial = 1;

  constructor(readonly registrar = { enrollmentId: 'registrar', secret: 'registrar-secret' }) {
    this.registrations.set(registrar.enrollmentId, {
      secret: registrar.secret,
      type: 'client',
      attributes: [],
      maxEnrollments: -1,
      enrollments: 0,
    });
  }

  async enroll(request: EnrollRequest): Promise<Identity> {
    this.#assertReachable();
    const registration = this.registrations.get(request.enrollmentId);
    const exhausted =
      registration !== undefined &&
      registration.maxEnrollments !== -1 &&
      registration.enrollments >= registration.maxEnrollments;
    if (registration?.secret !== request.secret || exhausted) {
      throw new CaError('AUTHENTICATION_FAILED', 'CA enroll failed: 20: Authentication failure', {
        status: 401,
      });
    }
    registration.enrollments++;
    return this.#issue(request.enrollmentId, request.mspId, registration);
  }

  register(registrar: Identity, request: RegisterRequest): Promise<string> {
    this.#assertReachable();
    if (
      !new x509.X509Certificate(registrar.certificate).subject.includes(`CN=${this.registrar.enrollmentId}`)
    ) {
      return Promise.reject(
        new CaError('AUTHORIZATION_FAILED', 'CA register failed: 71: Authorization failure'),
      );
    }
    if (this.registrations.has(request.enrollmentId)) {
      return Promise.reject(new CaError('ALREADY_REGISTERED', 'CA register failed: 74: already registered'));
    }
    const secret =
      request.secret ?? `secret-${String(this.#serial++)}-${Math.random().toString(36).slice(2)}`;
    this.registrations.set(request.enrollmentId, {
      secret,
      type: request.type,
      attributes: request.attributes ?? [],
      maxEnrollments: request.maxEnrollments ?? -1,
      enrollments: 0,
    });
    return Promise.resolve(secret);
  }

  async getCaCertificate(): Promise<string> {
    return (await this.#rootCa()).certificate.toString('pem');
  }

  #assertReachable(): void {
    if (!this.reachable) throw new CaError('UNREACHABLE', 'Cannot reach CA at https://fake-ca: ECONNREFUSED');
  }

  #rootCa(): Promise<{ keys: webcrypto.CryptoKeyPair; certificate: x509.X509Certificate }> {
    this.#root ??= (async () => {
      const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
      const certificate = await x509.X509CertificateGenerator.createSelfSigned(
        {
          serialNumber: '01',
          name: 'CN=fake-ca',
          notBefore: new Date(Date.now() - 60_000),
          notAfter: new Date(Date.now() + 86_400_000),
          signingAlgorithm: ALGORITHM,
          keys,
          extensions: [new x509.BasicConstraintsExtension(true, 1, true)],
        },
        webcrypto,
      );
      return { keys, certificate };
    })();
    return this.#root;
  }

  async #issue(enrollmentId: string, mspId: string, registration: Registration): Promise<Identity> {
    const root = await this.#rootCa();
    const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
    const attrs: Record<string, string> = {
      'hf.EnrollmentID': enrollmentId,
      'hf.Type': registration.type,
      'hf.Affiliation': '',
    };
    for (const attribute of registration.attributes) {
      if (attribute.ecert === true) attrs[attribute.name] = attribute.value;
    }
    const certificate = await x509.X509CertificateGenerator.create(
      {
        serialNumber: (this.#serial++).toString(16).padStart(2, '0'),
        subject: `CN=${enrollmentId}, OU=${registration.type}`,
        issuer: root.certificate.subject,
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 86_400_000),
        signingAlgorithm: ALGORITHM,
        publicKey: keys.publicKey,
        signingKey: root.keys.privateKey,
        extensions: [
          new x509.Extension('1.2.3.4.5.6.7.8.1', false, new TextEncoder().encode(JSON.stringify({ attrs }))),
        ],
      },
      webcrypto,
    );
    const privateKey = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString();
    return { mspId, certificate: certificate.toString('pem'), privateKey };
  }
}
