import { describe, expect, test } from '@jest/globals';
import { requireBase64Pem, requireString, unwrapCaResponse } from './envelope';
import { CaError } from './errors';

// Bodies as fabric-ca 1.5 writes them (cfssl api.Response; errors via http.Error, hence the newline).
const duplicate =
  '{"result":"","errors":[{"code":74,"message":"Identity \'user1\' is already registered"}],"messages":[],"success":false}\n';
const authentication =
  '{"result":"","errors":[{"code":20,"message":"Authentication failure"}],"messages":[],"success":false}\n';
const authorization =
  '{"result":"","errors":[{"code":71,"message":"Authorization failure"}],"messages":[],"success":false}\n';
const badCsr =
  '{"result":"","errors":[{"code":80,"message":"CSR input validation failed"}],"messages":[],"success":false}\n';
const registered = '{"result":{"secret":"s3cret"},"errors":[],"messages":[],"success":true}';

function failure(status: number, body: string): CaError {
  try {
    unwrapCaResponse('register', status, body);
  } catch (error) {
    if (error instanceof CaError) return error;
    throw error;
  }
  throw new Error('expected unwrapCaResponse to throw');
}

describe('unwrapCaResponse', () => {
  test('returns the result of a successful response', () => {
    expect(unwrapCaResponse('register', 201, registered)).toEqual({ secret: 's3cret' });
  });

  test.each([
    [409, duplicate, 'ALREADY_REGISTERED'],
    [401, authentication, 'AUTHENTICATION_FAILED'],
    [403, authorization, 'AUTHORIZATION_FAILED'],
    [400, badCsr, 'REQUEST_FAILED'],
  ])('maps HTTP %i with its errors to %s', (status, body, code) => {
    const error = failure(status, body);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.details).toEqual((JSON.parse(body) as { errors: unknown }).errors);
    expect(error.message).toContain('CA register failed');
  });

  test('maps a bare 401 without details to AUTHENTICATION_FAILED', () => {
    expect(failure(401, '{"success":false,"errors":[]}').code).toBe('AUTHENTICATION_FAILED');
  });

  test('treats success:false without errors as a failure', () => {
    const error = failure(200, '{"success":false,"result":{},"errors":[]}');
    expect(error.code).toBe('REQUEST_FAILED');
    expect(error.message).toContain('HTTP 200');
  });

  test('reports a non-JSON body as BAD_RESPONSE with an excerpt', () => {
    const error = failure(502, '<html>Bad Gateway</html>');
    expect(error.code).toBe('BAD_RESPONSE');
    expect(error.message).toContain('<html>Bad Gateway</html>');
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  test('reports a success without a result object as BAD_RESPONSE', () => {
    expect(failure(200, '{"success":true,"result":"x","errors":[]}').code).toBe('BAD_RESPONSE');
  });
});

describe('result fields', () => {
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

  test('requireString returns the field or fails with BAD_RESPONSE', () => {
    expect(requireString('register', { secret: 'x' }, 'secret')).toBe('x');
    expect(() => requireString('register', { secret: 7 }, 'secret')).toThrow(
      expect.objectContaining({ code: 'BAD_RESPONSE' }),
    );
  });

  test('requireBase64Pem decodes a base64 PEM and rejects anything else', () => {
    expect(requireBase64Pem('enroll', { Cert: Buffer.from(pem).toString('base64') }, 'Cert')).toBe(pem);
    expect(() =>
      requireBase64Pem('enroll', { Cert: Buffer.from('hello').toString('base64') }, 'Cert'),
    ).toThrow(expect.objectContaining({ code: 'BAD_RESPONSE' }));
  });
});
