import { describe, expect, it } from '@jest/globals';
import { renderConnection } from './ccaas-builder';

describe('renderConnection', () => {
  it('fills every {{.key}} from the builder config and keeps non-string values', () => {
    const rendered = renderConnection(
      { address: '{{.address}}', tls_required: true, root_cert: '{{ .root_cert }}' },
      { address: '127.0.0.1:7170', root_cert: 'PEM' },
    );
    expect(rendered).toEqual({ address: '127.0.0.1:7170', tls_required: true, root_cert: 'PEM' });
  });

  it('rejects a template key the config lacks instead of writing an empty value', () => {
    expect(() => renderConnection({ address: '{{.address}}' }, {})).toThrow(/no string "address"/);
  });
});
