import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../settings';
import { IMAGES, lineage } from './catalog';
import { dockerfilePath, effectiveUser, renderDockerfile } from './dockerfile';
import { configArgs } from './oci';
import { productionPackages } from './node-modules';

describe('image catalog', () => {
  it.each(IMAGES.map((i) => [i.name, i] as const))(
    'the committed Dockerfile of %s matches its description (rewrite: node cluster/dist/cli.js dockerfiles)',
    (_name, image) => {
      const committed = readFileSync(join(REPO_ROOT, dockerfilePath(image.name)), 'utf8');
      expect(committed).toBe(renderDockerfile(image));
    },
  );

  it.each(IMAGES.map((i) => [i.name, i] as const))('%s runs as a non-root user', (_name, image) => {
    const user = effectiveUser(image);
    expect(user).toBeDefined();
    expect(user?.uid).not.toBe(0);
    expect(user?.gid).not.toBe(0);
  });

  it('puts no key material or sample credentials into any image', () => {
    const sources = IMAGES.flatMap((image) => image.files.map((f) => JSON.stringify(f.source)));
    for (const source of sources) {
      expect(source).not.toMatch(/msp|keystore|priv|\.key|secret|tokens/i);
    }
  });

  it('builds images on top of catalog images only, without cycles', () => {
    for (const image of IMAGES) {
      const chain = lineage(image.name);
      expect(chain.at(-1)?.name).toBe(image.name);
      expect(new Set(chain.map((i) => i.name)).size).toBe(chain.length);
    }
  });

  it('gives the peer image a ccaas builder where the stock image has one', () => {
    const peer = IMAGES.find((i) => i.name === 'fabric-peer');
    const paths = peer?.files.map((f) => f.path) ?? [];
    for (const command of ['detect', 'build', 'release']) {
      expect(paths).toContain(`/opt/hyperledger/ccaas_builder/bin/${command}`);
    }
    expect(peer?.env?.['CORE_VM_ENDPOINT']).toBe('');
  });
});

describe('umoci config with Docker semantics', () => {
  const base = IMAGES.find((i) => i.name === 'node');

  it('sets user, env, entrypoint and cmd like the Dockerfile', () => {
    if (!base) throw new Error('no node image');
    const args = configArgs(base);
    expect(args).toEqual(
      expect.arrayContaining(['--config.user', '10001:10001', '--config.env', 'NODE_ENV=production']),
    );
    expect(args.join(' ')).toContain(
      '--clear config.entrypoint --config.entrypoint /usr/bin/tini --config.entrypoint --',
    );
    expect(args.join(' ')).toContain('--clear config.cmd --config.cmd node');
  });

  it('clears an inherited CMD when an image sets only an ENTRYPOINT', () => {
    if (!base) throw new Error('no node image');
    const args = configArgs({ ...base, cmd: undefined });
    expect(args.join(' ')).toContain('--clear config.cmd');
  });
});

describe('productionPackages', () => {
  it('takes the chaincode runtime dependencies and none of the dev tooling', () => {
    const packages = productionPackages(join(REPO_ROOT, 'chaincode'), REPO_ROOT).map((p) => p.target);
    expect(packages).toEqual(expect.arrayContaining(['fabric-shim', 'fabric-contract-api', '@grpc/grpc-js']));
    for (const dev of ['typescript', 'jest', 'eslint', 'ts-jest', '@hyperledger/fabric-gateway']) {
      expect(packages).not.toContain(dev);
    }
  });
});
