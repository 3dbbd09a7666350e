import { describe, expect, test } from '@jest/globals';
import { ORG1, ORG2, Scenario, providerKeyOf } from '../test-support/scenario';

describe('Provider:InitializeProvider', () => {
  test("an org administrator stores the provider key once, in the org's implicit collection only", async () => {
    const s = await Scenario.start([]);
    await s.net.submit(s.of(ORG1).admin, 'Provider:InitializeProvider', [], {
      transient: { providerKey: providerKeyOf(ORG1) },
    });
    const stored = [...(s.net.world.private.get('_implicit_org_Org1MSP')?.values() ?? [])].map(
      (v) => v.value,
    );
    expect(stored).toEqual([providerKeyOf(ORG1)]);
    expect(s.net.blocks.at(-1)?.response).toBe('{"initialized":true}');
    expect(s.net.blocks.at(-1)?.publicWrites).toEqual([]);
  });

  test('a second initialization is a CONFLICT (pseudonyms in issued certificates depend on the key)', async () => {
    const s = await Scenario.start([ORG1]);
    await expect(
      s.net.submit(s.of(ORG1).admin, 'Provider:InitializeProvider', [], {
        transient: { providerKey: Buffer.alloc(32) },
      }),
    ).rejects.toThrow(/^CONFLICT: provider Org1MSP already has a provider key/);
  });

  test('only a certificate with OU=admin may initialize; roles do not count', async () => {
    const s = await Scenario.start([]);
    for (const who of [s.of(ORG1).healthcenter, s.of(ORG1).physician]) {
      await expect(
        s.net.submit(who, 'Provider:InitializeProvider', [], {
          transient: { providerKey: providerKeyOf(ORG1) },
        }),
      ).rejects.toThrow(/^FORBIDDEN: only an administrator \(OU=admin\)/);
    }
  });

  test('an OU smuggled into the common name does not make an administrator', async () => {
    const s = await Scenario.start([]);
    const sneaky = s.net.identity(ORG1, { cn: 'x + OU=admin', ous: ['client'] });
    const sneaky2 = s.net.identity(ORG1, { cn: 'x\nOU=admin', ous: ['client'] });
    for (const who of [sneaky, sneaky2]) {
      await expect(
        s.net.submit(who, 'Provider:InitializeProvider', [], {
          transient: { providerKey: providerKeyOf(ORG1) },
        }),
      ).rejects.toThrow(/^FORBIDDEN: only an administrator/);
    }
  });

  test('the key must be exactly 32 bytes, passed as transient data', async () => {
    const s = await Scenario.start([]);
    const admin = s.of(ORG1).admin;
    await expect(s.net.submit(admin, 'Provider:InitializeProvider')).rejects.toThrow(
      /^INVALID_ARGUMENT: transient field providerKey is required/,
    );
    await expect(
      s.net.submit(admin, 'Provider:InitializeProvider', [], {
        transient: { providerKey: Buffer.alloc(31) },
      }),
    ).rejects.toThrow(/^INVALID_ARGUMENT: transient field providerKey must be exactly 32 bytes/);
  });

  test("an administrator of another org cannot initialize this org: the write needs this org's endorsement", async () => {
    const s = await Scenario.start([]);
    await expect(
      s.net.submit(s.of(ORG2).admin, 'Provider:InitializeProvider', [], {
        transient: { providerKey: providerKeyOf(ORG2) },
        peer: ORG1,
      }),
    ).rejects.toThrow(/^ENDORSEMENT_POLICY_FAILURE/);
    expect(s.net.world.hashes.get('_implicit_org_Org2MSP')?.size ?? 0).toBe(0);
  });

  test('before initialization, provider operations fail with FAILED_PRECONDITION', async () => {
    const s = await Scenario.start([]);
    await expect(
      s.net.submit(s.of(ORG1).healthcenter, 'HealthCenter:CreateEmr', [], {
        transient: { patient: { patientId: 'X1', name: 'N', birthDate: '1990-01-01' } },
      }),
    ).rejects.toThrow(/^FAILED_PRECONDITION: provider Org1MSP has no provider key yet/);
  });
});
