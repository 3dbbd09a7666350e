import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Identity } from './identity';
import { nodeOUsConfig, writeLocalMsp, writeTlsFiles } from './msp';

const identity: Identity = { mspId: 'Org1MSP', certificate: 'SIGNCERT PEM\n', privateKey: 'KEY PEM\n' };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'emr-msp-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function mode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

describe('writeLocalMsp', () => {
  test('writes the layout Fabric reads, with a private key only the owner can read', async () => {
    const msp = join(dir, 'peer0', 'msp');
    await writeLocalMsp(msp, {
      identity,
      caCertificate: 'CA PEM\n',
      tlsCaCertificate: 'TLSCA PEM\n',
      nodeOUs: true,
    });

    expect((await readdir(msp)).sort()).toEqual([
      'cacerts',
      'config.yaml',
      'keystore',
      'signcerts',
      'tlscacerts',
    ]);
    expect(await readFile(join(msp, 'signcerts/cert.pem'), 'utf8')).toBe('SIGNCERT PEM\n');
    expect(await readFile(join(msp, 'keystore/priv_sk'), 'utf8')).toBe('KEY PEM\n');
    expect(await readFile(join(msp, 'cacerts/ca.pem'), 'utf8')).toBe('CA PEM\n');
    expect(await readFile(join(msp, 'tlscacerts/ca.pem'), 'utf8')).toBe('TLSCA PEM\n');
    expect(await readFile(join(msp, 'config.yaml'), 'utf8')).toBe(nodeOUsConfig('cacerts/ca.pem'));
    expect(await mode(join(msp, 'keystore/priv_sk'))).toBe(0o600);
    expect(await mode(join(msp, 'keystore'))).toBe(0o700);
  });

  test('omits config.yaml without NodeOUs', async () => {
    await writeLocalMsp(dir, { identity, caCertificate: 'CA', tlsCaCertificate: 'TLSCA', nodeOUs: false });
    expect(await readdir(dir)).not.toContain('config.yaml');
  });

  test('replaces an existing key file and tightens its mode', async () => {
    await mkdir(join(dir, 'keystore'));
    await writeFile(join(dir, 'keystore/priv_sk'), 'OLD KEY', { mode: 0o644 });
    await writeLocalMsp(dir, { identity, caCertificate: 'CA', tlsCaCertificate: 'TLSCA', nodeOUs: true });
    expect(await readFile(join(dir, 'keystore/priv_sk'), 'utf8')).toBe('KEY PEM\n');
    expect(await mode(join(dir, 'keystore/priv_sk'))).toBe(0o600);
  });
});

describe('nodeOUsConfig', () => {
  test('enables NodeOUs and maps each role OU to the CA certificate', () => {
    expect(nodeOUsConfig('cacerts/ca.pem')).toBe(
      [
        'NodeOUs:',
        '  Enable: true',
        '  ClientOUIdentifier:',
        '    Certificate: cacerts/ca.pem',
        '    OrganizationalUnitIdentifier: client',
        '  PeerOUIdentifier:',
        '    Certificate: cacerts/ca.pem',
        '    OrganizationalUnitIdentifier: peer',
        '  AdminOUIdentifier:',
        '    Certificate: cacerts/ca.pem',
        '    OrganizationalUnitIdentifier: admin',
        '  OrdererOUIdentifier:',
        '    Certificate: cacerts/ca.pem',
        '    OrganizationalUnitIdentifier: orderer',
        '',
      ].join('\n'),
    );
  });
});

describe('writeTlsFiles', () => {
  test('writes server.crt, server.key (0600) and ca.crt', async () => {
    const tls = join(dir, 'tls');
    await writeTlsFiles(tls, { identity, caCertificate: 'TLSCA PEM\n' });
    expect((await readdir(tls)).sort()).toEqual(['ca.crt', 'server.crt', 'server.key']);
    expect(await readFile(join(tls, 'server.crt'), 'utf8')).toBe('SIGNCERT PEM\n');
    expect(await readFile(join(tls, 'server.key'), 'utf8')).toBe('KEY PEM\n');
    expect(await readFile(join(tls, 'ca.crt'), 'utf8')).toBe('TLSCA PEM\n');
    expect(await mode(join(tls, 'server.key'))).toBe(0o600);
  });
});
