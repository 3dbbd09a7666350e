import { errors, jwtVerify, SignJWT } from 'jose';
import { ProblemError } from '../errors/problem';
import { ROLES, type Principal, type Role } from './roles';

/** Short-lived bearer tokens (JWT, HS256) naming the user, their org and their role. */
export interface TokenIssuer {
  issue(principal: Principal): Promise<{ token: string; expiresIn: number }>;
  /**
   * The principal of a valid token of this org.
   *
   * @throws {@link ProblemError} `UNAUTHENTICATED` (missing, malformed, expired, bad signature) or
   *   `WRONG_ORGANIZATION` (a valid token issued for another org).
   */
  verify(token: string): Promise<Principal>;
}

export interface TokenOptions {
  readonly secret: Uint8Array;
  /** The org of this gateway. */
  readonly mspId: string;
  readonly ttlSeconds: number;
}

const AUDIENCE = 'emr-gateway';
const ALGORITHM = 'HS256';

export function newTokenIssuer(options: TokenOptions): TokenIssuer {
  return {
    async issue(principal) {
      const token = await new SignJWT({ org: principal.mspId, role: principal.role })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(principal.username)
        .setIssuer(`${AUDIENCE}/${principal.mspId}`)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${options.ttlSeconds}s`)
        .sign(options.secret);
      return { token, expiresIn: options.ttlSeconds };
    },
    async verify(token) {
      let payload;
      try {
        ({ payload } = await jwtVerify(token, options.secret, {
          algorithms: [ALGORITHM],
          audience: AUDIENCE,
        }));
      } catch (err) {
        const expired = err instanceof errors.JWTExpired;
        throw new ProblemError(
          'UNAUTHENTICATED',
          expired ? 'The token has expired' : 'The token is not valid',
          {
            cause: err,
          },
        );
      }
      const { sub, org, role } = payload;
      if (typeof sub !== 'string' || typeof org !== 'string' || !isRole(role)) {
        throw new ProblemError('UNAUTHENTICATED', 'The token lacks its claims');
      }
      if (org !== options.mspId || payload.iss !== `${AUDIENCE}/${org}`) {
        throw new ProblemError('WRONG_ORGANIZATION', `This gateway serves ${options.mspId} only`);
      }
      return { username: sub, mspId: org, role };
    },
  };
}

function isRole(value: unknown): value is Role {
  return ROLES.some((role) => role === value);
}
