import type { Gateway } from '@hyperledger/fabric-gateway';
import type { DevnetDescription } from '../../src/devnet/network-file';

/** A transaction that writes something and a query that checks it is visible on a given org's peer. */
export interface ChaincodeProbe {
  write(endorsingOrganizations?: readonly string[]): Promise<string>;
  read(written: string, onOrganization: string): Promise<boolean>;
}

export function chaincodeProbe(gateway: Gateway, description: DevnetDescription): ChaincodeProbe {
  const contract = gateway.getNetwork(description.channel).getContract(description.chaincode);
  return {
    async write(endorsingOrganizations) {
      const key = `probe-${Date.now()}-${Math.random().toString(16).slice(2)}`;
      await contract.submit('Put', {
        arguments: [key, 'ok'],
        ...(endorsingOrganizations ? { endorsingOrganizations: [...endorsingOrganizations] } : {}),
      });
      return key;
    },
    async read(written, onOrganization) {
      const value = await contract.evaluate('Get', {
        arguments: [written],
        endorsingOrganizations: [onOrganization],
      });
      return Buffer.from(value).toString() === 'ok';
    },
  };
}
