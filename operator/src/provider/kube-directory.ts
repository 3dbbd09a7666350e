/**
 * The network as the operator sees it in Kubernetes: the EmrNetwork a provider references, and the other
 * MedicalProviders of the same network — their consent policies, approvals and admin identities.
 */
import type { Identity } from '@emr/network';
import { APPROVE_ANNOTATION, type MedicalProvider } from '../api/medical-provider';
import { DEFAULT_ENDORSEMENT_POLICY, EMR_NETWORKS, type EmrNetworkObject } from '../api/resources';
import type { KubeClient } from '../kube/client';
import { channelCreated } from '../network/channel-state';
import { readSecret } from '../kube/secret-store';
import { resourcePath } from '../kube/types';
import type { Member, MemberDirectory, NetworkResolver } from '../runtime/types';
import { parseApprovals } from './consent';
import { ADMIN_KEYS, names } from './names';

function sameNetwork(a: MedicalProvider, b: MedicalProvider): boolean {
  const x = a.spec.network;
  const y = b.spec.network;
  return x.name === y.name && x.namespace === y.namespace && x.channel === y.channel;
}

/** Members from the providers the operator watches (`providers()`: its informer cache). */
export function newKubeMemberDirectory(
  client: KubeClient,
  providers: () => readonly MedicalProvider[],
  self: MedicalProvider,
): MemberDirectory {
  const toMember = (provider: MedicalProvider): Member => ({
    mspId: provider.spec.mspId,
    consent: provider.spec.consentPolicy,
    approvals: parseApprovals(provider.metadata.annotations?.[APPROVE_ANNOTATION]),
    resource: provider,
    async admin(): Promise<Identity | { unavailable: string }> {
      const { namespace, name } = provider.metadata;
      const secretName = names.adminSecret(name);
      const data = await readSecret(client, namespace, secretName);
      const certificate = data?.[ADMIN_KEYS.certificate];
      const privateKey = data?.[ADMIN_KEYS.privateKey];
      if (certificate === undefined || privateKey === undefined) {
        return { unavailable: `its admin identity (Secret ${namespace}/${secretName}) is not enrolled yet` };
      }
      return { mspId: provider.spec.mspId, certificate, privateKey };
    },
  });
  const list = (): Member[] =>
    providers()
      .filter((p) => p.metadata.uid !== self.metadata.uid && p.metadata.deletionTimestamp === undefined)
      .filter((p) => sameNetwork(p, self))
      .map(toMember);
  return {
    list: () => Promise.resolve(list()),
    member: (mspId) => Promise.resolve(list().find((m) => m.mspId === mspId)),
  };
}

export function newKubeNetworkResolver(client: KubeClient): NetworkResolver {
  return {
    async resolve(provider) {
      const { name, namespace, channel } = provider.spec.network;
      const network = await client.get<EmrNetworkObject>(resourcePath(EMR_NETWORKS, { namespace, name }));
      if (!network) {
        return {
          unavailable: `EmrNetwork ${namespace}/${name} (spec.network) does not exist: create it, or correct spec.network`,
        };
      }
      const created = channelCreated(network);
      return {
        channel,
        endorsementPolicyReference: network.spec?.chaincode?.endorsementPolicy ?? DEFAULT_ENDORSEMENT_POLICY,
        ...(created === undefined ? {} : { channelCreated: created }),
      };
    },
  };
}
