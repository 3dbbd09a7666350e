import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { LightMyRequestResponse as Response } from 'fastify';
import { bearer, newTestApp, problemOf, type TestApp } from '../test-support/test-app';

describe('POST /api/v1/users', () => {
  let t: TestApp;
  let admin: string;
  beforeEach(async () => {
    t = await newTestApp();
    admin = await t.login('registrar', 'registrar-secret');
  });
  afterEach(async () => {
    await t.close();
  });

  const register = (token: string, payload: object): Promise<Response> =>
    t.app.inject({ method: 'POST', url: '/api/v1/users', headers: bearer(token), payload });

  it('lets the org admin register a physician with a single-use secret carrying the role attribute', async () => {
    const response = await register(admin, { username: 'dr-grey', role: 'physician' });
    expect(response.statusCode).toBe(201);
    const body = response.json<{ enrollmentSecret: string }>();
    expect(body).toMatchObject({ username: 'dr-grey', role: 'physician', org: 'Provider1MSP' });
    const registration = t.ca.registrations.get('dr-grey');
    expect(registration).toMatchObject({ type: 'client', maxEnrollments: 1, secret: body.enrollmentSecret });
    expect(registration?.attributes).toEqual([{ name: 'emr.role', value: 'physician', ecert: true }]);
  });

  it('answers 409 USERNAME_TAKEN for an existing username, the registrar included', async () => {
    await register(admin, { username: 'hc-desk', role: 'healthcenter' });
    expect(problemOf(await register(admin, { username: 'hc-desk', role: 'physician' }))).toMatchObject({
      status: 409,
      code: 'USERNAME_TAKEN',
    });
    expect(problemOf(await register(admin, { username: 'registrar', role: 'physician' })).code).toBe(
      'USERNAME_TAKEN',
    );
  });

  it.each([
    ['the patient role', { username: 'someone', role: 'patient' }],
    ['the admin role', { username: 'someone', role: 'admin' }],
    ['an upper-case username', { username: 'DrGrey', role: 'physician' }],
    ['a too short username', { username: 'ab', role: 'physician' }],
  ])('answers 400 for %s', async (_case, payload) => {
    expect(problemOf(await register(admin, payload))).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
  });

  it('answers 503 while the CA is down and works once it is back (a failed registrar enrollment is not kept)', async () => {
    t.ca.reachable = false;
    const down = await register(admin, { username: 'dr-later', role: 'physician' });
    expect(problemOf(down)).toMatchObject({ status: 503, code: 'CA_UNAVAILABLE' });
    expect(down.headers['retry-after']).toBe('5');
    t.ca.reachable = true;
    expect((await register(admin, { username: 'dr-later', role: 'physician' })).statusCode).toBe(201);
  });

  it('is for the org admin only', async () => {
    const healthcenter = await t.userWithRole('hc-desk', 'healthcenter');
    expect(problemOf(await register(healthcenter, { username: 'dr-x', role: 'physician' })).code).toBe(
      'ROLE_NOT_ALLOWED',
    );
  });
});
