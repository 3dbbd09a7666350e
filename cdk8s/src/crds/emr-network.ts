import { API_GROUP } from '../conventions';
import { arr, conditions, image, int, obj, quantity, rule, secretKeyRef, str, type Schema } from './schema';

const MSP_ID = '^[A-Za-z][A-Za-z0-9.-]{0,62}$';

export const EMR_NETWORK = {
  group: API_GROUP,
  version: 'v1alpha1',
  kind: 'EmrNetwork',
  plural: 'emrnetworks',
  singular: 'emrnetwork',
  shortNames: ['emrnet'],
  categories: ['emr', 'fabric'],
} as const;

const spec: Schema = obj(
  "The ordering service and the channel that MedicalProviders join. Lives in the ordering org's namespace.",
  {
    channel: str('Channel ID.', { pattern: '^[a-z][a-z0-9.-]{0,248}$', default: 'emr' }),
    ordererOrg: obj(
      'The ordering org.',
      {
        mspId: str('MSP ID of the ordering org.', {
          pattern: MSP_ID,
          default: 'OrdererMSP',
        }),
        caRegistrarSecretRef: secretKeyRef(
          "Password of the ordering org CA's bootstrap registrar.",
          'secret',
        ),
      },
      { required: ['caRegistrarSecretRef'] },
    ),
    orderers: obj(
      'The Raft ordering service.',
      {
        replicas: int('Raft consenters: odd, 3 tolerates one failure, 5 two.', {
          minimum: 1,
          maximum: 7,
          default: 3,
        }),
        storage: obj(
          'Volume of each orderer.',
          {
            size: quantity('Requested size.', '10Gi'),
            storageClassName: str('StorageClass; the cluster default when omitted.'),
          },
          { default: {} },
        ),
        image: image('Fabric orderer image; the operator default when omitted.'),
      },
      {
        default: {},
        'x-kubernetes-validations': [
          rule('!has(self.replicas) || self.replicas % 2 == 1', 'orderers.replicas must be odd for Raft'),
        ],
      },
    ),
    chaincode: obj(
      'The chaincode every member runs.',
      {
        name: str('Chaincode name.', { pattern: '^[A-Za-z0-9_-]{1,64}$', default: 'emr' }),
        endorsementPolicy: str('Channel policy reference the chaincode definition uses.', {
          default: '/Channel/Application/AnyEndorsement',
        }),
      },
      { default: {} },
    ),
    foundingMembers: arr(
      'MSP IDs of the MedicalProviders that form the channel: the genesis block names them once each has its CA ' +
        'and admin enrolled. Every later provider joins by a channel update its members sign.',
      str('MSP ID of a founding MedicalProvider.', { pattern: MSP_ID }),
      { minItems: 1, maxItems: 16, 'x-kubernetes-list-type': 'set' },
    ),
    membershipPolicy: str(
      'Signatures needed to admit a provider: MAJORITY of member admins (Fabric default), ALL, or ANY. Written ' +
        "into the genesis block as the rule of the application orgs' Admins policy; immutable.",
      { enum: ['MAJORITY', 'ALL', 'ANY'], default: 'MAJORITY' },
    ),
  },
  {
    required: ['ordererOrg', 'foundingMembers'],
    'x-kubernetes-validations': [
      rule('self.channel == oldSelf.channel', 'channel is immutable'),
      rule(
        '!has(oldSelf.membershipPolicy) || self.membershipPolicy == oldSelf.membershipPolicy',
        'membershipPolicy is immutable: it is part of the genesis block',
      ),
      rule(
        'self.foundingMembers == oldSelf.foundingMembers',
        'foundingMembers is immutable: the genesis block is written once; later providers join by channel updates',
      ),
    ],
  },
);

const status: Schema = obj('What the operator observed.', {
  observedGeneration: int('The .metadata.generation last reconciled.', { format: 'int64', minimum: 0 }),
  phase: str('Summary.', { enum: ['Pending', 'Provisioning', 'Ready', 'Failed'] }),
  members: arr("MSP IDs of the channel's application orgs.", str('MSP ID.'), {
    'x-kubernetes-list-type': 'set',
  }),
  height: int('Block height of the channel on the ordering service.', { format: 'int64', minimum: 0 }),
  ordererEndpoints: arr(
    'host:port of each orderer, as the channel config lists them.',
    str('Orderer endpoint.'),
    { 'x-kubernetes-list-type': 'atomic' },
  ),
  conditions: conditions('Ready, OrderersReady, ChannelCreated.'),
});

export function emrNetworkCrd(): Record<string, unknown> {
  const n = EMR_NETWORK;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${n.plural}.${n.group}` },
    spec: {
      group: n.group,
      scope: 'Namespaced',
      names: {
        kind: n.kind,
        listKind: `${n.kind}List`,
        plural: n.plural,
        singular: n.singular,
        shortNames: [...n.shortNames],
        categories: [...n.categories],
      },
      versions: [
        {
          name: n.version,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: obj(
              'An EMR network: ordering service and channel.',
              {
                apiVersion: str('API version.'),
                kind: str('Kind.'),
                metadata: { type: 'object' },
                spec,
                status,
              },
              { required: ['spec'] },
            ),
          },
          additionalPrinterColumns: [
            { name: 'Channel', type: 'string', jsonPath: '.spec.channel' },
            { name: 'Orderers', type: 'integer', jsonPath: '.spec.orderers.replicas' },
            { name: 'Founders', type: 'string', jsonPath: '.spec.foundingMembers', priority: 1 },
            { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
            { name: 'Members', type: 'string', jsonPath: '.status.members' },
            { name: 'Height', type: 'integer', jsonPath: '.status.height' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
        },
      ],
    },
  };
}
