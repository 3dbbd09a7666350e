import type { Gateway } from '@hyperledger/fabric-gateway';
import { peer } from '@hyperledger/fabric-protos';
import { fabricErrorText } from '../fabric-error-text';

const lifecycle = peer.lifecycle;

/** A chaincode definition as the channel's members approve and commit it. */
export interface ChaincodeDefinition {
  readonly name: string;
  readonly version: string;
  readonly sequence: number;
  /** Package this org's peers run; not part of what other orgs must agree on. */
  readonly packageId: string;
  /** Endorsement policy: a reference to a channel policy, e.g. `/Channel/Application/Endorsement`. */
  readonly endorsementPolicyReference: string;
}

export interface CommittedDefinition {
  readonly sequence: number;
  readonly version: string;
  /** MSP ID → whether that org approved the committed definition. */
  readonly approvals: Readonly<Record<string, boolean>>;
}

/**
 * Channel-level lifecycle steps through the Gateway service, signed by an org admin connected to its own org's peer.
 * Each step is idempotent, so an interrupted bring-up or reconcile can simply run again.
 */
export interface ChaincodeLifecycle {
  /** Approves the definition for the admin's org; 'already-approved' when it had. */
  approveForMyOrg(definition: ChaincodeDefinition): Promise<'approved' | 'already-approved'>;
  /** MSP ID → whether that org has approved exactly this definition. */
  commitReadiness(definition: ChaincodeDefinition): Promise<Record<string, boolean>>;
  /** Commits the definition once enough orgs approved; 'already-committed' when this sequence is. */
  commit(definition: ChaincodeDefinition): Promise<'committed' | 'already-committed'>;
  /** The committed definition of a chaincode, or undefined when none is. */
  queryCommitted(name: string): Promise<CommittedDefinition | undefined>;
}

export function newChaincodeLifecycle(gateway: Gateway, channelId: string): ChaincodeLifecycle {
  const contract = gateway.getNetwork(channelId).getContract('_lifecycle');
  const mspId = gateway.getIdentity().mspId;

  const queryCommitted = async (name: string): Promise<CommittedDefinition | undefined> => {
    const args = new lifecycle.QueryChaincodeDefinitionArgs();
    args.setName(name);
    try {
      const result = lifecycle.QueryChaincodeDefinitionResult.deserializeBinary(
        await contract.evaluate('QueryChaincodeDefinition', { arguments: [args.serializeBinary()] }),
      );
      return {
        sequence: result.getSequence(),
        version: result.getVersion(),
        approvals: Object.fromEntries(result.getApprovalsMap().toArray()),
      };
    } catch (err) {
      if (isNotFound(err)) {
        return undefined;
      }
      throw err;
    }
  };

  const commitReadiness = async (definition: ChaincodeDefinition): Promise<Record<string, boolean>> => {
    const args = new lifecycle.CheckCommitReadinessArgs();
    fillDefinition(args, definition);
    const result = lifecycle.CheckCommitReadinessResult.deserializeBinary(
      await contract.evaluate('CheckCommitReadiness', { arguments: [args.serializeBinary()] }),
    );
    return Object.fromEntries(result.getApprovalsMap().toArray());
  };

  const approvedPackageId = async (definition: ChaincodeDefinition): Promise<string | undefined> => {
    const args = new lifecycle.QueryApprovedChaincodeDefinitionArgs();
    args.setName(definition.name);
    args.setSequence(definition.sequence);
    try {
      const result = lifecycle.QueryApprovedChaincodeDefinitionResult.deserializeBinary(
        await contract.evaluate('QueryApprovedChaincodeDefinition', { arguments: [args.serializeBinary()] }),
      );
      return result.getSource()?.getLocalPackage()?.getPackageId();
    } catch (err) {
      if (isNotFound(err)) {
        return undefined;
      }
      throw err;
    }
  };

  return {
    queryCommitted,
    commitReadiness,
    async approveForMyOrg(definition) {
      // An org that joins after the commit approves the committed sequence too: that maps the package to its peers.
      if ((await approvedPackageId(definition)) === definition.packageId) {
        return 'already-approved';
      }
      const args = new lifecycle.ApproveChaincodeDefinitionForMyOrgArgs();
      fillDefinition(args, definition);
      const local = new lifecycle.ChaincodeSource.Local();
      local.setPackageId(definition.packageId);
      const source = new lifecycle.ChaincodeSource();
      source.setLocalPackage(local);
      args.setSource(source);
      // The approval is written to the org's implicit collection: only the org's own peers may endorse it.
      await contract.submit('ApproveChaincodeDefinitionForMyOrg', {
        arguments: [args.serializeBinary()],
        endorsingOrganizations: [mspId],
      });
      return 'approved';
    },
    async commit(definition) {
      const committed = await queryCommitted(definition.name);
      if (committed && committed.sequence >= definition.sequence) {
        return 'already-committed';
      }
      const args = new lifecycle.CommitChaincodeDefinitionArgs();
      fillDefinition(args, definition);
      await contract.submit('CommitChaincodeDefinition', { arguments: [args.serializeBinary()] });
      return 'committed';
    },
  };
}

interface DefinitionArgs {
  setName(value: string): void;
  setVersion(value: string): void;
  setSequence(value: number): void;
  setEndorsementPlugin(value: string): void;
  setValidationPlugin(value: string): void;
  setValidationParameter(value: Uint8Array): void;
  setInitRequired(value: boolean): void;
}

function fillDefinition(args: DefinitionArgs, definition: ChaincodeDefinition): void {
  args.setName(definition.name);
  args.setVersion(definition.version);
  args.setSequence(definition.sequence);
  args.setEndorsementPlugin('escc');
  args.setValidationPlugin('vscc');
  const policy = new peer.ApplicationPolicy();
  policy.setChannelConfigPolicyReference(definition.endorsementPolicyReference);
  args.setValidationParameter(policy.serializeBinary());
  args.setInitRequired(false);
}

function isNotFound(err: unknown): boolean {
  const text = fabricErrorText(err);
  return /namespace \S+ is not defined|could not be found|could not fetch approved/.test(text);
}
