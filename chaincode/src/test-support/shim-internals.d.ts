/** Types for the shim's contract dispatcher, which the unit tests drive directly (no public typings). */
declare module 'fabric-shim/lib/contract-spi/chaincodefromcontract' {
  import type { ChaincodeResponse } from 'fabric-shim-api';

  interface TransactionMetadata {
    readonly name: string;
    readonly tag?: readonly string[];
  }

  export default class ChaincodeFromContract {
    constructor(
      contractClasses: unknown[],
      serializers: { transaction: string; serializers: Record<string, unknown> },
      metadata: object,
      title: string,
      version: string,
    );
    readonly metadata: {
      readonly contracts: Record<string, { readonly transactions: TransactionMetadata[] }>;
    };
    Invoke(stub: unknown): Promise<ChaincodeResponse>;
  }
}
