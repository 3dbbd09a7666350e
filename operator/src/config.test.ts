import { describe, expect, it } from '@jest/globals';
import { settingsFromEnv, SettingsError } from './config';

describe('settingsFromEnv', () => {
  it('reads what the Helm chart sets', () => {
    const settings = settingsFromEnv({
      EMR_OPERATOR_NAMESPACE: 'emr-system',
      EMR_OPERATOR_POD_NAME: 'emr-operator-7d9f-abcde',
      EMR_OPERATOR_WATCH_NAMESPACES: 'provider1, provider2,,',
      EMR_OPERATOR_LEADER_ELECTION: 'true',
      EMR_OPERATOR_LEASE_NAME: 'emr-operator',
      EMR_OPERATOR_HEALTH_PORT: '8081',
      EMR_OPERATOR_METRICS_PORT: '8080',
      EMR_OPERATOR_LOG_LEVEL: 'debug',
    });
    expect(settings).toEqual({
      namespace: 'emr-system',
      podName: 'emr-operator-7d9f-abcde',
      watchNamespaces: ['provider1', 'provider2'],
      leaderElection: true,
      leaseName: 'emr-operator',
      healthPort: 8081,
      metricsPort: 8080,
      logLevel: 'debug',
      runtime: 'kubernetes',
      devnetDir: undefined,
      workloadImages: {},
      workloadPullPolicy: undefined,
    });
  });

  it('reads the workload images and pull policy of the chart', () => {
    const settings = settingsFromEnv({
      EMR_OPERATOR_WORKLOAD_IMAGES: JSON.stringify({
        peer: { repository: 'localhost/emr/fabric-peer', tag: '3.1.1' },
        tools: { repository: 'localhost/emr/operator', tag: '0.1.0' },
      }),
      EMR_OPERATOR_WORKLOAD_PULL_POLICY: 'Never',
    });
    expect(settings.workloadImages).toEqual({
      peer: { repository: 'localhost/emr/fabric-peer', tag: '3.1.1' },
      tools: { repository: 'localhost/emr/operator', tag: '0.1.0' },
    });
    expect(settings.workloadPullPolicy).toBe('Never');
  });

  it('treats metrics port 0 as no metrics server (the chart with metrics.enabled false)', () => {
    expect(settingsFromEnv({ EMR_OPERATOR_METRICS_PORT: '0' }).metricsPort).toBeUndefined();
  });

  it.each([
    ['EMR_OPERATOR_HEALTH_PORT', 'eighty', 'EMR_OPERATOR_HEALTH_PORT must be a port number'],
    ['EMR_OPERATOR_LEADER_ELECTION', 'yes', 'EMR_OPERATOR_LEADER_ELECTION must be true or false'],
    ['EMR_OPERATOR_LOG_LEVEL', 'loud', 'EMR_OPERATOR_LOG_LEVEL must be debug, info, warn or error'],
    ['EMR_OPERATOR_RUNTIME', 'docker', 'EMR_OPERATOR_RUNTIME must be kubernetes or devnet'],
    ['EMR_OPERATOR_WORKLOAD_IMAGES', '{peer:', 'EMR_OPERATOR_WORKLOAD_IMAGES must be JSON'],
    ['EMR_OPERATOR_WORKLOAD_IMAGES', '{"couch":{"repository":"c","tag":"1"}}', 'unknown image kind "couch"'],
    ['EMR_OPERATOR_WORKLOAD_IMAGES', '{"peer":{"repository":"p"}}', 'needs a non-empty repository and tag'],
    ['EMR_OPERATOR_WORKLOAD_PULL_POLICY', 'Sometimes', 'must be Always, IfNotPresent or Never'],
  ])('rejects %s=%s with one sentence', (name, value, message) => {
    expect(() => settingsFromEnv({ [name]: value })).toThrow(SettingsError);
    expect(() => settingsFromEnv({ [name]: value })).toThrow(message);
  });
});
