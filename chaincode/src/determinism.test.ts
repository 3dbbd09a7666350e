import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from '@jest/globals';

const SRC = __dirname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return name === 'test-support' ? [] : sources(path);
    }
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

const FILES = sources(SRC).map((path) => ({ path: relative(SRC, path), text: readFileSync(path, 'utf8') }));

describe('determinism and layering (source checks)', () => {
  test.each([
    ['wall-clock time', /Date\.now\(|new Date\(|performance\.now\(/, []],
    ['randomness', /Math\.random|randomBytes|randomUUID|getRandomValues/, []],
    ['timers', /setTimeout|setInterval|setImmediate/, []],
    ['the environment', /process\.env/, []],
    ["the peer's MSP ID", /getMspID\(/, []],
    [
      'JSON.stringify outside the canonical serializer',
      /JSON\.stringify\(/,
      [join('domain', 'canonical-json.ts')],
    ],
  ])('chaincode sources never use %s', (_what, pattern: RegExp, allowed: string[]) => {
    const offenders = FILES.filter((file) => pattern.test(file.text) && !allowed.includes(file.path));
    expect(offenders.map((file) => file.path)).toEqual([]);
  });

  test('the domain layer imports nothing of Fabric', () => {
    const domain = FILES.filter((file) => file.path.startsWith('domain'));
    expect(domain.length).toBeGreaterThan(5);
    expect(
      domain.filter((file) => /from '(fabric-|\.\.\/contracts)/.test(file.text)).map((f) => f.path),
    ).toEqual([]);
  });
});
