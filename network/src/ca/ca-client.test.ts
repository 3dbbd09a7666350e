import { describe, expect, test } from '@jest/globals';
import { newCaClient } from './ca-client';

// Only argument checks that fail before anything is sent; the CA exchange is covered by network/test/ca.test.ts.
const unreachable = { url: 'https://127.0.0.1:1', tlsCaCertificate: '' };
const registrar = { mspId: 'Org1MSP', certificate: '', privateKey: '' };

describe('newCaClient', () => {
  test.each(['http://127.0.0.1:7054', 'not a url'])('rejects url %s', (url) => {
    expect(() => newCaClient({ url, tlsCaCertificate: '' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  test.each([0, -1, Number.NaN])('rejects timeoutMs %d', (timeoutMs) => {
    expect(() => newCaClient({ ...unreachable, timeoutMs })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('argument checks', () => {
  const client = newCaClient(unreachable);

  test.each([
    ['an empty enrollment ID', { enrollmentId: '', secret: 'pw' }],
    ['an empty secret', { enrollmentId: 'user1', secret: '' }],
    ['a colon in the enrollment ID', { enrollmentId: 'a:b', secret: 'pw' }],
  ])('enroll rejects %s', async (_, request) => {
    await expect(client.enroll({ ...request, mspId: 'Org1MSP' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  test.each([-2, 1.5])('register rejects maxEnrollments %d', async (maxEnrollments) => {
    await expect(
      client.register(registrar, { enrollmentId: 'user1', type: 'client', maxEnrollments }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
