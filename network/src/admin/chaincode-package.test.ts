import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { MUTUAL_TLS_CONNECTION, packageChaincodeAsService } from './chaincode-package';

describe('packageChaincodeAsService', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ccpkg-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('produces the same bytes and package ID every time', () => {
    const first = packageChaincodeAsService('emr_1.0', MUTUAL_TLS_CONNECTION);
    const second = packageChaincodeAsService('emr_1.0', MUTUAL_TLS_CONNECTION);
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(first.packageId).toMatch(/^emr_1\.0:[0-9a-f]{64}$/);
  });

  it('changes the package ID when the label changes', () => {
    const a = packageChaincodeAsService('emr_1.0', MUTUAL_TLS_CONNECTION);
    const b = packageChaincodeAsService('emr_1.1', MUTUAL_TLS_CONNECTION);
    expect(a.packageId.split(':')[1]).not.toEqual(b.packageId.split(':')[1]);
  });

  it('is a tar.gz that GNU tar reads, with metadata.json and connection.json inside code.tar.gz', () => {
    const pkg = packageChaincodeAsService('emr_1.0', MUTUAL_TLS_CONNECTION);
    writeFileSync(join(dir, 'pkg.tgz'), pkg.bytes);
    execFileSync('tar', ['xzf', 'pkg.tgz'], { cwd: dir });
    expect(JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8'))).toEqual({
      type: 'ccaas',
      label: 'emr_1.0',
    });
    execFileSync('tar', ['xzf', 'code.tar.gz'], { cwd: dir });
    const connection = JSON.parse(readFileSync(join(dir, 'connection.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(connection['tls_required']).toBe(true);
    expect(connection['address']).toBe('{{.address}}');
  });

  it('rejects labels the peer would refuse', () => {
    expect(() => packageChaincodeAsService('-bad label', MUTUAL_TLS_CONNECTION)).toThrow(
      /invalid chaincode label/,
    );
  });
});
