/**
 * Which MedicalProviders found a network's channel: those the EmrNetwork names in spec.foundingMembers (by MSP ID)
 * that reference this network. Pure, so the rules are unit-tested; the reconciler reads their admin Secrets.
 */
import type { configtx } from '@emr/network';
import type { MedicalProvider } from '../api/medical-provider';

export interface NetworkRef {
  readonly name: string;
  readonly namespace: string;
  readonly channel: string;
}

export interface FounderMatch {
  /** One provider per founding MSP ID, in spec order. */
  readonly found: readonly MedicalProvider[];
  /** Founding MSP IDs no live MedicalProvider of this network declares. */
  readonly missing: readonly string[];
  /** Founding MSP IDs that more than one MedicalProvider declares (ambiguous: the operator will not choose). */
  readonly ambiguous: readonly string[];
}

export function joinsNetwork(provider: MedicalProvider, network: NetworkRef): boolean {
  const ref = provider.spec.network;
  return ref.name === network.name && ref.namespace === network.namespace && ref.channel === network.channel;
}

export function matchFounders(
  network: NetworkRef,
  foundingMembers: readonly string[],
  providers: readonly MedicalProvider[],
): FounderMatch {
  const candidates = providers.filter(
    (p) => p.metadata.deletionTimestamp === undefined && joinsNetwork(p, network),
  );
  const found: MedicalProvider[] = [];
  const missing: string[] = [];
  const ambiguous: string[] = [];
  for (const mspId of foundingMembers) {
    const matches = candidates.filter((p) => p.spec.mspId === mspId);
    const [only] = matches;
    if (matches.length > 1) ambiguous.push(mspId);
    else if (only) found.push(only);
    else missing.push(mspId);
  }
  return { found, missing, ambiguous };
}

/** What a person reads while founders are not all there. */
export function describeMissingFounders(match: FounderMatch, network: NetworkRef): string | undefined {
  const parts: string[] = [];
  if (match.missing.length > 0) {
    parts.push(
      `no MedicalProvider with spec.mspId ${match.missing.join(', ')} references EmrNetwork ` +
        `${network.namespace}/${network.name}: apply ${match.missing.length === 1 ? 'it' : 'them'}`,
    );
  }
  if (match.ambiguous.length > 0) {
    parts.push(`more than one MedicalProvider declares ${match.ambiguous.join(', ')}: delete the extra ones`);
  }
  return parts.length === 0 ? undefined : parts.join('; ');
}

export interface Consenter {
  readonly host: string;
  readonly port: number;
  /** The TLS certificate the orderer presents (server and client alike: one enrolled TLS identity). */
  readonly certificate: string;
}

export interface Founder {
  readonly mspId: string;
  /** The root of the founder's CA: signs its identities and its TLS certificates. */
  readonly root: string;
  readonly anchorPeers: readonly configtx.AnchorPeer[];
}

/** The genesis block's definition: the ordering org with its Raft consenters and the founders as members. */
export function genesisDefinition(input: {
  readonly channel: string;
  readonly ordererMspId: string;
  readonly ordererRoot: string;
  readonly consenters: readonly Consenter[];
  readonly founders: readonly Founder[];
  /** Signatures needed to admit a provider (the Application Admins rule). @default 'MAJORITY' */
  readonly membershipPolicy?: configtx.ImplicitMetaRule;
}): configtx.ChannelDefinition {
  if (input.consenters.length === 0) throw new Error('a channel needs at least one consenter');
  if (input.founders.length === 0) throw new Error('a channel needs at least one founding member');
  return {
    channelId: input.channel,
    ordererOrganizations: [
      {
        mspId: input.ordererMspId,
        rootCertificates: [input.ordererRoot],
        tlsRootCertificates: [input.ordererRoot],
        nodeOUs: true,
        ordererEndpoints: input.consenters.map((c) => `${c.host}:${c.port}`),
      },
    ],
    consenters: input.consenters.map((c) => ({
      host: c.host,
      port: c.port,
      clientTlsCertificate: c.certificate,
      serverTlsCertificate: c.certificate,
    })),
    applicationOrganizations: input.founders.map((f) => ({
      mspId: f.mspId,
      rootCertificates: [f.root],
      tlsRootCertificates: [f.root],
      nodeOUs: true,
      anchorPeers: f.anchorPeers,
    })),
    applicationAdmins: input.membershipPolicy ?? 'MAJORITY',
  };
}
