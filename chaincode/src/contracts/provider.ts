import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { invalidArgument } from '../domain/errors';
import { PROVIDER_KEY_BYTES } from '../domain/pseudonym';
import { EmrContract } from './emr-contract';
import { requireOrgAdmin } from './identity';
import { ProviderLedger } from './provider-ledger';
import { respond } from './requests';
import { transientBytes } from './transaction-context';

/** One-time setup of a provider by an administrator of its org. */
@Info({ title: 'Provider', description: "Provider setup: the secret key behind patients' pseudonyms" })
export class ProviderContract extends EmrContract {
  constructor() {
    super('Provider');
  }

  /**
   * Stores the provider's secret key (transient `providerKey`: 32 random bytes) in the org's implicit collection.
   * Once only: it keys every patient pseudonym, which patients' certificates carry. Caller: OU=admin of the org.
   */
  @Transaction()
  @Returns('string')
  async InitializeProvider(ctx: Context): Promise<string> {
    const admin = requireOrgAdmin(ctx);
    const key = transientBytes(ctx, 'providerKey');
    if (key.length !== PROVIDER_KEY_BYTES) {
      throw invalidArgument(`transient field providerKey must be exactly ${PROVIDER_KEY_BYTES} bytes`);
    }
    await ProviderLedger.initialize(ctx, admin.msp, key);
    return respond({ initialized: true });
  }
}
