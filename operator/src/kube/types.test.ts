import { describe, expect, it } from '@jest/globals';
import { apiVersionOf, LEASES, resourcePath, SECRETS } from './types';
import { MEDICAL_PROVIDERS } from '../api/resources';

describe('resourcePath', () => {
  it('builds core, group, collection, object and subresource paths', () => {
    expect(resourcePath(SECRETS, { namespace: 'provider3', name: 'provider3-admin' })).toBe(
      '/api/v1/namespaces/provider3/secrets/provider3-admin',
    );
    expect(resourcePath(MEDICAL_PROVIDERS)).toBe('/apis/emr-fabric.dev/v1alpha1/medicalproviders');
    expect(resourcePath(MEDICAL_PROVIDERS, { namespace: 'p', name: 'x', subresource: 'status' })).toBe(
      '/apis/emr-fabric.dev/v1alpha1/namespaces/p/medicalproviders/x/status',
    );
    expect(resourcePath(LEASES, { namespace: 'ops' })).toBe(
      '/apis/coordination.k8s.io/v1/namespaces/ops/leases',
    );
  });

  it('names API versions', () => {
    expect(apiVersionOf(SECRETS)).toBe('v1');
    expect(apiVersionOf(LEASES)).toBe('coordination.k8s.io/v1');
  });
});
