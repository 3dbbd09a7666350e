import { API_GROUP } from '../conventions';
import { arr, conditions, image, int, obj, quantity, rule, secretKeyRef, str, type Schema } from './schema';

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
          pattern: '^[A-Za-z][A-Za-z0-9.-]{0,62}$',
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
    membershipPolicy: str(
      'Signatures needed to admit a provider: MAJORITY of member admins (Fabric default), ALL, or ANY.',
      { enum: ['MAJORITY', 'ALL', 'ANY'], default: 'MAJORITY' },
    ),
  },
  {
    required: ['ordererOrg'],
    'x-kubernetes-validations': [rule('self.channel == oldSelf.channel', 'channel is immutable')],
  },
);

const status: Schema = obj('What the operator observed.', {
  observedGeneration: int('The .metadata.generation last reconciled.', { format: 'int64', minimum: 0 }),
  phase: str('Summary.', { enum: ['Pending', 'Provisioning', 'Ready', 'Failed'] }),
  members: arr("MSP IDs of the channel's application orgs.", str('MSP ID.'), {
    'x-kubernetes-list-type': 'set',
  }),
  height: int('Block height of the channel on the ordering service.', { format: 'int64', minimum: 0 }),
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
            { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
            { name: 'Height', type: 'integer', jsonPath: '.status.height' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
        },
      ],
    },
  };
}
