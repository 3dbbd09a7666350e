import { describe, expect, test } from '@jest/globals';
import { ENROLL_ENV } from './contract';
import { EnrollConfigError, settingsFromEnv } from './enroll';

const base = {
  [ENROLL_ENV.caUrl]: 'https://ca-provider1.emr-provider1.svc.cluster.local:7054',
  [ENROLL_ENV.caName]: 'ca-provider1',
  [ENROLL_ENV.caTrustFile]: '/var/run/emr/ca-trust/ca.pem',
  [ENROLL_ENV.mspId]: 'Provider1MSP',
  [ENROLL_ENV.enrollmentId]: 'peer0-provider1',
  [ENROLL_ENV.secretFile]: '/var/run/emr/enrollment/peer0-provider1',
};

describe('settingsFromEnv', () => {
  test('reads what the construct sets', () => {
    const settings = settingsFromEnv({
      ...base,
      [ENROLL_ENV.tlsHosts]: 'peer0-provider1, peer0-provider1.emr-provider1,,localhost',
      [ENROLL_ENV.mspDir]: '/var/hyperledger/peer/msp',
      [ENROLL_ENV.tlsDir]: '/var/hyperledger/peer/tls',
    });
    expect(settings).toMatchObject({
      enrollmentId: 'peer0-provider1',
      tlsHosts: ['peer0-provider1', 'peer0-provider1.emr-provider1', 'localhost'],
      mspDir: '/var/hyperledger/peer/msp',
      tlsDir: '/var/hyperledger/peer/tls',
      timeoutMs: 300_000,
    });
  });

  test('says which variable is missing, and refuses to do nothing', () => {
    expect(() => settingsFromEnv({ ...base, [ENROLL_ENV.caUrl]: '' })).toThrow(
      `${ENROLL_ENV.caUrl} is not set`,
    );
    expect(() => settingsFromEnv(base)).toThrow(EnrollConfigError);
    expect(() => settingsFromEnv({ ...base, [ENROLL_ENV.tlsDir]: '/tls' })).toThrow(/needs host names/);
  });
});
