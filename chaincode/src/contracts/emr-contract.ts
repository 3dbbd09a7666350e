import { Context, Contract } from 'fabric-contract-api';
import { notFound } from '../domain/errors';

/** Base of the EMR contracts: an unknown function name is a coded NOT_FOUND like every other rejection. */
export abstract class EmrContract extends Contract {
  override unknownTransaction(ctx: Context): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    return Promise.reject(notFound(`no transaction ${fcn.slice(0, 100)}`));
  }
}
