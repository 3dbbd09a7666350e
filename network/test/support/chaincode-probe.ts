import { randomBytes } from 'node:crypto';
import type { Gateway } from '@hyperledger/fabric-gateway';
import type { DevnetDescription } from '../../src/devnet/network-file';

/**
 * A write and a read of the EMR chaincode, used to prove that a network transacts: a healthcenter user creates an
 * EMR (demographics as transient data, endorsed by its own org) and then finds the patient registered.
 */
export interface ChaincodeProbe {
  /** Creates an EMR for a new patient; returns the patient id. */
  write(): Promise<string>;
  /** Whether the caller's provider has an EMR for the patient, evaluated on its own peer. */
  read(patientId: string): Promise<boolean>;
}

export function chaincodeProbe(gateway: Gateway, description: DevnetDescription): ChaincodeProbe {
  const contract = gateway.getNetwork(description.channel).getContract(description.chaincode, 'HealthCenter');
  const ownOrg = [gateway.getIdentity().mspId];
  return {
    async write() {
      const patientId = `p${randomBytes(6).toString('hex')}`;
      const patient = { patientId, name: 'Test Patient', birthDate: '1980-01-31' };
      await contract.submit('CreateEmr', {
        transientData: { patient: JSON.stringify(patient) },
        endorsingOrganizations: ownOrg,
      });
      return patientId;
    },
    async read(patientId) {
      const result = await contract.evaluate('CheckIsPatientRegistered', {
        transientData: { patientId },
        endorsingOrganizations: ownOrg,
      });
      return JSON.parse(Buffer.from(result).toString()) === true;
    },
  };
}
