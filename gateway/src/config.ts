import { readFileSync } from 'node:fs';
import { GATEWAY_ENV } from '@emr/network';

/** The gateway's configuration, read once from the environment at start (names: `GATEWAY_ENV` of @emr/network). */
export interface GatewayConfig {
  readonly listenHost: string;
  readonly port: number;
  /** The org this gateway serves; every token and every transaction is of this org. */
  readonly mspId: string;
  readonly channel: string;
  readonly chaincode: string;
  readonly peer: {
    readonly endpoint: string;
    /** PEM of the CA that issued the peer's TLS certificate. */
    readonly tlsCaCertificate: string;
    readonly serverName: string | undefined;
  };
  readonly ca: {
    readonly url: string;
    readonly tlsCaCertificate: string;
    readonly caName: string | undefined;
  };
  /** The CA's bootstrap registrar: registers users, and is the org admin of this API. */
  readonly registrar: { readonly enrollmentId: string; readonly secret: string };
  readonly jwtSecret: Uint8Array;
  /** 32 bytes: AES-256-GCM key of private keys at rest; also the root of the store's index keys. */
  readonly keyEncryptionKey: Buffer;
  readonly databaseFile: string;
  /** PEM certificate and key to serve HTTPS; undefined serves plain HTTP. */
  readonly tls: { readonly certificate: string; readonly privateKey: string } | undefined;
  readonly tokenTtlSeconds: number;
  readonly loginRateLimitPerMinute: number;
  readonly logLevel: string;
  readonly shutdownGraceMs: number;
}

/** Every problem of a configuration at once, one line each, so an operator fixes them in one go. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: readonly string[]) {
    super(`invalid gateway configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const MIN_JWT_SECRET_CHARS = 32;

/**
 * Reads and validates the configuration.
 *
 * @throws {@link ConfigError} listing every missing or invalid variable and every unreadable file.
 */
export function loadConfig(env: Env = process.env): GatewayConfig {
  const reader = new EnvReader(env);
  const E = GATEWAY_ENV;
  const tlsCertFile = reader.optional(E.tlsCertFile);
  const tlsKeyFile = reader.optional(E.tlsKeyFile);
  if ((tlsCertFile === undefined) !== (tlsKeyFile === undefined)) {
    reader.problem(`${E.tlsCertFile} and ${E.tlsKeyFile} must be set together (or neither, for plain HTTP)`);
  }
  const config: GatewayConfig = {
    listenHost: reader.optional(E.listenHost) ?? '127.0.0.1',
    port: reader.integer(E.port, { min: 1, max: 65535 }),
    mspId: reader.matching(E.mspId, /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'an MSP ID'),
    channel: reader.optional(E.channel) ?? 'emr',
    chaincode: reader.optional(E.chaincode) ?? 'emr',
    peer: {
      endpoint: reader.matching(E.peerEndpoint, /^[^\s:]+:\d{1,5}$/, 'host:port'),
      tlsCaCertificate: reader.pemFile(E.peerTlsCaFile, 'CERTIFICATE'),
      serverName: reader.optional(E.peerServerName),
    },
    ca: {
      url: reader.matching(E.caUrl, /^https:\/\/\S+$/, 'an https:// URL'),
      tlsCaCertificate: reader.pemFile(E.caTlsCaFile, 'CERTIFICATE'),
      caName: reader.optional(E.caName),
    },
    registrar: { enrollmentId: reader.required(E.registrarId), secret: reader.required(E.registrarSecret) },
    jwtSecret: new TextEncoder().encode(reader.secret(E.jwtSecret, MIN_JWT_SECRET_CHARS)),
    keyEncryptionKey: reader.base64Key(E.keyEncryptionKey, 32),
    databaseFile: reader.required(E.databaseFile),
    tls:
      tlsCertFile === undefined || tlsKeyFile === undefined
        ? undefined
        : {
            certificate: reader.pemFile(E.tlsCertFile, 'CERTIFICATE'),
            privateKey: reader.pemFile(E.tlsKeyFile, 'PRIVATE KEY'),
          },
    tokenTtlSeconds: reader.integer(E.tokenTtlSeconds, { min: 60, max: 86_400, fallback: 900 }),
    loginRateLimitPerMinute: reader.integer(E.loginRateLimit, { min: 1, max: 100_000, fallback: 10 }),
    logLevel: reader.oneOf(E.logLevel, LOG_LEVELS, 'info'),
    shutdownGraceMs: reader.integer(E.shutdownGraceMs, { min: 0, max: 300_000, fallback: 10_000 }),
  };
  reader.throwIfProblems();
  return config;
}

/** Collects problems instead of stopping at the first; returns placeholders for invalid values. */
class EnvReader {
  readonly #env: Env;
  readonly #problems: string[] = [];

  constructor(env: Env) {
    this.#env = env;
  }

  problem(text: string): void {
    this.#problems.push(text);
  }

  throwIfProblems(): void {
    if (this.#problems.length > 0) throw new ConfigError(this.#problems);
  }

  optional(name: string): string | undefined {
    const value = this.#env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  required(name: string): string {
    const value = this.optional(name);
    if (value === undefined) this.problem(`${name} is required`);
    return value ?? '';
  }

  matching(name: string, pattern: RegExp, what: string): string {
    const value = this.optional(name);
    if (value === undefined) {
      this.problem(`${name} is required (${what})`);
    } else if (!pattern.test(value)) {
      this.problem(`${name} must be ${what}, got "${value}"`);
    }
    return value ?? '';
  }

  oneOf(name: string, allowed: readonly string[], fallback: string): string {
    const value = this.optional(name) ?? fallback;
    if (!allowed.includes(value))
      this.problem(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
    return value;
  }

  integer(name: string, range: { min: number; max: number; fallback?: number }): number {
    const raw = this.optional(name);
    if (raw === undefined) {
      if (range.fallback === undefined) this.problem(`${name} is required (an integer)`);
      return range.fallback ?? 0;
    }
    const value = Number(raw);
    if (!Number.isInteger(value) || value < range.min || value > range.max) {
      this.problem(`${name} must be an integer from ${range.min} to ${range.max}, got "${raw}"`);
    }
    return value;
  }

  /** A secret's value is never echoed in a problem. */
  secret(name: string, minChars: number): string {
    const value = this.required(name);
    if (value !== '' && value.length < minChars) {
      this.problem(`${name} must be at least ${minChars} characters long`);
    }
    return value;
  }

  base64Key(name: string, bytes: number): Buffer {
    const value = this.required(name);
    const key = Buffer.from(value, 'base64');
    if (value !== '' && (key.length !== bytes || !/^[A-Za-z0-9+/]+={0,2}$/.test(value))) {
      this.problem(`${name} must be the base64 encoding of ${bytes} random bytes`);
    }
    return key;
  }

  pemFile(name: string, label: 'CERTIFICATE' | 'PRIVATE KEY'): string {
    const path = this.required(name);
    if (path === '') return '';
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      this.problem(`${name}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      return '';
    }
    if (!new RegExp(`-----BEGIN [A-Z ]*${label}-----`).test(text)) {
      this.problem(`${name}: ${path} is not a PEM ${label.toLowerCase()}`);
    }
    return text;
  }
}
