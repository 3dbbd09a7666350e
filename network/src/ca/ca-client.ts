import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { Identity } from '../identity/identity';
import { createAuthToken } from './auth-token';
import { createKeyAndCsr } from './csr';
import { requireBase64Pem, requireString, unwrapCaResponse } from './envelope';
import { CaError } from './errors';
import { sendHttps } from './http';

/** Where the CA is and how far to trust it. */
export interface CaClientOptions {
  /** Base URL of the CA, e.g. `https://127.0.0.1:7054`. Only HTTPS is supported. */
  readonly url: string;
  /** PEM certificate(s) trusted for the CA's TLS certificate; system roots are not used. */
  readonly tlsCaCertificate: string;
  /** CA name on a multi-CA server (`caname`); the server's default CA when omitted. */
  readonly caName?: string;
  /** Limit for each request, connection to last byte. Default 10000. */
  readonly timeoutMs?: number;
}

/** A fabric-ca attribute to include in the enrollment certificate. */
export interface AttributeRequest {
  readonly name: string;
  /** When true, enrollment succeeds even if the identity lacks the attribute. */
  readonly optional?: boolean;
}

/** Enrollment of a registered identity: a new key pair and a certificate for it. */
export interface EnrollRequest {
  readonly enrollmentId: string;
  readonly secret: string;
  /** MSP ID recorded in the returned {@link Identity}; the CA does not know it. */
  readonly mspId: string;
  /** Signing profile: `tls` for TLS server/client certificates; the CA's default (enrollment certificate) otherwise. */
  readonly profile?: 'tls';
  /** Subject alternative names: IP literals become IP SANs, anything else DNS SANs. */
  readonly hosts?: readonly string[];
  /**
   * Attributes to place in the certificate. When omitted the CA includes every attribute registered with
   * `ecert: true` (plus hf.EnrollmentID, hf.Type and hf.Affiliation).
   */
  readonly attributes?: readonly AttributeRequest[];
}

/** fabric-ca identity types; with NodeOUs the type becomes an OU of the enrollment certificate. */
export type IdentityType = 'client' | 'peer' | 'orderer' | 'admin';

/** An attribute stored with a registered identity. */
export interface RegistrationAttribute {
  readonly name: string;
  readonly value: string;
  /** When true, the attribute goes into enrollment certificates by default. */
  readonly ecert?: boolean;
}

/** Registration of a new identity by a registrar. */
export interface RegisterRequest {
  readonly enrollmentId: string;
  /** Enrollment secret; the CA generates one when omitted. */
  readonly secret?: string;
  readonly type: IdentityType;
  /** Affiliation such as `org1.department1`. Default: the root affiliation (sent to the CA as `.`). */
  readonly affiliation?: string;
  /**
   * How often the secret may be used to enroll; -1 for unlimited. Default: the CA's configured maximum
   * (unlimited on a default fabric-ca-server), which is the only value valid for every CA configuration.
   */
  readonly maxEnrollments?: number;
  readonly attributes?: readonly RegistrationAttribute[];
}

/** A client of one Fabric CA's REST API. All failures reject with {@link CaError}. */
export interface CaClient {
  /** Generates an ECDSA P-256 key locally, sends a CSR and returns the identity; the key never leaves the process. */
  enroll(request: EnrollRequest): Promise<Identity>;
  /**
   * Registers an identity using the registrar's credentials and returns its enrollment secret (the given one, or
   * the one the CA generated). Rejects with code `ALREADY_REGISTERED` if the enrollment ID exists.
   */
  register(registrar: Identity, request: RegisterRequest): Promise<string>;
  /** The CA's certificate chain, PEM, from `/api/v1/cainfo`: the root an MSP trusts (cacerts). */
  getCaCertificate(): Promise<string>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Creates a client for the CA at `options.url`. Nothing is sent until the first call.
 *
 * @throws {@link CaError} `INVALID_ARGUMENT` if the URL is not HTTPS or the timeout is not positive.
 */
export function newCaClient(options: CaClientOptions): CaClient {
  return new FabricCaClient(options);
}

class FabricCaClient implements CaClient {
  readonly #baseUrl: URL;
  readonly #tlsCaCertificate: string;
  readonly #caName: string | undefined;
  readonly #timeoutMs: number;

  constructor(options: CaClientOptions) {
    this.#baseUrl = parseBaseUrl(options.url);
    this.#tlsCaCertificate = options.tlsCaCertificate;
    this.#caName = options.caName;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(this.#timeoutMs > 0)) {
      throw new CaError('INVALID_ARGUMENT', `timeoutMs must be positive, got ${this.#timeoutMs}`);
    }
  }

  async enroll(request: EnrollRequest): Promise<Identity> {
    requireNonEmpty('enrollmentId', request.enrollmentId);
    requireNonEmpty('secret', request.secret);
    // HTTP Basic credentials split at the first colon, so the ID cannot contain one.
    if (request.enrollmentId.includes(':')) {
      throw new CaError(
        'INVALID_ARGUMENT',
        `enrollmentId must not contain ':', got "${request.enrollmentId}"`,
      );
    }
    const hosts = request.hosts ?? [];
    const { csrPem, privateKeyPem } = await createKeyAndCsr(request.enrollmentId, hosts);
    const body = {
      certificate_request: csrPem,
      // The CA copies `hosts` into the certificate's SANs, overriding the CSR's; omit it to keep them.
      ...(hosts.length > 0 && { hosts }),
      ...(request.profile !== undefined && { profile: request.profile }),
      ...(request.attributes !== undefined && {
        attr_reqs: request.attributes.map(({ name, optional }) => ({ name, optional })),
      }),
      ...this.#caNameField(),
    };
    const basic = Buffer.from(`${request.enrollmentId}:${request.secret}`).toString('base64');
    const result = await this.#post('enroll', body, () => `Basic ${basic}`);
    const certificate = requireBase64Pem('enroll', result, 'Cert');
    assertCertifiesKey(certificate, privateKeyPem);
    return { mspId: request.mspId, certificate, privateKey: privateKeyPem };
  }

  async register(registrar: Identity, request: RegisterRequest): Promise<string> {
    requireNonEmpty('enrollmentId', request.enrollmentId);
    const max = request.maxEnrollments;
    if (max !== undefined && !(Number.isInteger(max) && max >= -1)) {
      throw new CaError('INVALID_ARGUMENT', `maxEnrollments must be an integer >= -1, got ${max}`);
    }
    const body = {
      id: request.enrollmentId,
      type: request.type,
      // An empty affiliation would mean "the registrar's own" to the CA; "." is its spelling of the root.
      affiliation:
        request.affiliation === undefined || request.affiliation === '' ? '.' : request.affiliation,
      ...(request.secret !== undefined && { secret: request.secret }),
      ...(max !== undefined && { max_enrollments: max }),
      ...(request.attributes !== undefined && {
        attrs: request.attributes.map(({ name, value, ecert }) => ({ name, value, ecert })),
      }),
      ...this.#caNameField(),
    };
    const result = await this.#post('register', body, (url, bytes) =>
      createAuthToken({
        certificate: registrar.certificate,
        privateKey: registrar.privateKey,
        method: 'POST',
        uri: url.pathname + url.search,
        body: bytes,
      }),
    );
    return requireString('register', result, 'secret');
  }

  async getCaCertificate(): Promise<string> {
    const url = this.#endpoint('cainfo');
    // A GET carries the CA name in the query, as fabric-ca reads `?ca=` before the body.
    if (this.#caName !== undefined) url.searchParams.set('ca', this.#caName);
    const response = await sendHttps({
      method: 'GET',
      url,
      trustedCa: this.#tlsCaCertificate,
      timeoutMs: this.#timeoutMs,
    });
    const result = unwrapCaResponse('cainfo', response.status, response.body);
    return requireBase64Pem('cainfo', result, 'CAChain');
  }

  async #post(
    operation: string,
    body: object,
    authorization: (url: URL, body: Buffer) => string,
  ): Promise<Record<string, unknown>> {
    const url = this.#endpoint(operation);
    // Serialise once: a token signs these exact bytes.
    const bytes = Buffer.from(JSON.stringify(body));
    const response = await sendHttps({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', authorization: authorization(url, bytes) },
      body: bytes,
      trustedCa: this.#tlsCaCertificate,
      timeoutMs: this.#timeoutMs,
    });
    return unwrapCaResponse(operation, response.status, response.body);
  }

  #endpoint(operation: string): URL {
    // Keep any path prefix of the base URL, e.g. a CA behind a reverse proxy at /ca/org1.
    const prefix = this.#baseUrl.pathname.replace(/\/+$/, '');
    return new URL(`${prefix}/api/v1/${operation}`, this.#baseUrl);
  }

  #caNameField(): { caname?: string } {
    return this.#caName === undefined ? {} : { caname: this.#caName };
  }
}

function parseBaseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new CaError('INVALID_ARGUMENT', `CA url is not a URL: "${url}"`, { cause });
  }
  if (parsed.protocol !== 'https:') {
    throw new CaError('INVALID_ARGUMENT', `CA url must use https, got "${url}"`);
  }
  return parsed;
}

function requireNonEmpty(name: string, value: string): void {
  if (value === '') throw new CaError('INVALID_ARGUMENT', `${name} must not be empty`);
}

// A certificate for some other key would only fail later, far from the cause.
function assertCertifiesKey(certificatePem: string, privateKeyPem: string): void {
  let matches: boolean;
  try {
    matches = new X509Certificate(certificatePem).checkPrivateKey(createPrivateKey(privateKeyPem));
  } catch (cause) {
    throw new CaError('BAD_RESPONSE', 'CA returned an unparsable certificate', { cause });
  }
  if (!matches) throw new CaError('BAD_RESPONSE', 'CA returned a certificate for a different key');
}
