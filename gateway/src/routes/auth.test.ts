import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { LightMyRequestResponse as Response } from 'fastify';
import { SignJWT } from 'jose';
import { bearer, newTestApp, problemOf, type TestApp } from '../test-support/test-app';

describe('POST /api/v1/auth/login', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await newTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const login = (payload: object): Promise<Response> =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload });

  it('gives the registrar an admin token for its org', async () => {
    const response = await login({ username: 'registrar', password: 'registrar-secret' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      tokenType: 'Bearer',
      username: 'registrar',
      org: 'Provider1MSP',
      role: 'admin',
    });
  });

  it('enrolls a registered user at the first login, reads the role from the certificate, and checks the password locally later', async () => {
    const admin = await t.login('registrar', 'registrar-secret');
    const registered = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(admin),
      payload: { username: 'dr-house', role: 'physician' },
    });
    const { enrollmentSecret } = registered.json<{ enrollmentSecret: string }>();
    const first = await login({ username: 'dr-house', password: enrollmentSecret });
    expect(first.json()).toMatchObject({ role: 'physician', org: 'Provider1MSP' });
    expect(t.ca.registrations.get('dr-house')?.maxEnrollments).toBe(1);

    t.ca.reachable = false;
    expect((await login({ username: 'dr-house', password: enrollmentSecret })).statusCode).toBe(200);
    expect(problemOf(await login({ username: 'dr-house', password: 'wrong' }))).toMatchObject({
      status: 401,
      code: 'INVALID_CREDENTIALS',
    });
    const stored = await t.store.users.find('dr-house');
    expect(stored?.passwordHash).toMatch(/^scrypt\$/);
    expect(Buffer.from(stored?.sealedPrivateKey ?? []).toString('latin1')).not.toContain('PRIVATE KEY');
  });

  it('rejects an unknown user and a wrong secret with 401 INVALID_CREDENTIALS', async () => {
    expect(problemOf(await login({ username: 'nobody', password: 'x' }))).toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    expect(problemOf(await login({ username: 'registrar', password: 'nope' })).status).toBe(401);
  });

  it('refuses a CA identity without an EMR role with 403 ROLE_NOT_ALLOWED', async () => {
    await t.ca.register(await t.ca.enroll({ ...t.config.registrar, mspId: 'Provider1MSP' }), {
      enrollmentId: 'peer0',
      secret: 'peer-secret',
      type: 'peer',
    });
    expect(problemOf(await login({ username: 'peer0', password: 'peer-secret' }))).toMatchObject({
      status: 403,
      code: 'ROLE_NOT_ALLOWED',
    });
  });

  it.each([
    ['a missing password', { username: 'registrar' }],
    ['an unknown field', { username: 'registrar', password: 'x', role: 'admin' }],
    ['a username with a colon', { username: 'a:b', password: 'x' }],
  ])('answers 400 VALIDATION_FAILED for %s', async (_case, payload) => {
    expect(problemOf(await login(payload))).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('answers 503 CA_UNAVAILABLE with Retry-After when the CA cannot be reached at a first login', async () => {
    t.ca.reachable = false;
    const response = await login({ username: 'registrar', password: 'registrar-secret' });
    expect(problemOf(response)).toMatchObject({ status: 503, code: 'CA_UNAVAILABLE' });
    expect(response.headers['retry-after']).toBe('5');
  });

  it('rate-limits logins per client address with 429 RATE_LIMITED', async () => {
    const limited = await newTestApp({ loginRateLimitPerMinute: 2 });
    try {
      const attempt = (): Promise<Response> =>
        limited.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username: 'x', password: 'y' },
        });
      expect((await attempt()).statusCode).toBe(401);
      expect((await attempt()).statusCode).toBe(401);
      const third = await attempt();
      expect(problemOf(third)).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

describe('bearer tokens', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await newTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const pending = (headers: Record<string, string>): Promise<Response> =>
    t.app.inject({ method: 'GET', url: '/api/v1/access-requests', headers });

  it('answers 401 UNAUTHENTICATED without a token or with a malformed one', async () => {
    expect(problemOf(await pending({}))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(problemOf(await pending({ authorization: 'Basic abc' })).code).toBe('UNAUTHENTICATED');
    expect(problemOf(await pending(bearer('not.a.jwt'))).code).toBe('UNAUTHENTICATED');
  });

  it('answers 401 for an expired token and for a token of another org signed with its own key', async () => {
    const sign = (secret: Uint8Array, org: string, expires: number): Promise<string> =>
      new SignJWT({ org, role: 'healthcenter' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('hc1')
        .setIssuer(`emr-gateway/${org}`)
        .setAudience('emr-gateway')
        .setExpirationTime(expires)
        .sign(secret);
    const past = Math.floor(Date.now() / 1000) - 60;
    const future = Math.floor(Date.now() / 1000) + 600;
    const expired = problemOf(await pending(bearer(await sign(t.config.jwtSecret, 'Provider1MSP', past))));
    expect(expired).toMatchObject({ status: 401, detail: 'The token has expired' });
    const foreignKey = new TextEncoder().encode('another-org-signing-key-of-32-characters');
    expect(problemOf(await pending(bearer(await sign(foreignKey, 'Provider2MSP', future)))).status).toBe(401);
  });

  it('answers 403 WRONG_ORGANIZATION for a valid token issued for another org', async () => {
    const token = await new SignJWT({ org: 'Provider2MSP', role: 'healthcenter' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('hc1')
      .setIssuer('emr-gateway/Provider2MSP')
      .setAudience('emr-gateway')
      .setExpirationTime('5m')
      .sign(t.config.jwtSecret);
    expect(problemOf(await pending(bearer(token)))).toMatchObject({
      status: 403,
      code: 'WRONG_ORGANIZATION',
    });
  });

  it('answers 403 ROLE_NOT_ALLOWED for a role the route does not admit', async () => {
    const admin = await t.login('registrar', 'registrar-secret');
    expect(problemOf(await pending(bearer(admin)))).toMatchObject({ status: 403, code: 'ROLE_NOT_ALLOWED' });
  });
});
