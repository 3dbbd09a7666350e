import { describe, expect, it } from '@jest/globals';
import { fabricErrorText } from './fabric-error-text';

describe('fabricErrorText', () => {
  it("appends the peers' and orderers' messages of a fabric-gateway error", () => {
    const error = Object.assign(new Error('10 ABORTED: failed to endorse transaction'), {
      details: [
        { address: 'peer0:7051', mspId: 'Provider1MSP', message: 'chaincode response 500, EMR_NOT_FOUND' },
        { address: 'peer1:7051', mspId: 'Provider2MSP', message: 'chaincode response 500, EMR_NOT_FOUND' },
      ],
    });
    expect(fabricErrorText(error)).toBe(
      'Error: 10 ABORTED: failed to endorse transaction chaincode response 500, EMR_NOT_FOUND chaincode response 500, EMR_NOT_FOUND',
    );
  });

  it('keeps a gRPC ServiceError whose details are a string (seen from a peer admin call)', () => {
    const error = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
      code: 14,
      details: 'No connection established',
    });
    expect(fabricErrorText(error)).toBe('Error: 14 UNAVAILABLE: No connection established');
    expect(fabricErrorText(Object.assign(new Error('2 UNKNOWN'), { details: 'join failed: block 0' }))).toBe(
      'Error: 2 UNKNOWN join failed: block 0',
    );
  });

  it('turns anything else thrown into its text', () => {
    expect(fabricErrorText('plain')).toBe('plain');
    expect(fabricErrorText(undefined)).toBe('undefined');
    expect(fabricErrorText(null)).toBe('null');
  });
});
