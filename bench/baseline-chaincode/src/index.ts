import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';

/**
 * What a transaction costs on this network without any EMR logic: the benchmark divides the EMR chaincode's
 * figures by this contract's, measured in the same run through the same client and peer. Deployed only on the
 * benchmark's devnet; the EMR chaincode itself has no benchmark-only transaction.
 */
@Info({ title: 'Baseline', description: 'A bare public-state write and read' })
export class BaselineContract extends Contract {
  constructor() {
    super('Baseline');
  }

  /** Writes the transient field `value` under public key `key`: nothing read, nothing checked. */
  @Transaction()
  async Put(ctx: Context, key: string): Promise<void> {
    const value = ctx.stub.getTransient().get('value');
    if (value === undefined || value.length === 0) {
      throw new Error('transient field value is required');
    }
    await ctx.stub.putState(key, value);
  }

  /** The value under public key `key`, as text. */
  @Transaction(false)
  @Returns('string')
  async Get(ctx: Context, key: string): Promise<string> {
    return Buffer.from(await ctx.stub.getState(key)).toString('utf8');
  }
}

export const contracts = [BaselineContract];
