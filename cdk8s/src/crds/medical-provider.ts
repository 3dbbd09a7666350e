import { API_GROUP } from '../conventions';
import {
  arr,
  conditions,
  DNS_LABEL_PATTERN,
  image,
  int,
  obj,
  quantity,
  rule,
  secretKeyRef,
  secretRef,
  str,
  type Schema,
} from './schema';

export const MEDICAL_PROVIDER = {
  group: API_GROUP,
  version: 'v1alpha1',
  kind: 'MedicalProvider',
  plural: 'medicalproviders',
  singular: 'medicalprovider',
  shortNames: ['mp', 'medprov'],
  categories: ['emr', 'fabric'],
} as const;

/** Fabric MSP IDs as configtx accepts them, kept conservative. */
const MSP_ID_PATTERN = '^[A-Za-z][A-Za-z0-9.-]{0,62}$';
/** Fabric channel names. */
const CHANNEL_PATTERN = '^[a-z][a-z0-9.-]{0,248}$';

const storage = (what: string, size: string): Schema =>
  obj(
    `Persistent volume of ${what}.`,
    {
      size: quantity('Requested size.', size),
      storageClassName: str('StorageClass; the cluster default when omitted.', { maxLength: 253 }),
    },
    { default: {} },
  );

const spec: Schema = obj(
  'What a platform engineer decides about a provider. Secrets appear only as references to Secrets in the ' +
    "provider's namespace.",
  {
    mspId: str('Fabric MSP ID of the provider, e.g. `Provider3MSP`. Immutable.', {
      pattern: MSP_ID_PATTERN,
      'x-kubernetes-validations': [
        rule('self == oldSelf', 'mspId is immutable: create a new MedicalProvider'),
      ],
    }),
    displayName: str('Name people read, e.g. `St. Mary Hospital`.', { minLength: 1, maxLength: 128 }),
    network: obj(
      'The network and channel to join.',
      {
        name: str('Name of the EmrNetwork resource.', { pattern: DNS_LABEL_PATTERN, maxLength: 63 }),
        namespace: str('Namespace of the EmrNetwork.', { pattern: DNS_LABEL_PATTERN, maxLength: 63 }),
        channel: str('Channel to join.', { pattern: CHANNEL_PATTERN, default: 'emr' }),
      },
      {
        required: ['name', 'namespace'],
        'x-kubernetes-validations': [
          rule(
            'self.channel == oldSelf.channel',
            'network.channel is immutable: a provider joins one channel',
          ),
        ],
      },
    ),
    peers: obj(
      "The provider's peers.",
      {
        replicas: int('Number of peers.', { minimum: 1, maximum: 9, default: 1 }),
        storage: storage('each peer (ledger)', '10Gi'),
      },
      { default: {} },
    ),
    ca: obj(
      "The provider's Fabric CA.",
      {
        storage: storage('the CA (registry, keys)', '1Gi'),
        registrarSecretRef: secretKeyRef("Password of the CA's bootstrap registrar.", 'secret'),
      },
      { required: ['registrarSecretRef'] },
    ),
    chaincode: obj(
      'The chaincode the provider serves (chaincode as a service) and approves.',
      {
        name: str('Chaincode name.', { pattern: '^[A-Za-z0-9_-]{1,64}$', default: 'emr' }),
        version: str('Version; changing it upgrades the chaincode (next sequence).', {
          pattern: '^[A-Za-z0-9_.+-]{1,64}$',
          default: '1.0',
        }),
        image: image('Image of the chaincode server; the operator default when omitted.'),
      },
      { default: {} },
    ),
    gateway: obj(
      "The provider's REST gateway.",
      {
        replicas: int('Replicas: 0 (no gateway) or 1 (users live in SQLite on one ReadWriteOnce volume).', {
          minimum: 0,
          maximum: 1,
          default: 1,
        }),
        hostname: str('Public host name; exposes the gateway through `exposure`.', {
          maxLength: 253,
          pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?\\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
        }),
        exposure: str('How `hostname` is served: an Ingress, a Gateway API HTTPRoute, or not at all.', {
          enum: ['None', 'Ingress', 'HTTPRoute'],
          default: 'None',
        }),
        keysSecretRef: secretRef(
          "Secret with `jwt-key` (token signing) and `key-encryption-key` (users' keys at rest).",
        ),
        storage: storage('the user database', '1Gi'),
        image: image('Image of the gateway; the operator default when omitted.'),
      },
      {
        default: {},
        'x-kubernetes-validations': [
          rule(
            "!has(self.exposure) || self.exposure == 'None' || has(self.hostname)",
            'gateway.hostname is required when gateway.exposure is Ingress or HTTPRoute',
          ),
        ],
      },
    ),
    images: obj('Fabric images; the operator defaults (Fabric 3.1.1, CA 1.5.21) when omitted.', {
      ca: image('Fabric CA image.'),
      peer: image('Fabric peer image (with the ccaas builder).'),
    }),
    imagePullPolicy: str('Pull policy of every image.', {
      enum: ['Always', 'IfNotPresent', 'Never'],
      default: 'IfNotPresent',
    }),
    consentPolicy: obj(
      'Whether this provider, once a member, signs the channel updates that admit other providers.',
      {
        mode: str(
          'Automatic: sign for every new provider; AllowList: only for `allowedMspIds`; Manual: only when an ' +
            'admin approves the proposal.',
          { enum: ['Automatic', 'AllowList', 'Manual'], default: 'Manual' },
        ),
        allowedMspIds: arr('MSP IDs admitted under AllowList.', str('MSP ID.', { pattern: MSP_ID_PATTERN }), {
          maxItems: 64,
          'x-kubernetes-list-type': 'set',
        }),
      },
      {
        default: {},
        'x-kubernetes-validations': [
          rule(
            "!has(self.mode) || self.mode != 'AllowList' || (has(self.allowedMspIds) && size(self.allowedMspIds) > 0)",
            'consentPolicy.allowedMspIds must list at least one MSP ID when mode is AllowList',
          ),
          rule(
            "(has(self.mode) && self.mode == 'AllowList') || !has(self.allowedMspIds) || size(self.allowedMspIds) == 0",
            'consentPolicy.allowedMspIds is only used with mode AllowList',
          ),
        ],
      },
    ),
  },
  { required: ['mspId', 'displayName', 'network', 'ca'] },
);

const status: Schema = obj('What the operator observed; written only by the operator.', {
  observedGeneration: int('The .metadata.generation last reconciled.', { format: 'int64', minimum: 0 }),
  phase: str('Summary of where onboarding stands.', {
    enum: [
      'Pending',
      'Provisioning',
      'Enrolling',
      'AwaitingApproval',
      'JoiningChannel',
      'DeployingChaincode',
      'Ready',
      'Failed',
      'Deleting',
    ],
  }),
  channel: str('Channel the provider is a member of.'),
  joined: str('Peers joined to the channel, `n/m`.', { pattern: '^[0-9]+/[0-9]+$' }),
  signatures: str(
    'Signatures collected for the admitting channel update, `k/n`: k collected of the n the channel admin policy requires.',
    {
      pattern: '^[0-9]+/[0-9]+$',
    },
  ),
  signedBy: arr('MSP IDs of the members that signed the admitting update.', str('MSP ID.'), {
    'x-kubernetes-list-type': 'set',
  }),
  chaincode: obj('The chaincode as approved and committed.', {
    name: str('Chaincode name.'),
    version: str('Chaincode version.'),
    sequence: int('Committed definition sequence.', { format: 'int64', minimum: 0 }),
    packageId: str('Package ID installed on the peers.'),
    summary: str('`name:sequence`, for the printer column.'),
  }),
  conditions: conditions(
    'Ready, and one condition per step: CAReady, IdentitiesEnrolled, PeersReady, ChannelMembershipApproved, ' +
      'ChannelUpdated, ChannelJoined, ChaincodeApproved, ChaincodeCommitted, ProviderInitialized, GatewayReady.',
  ),
});

export const MEDICAL_PROVIDER_SCHEMA: Schema = obj(
  'A medical provider of the EMR network: its CA, peers, chaincode server and gateway, and its membership of ' +
    'the channel.',
  {
    apiVersion: str('API version.'),
    kind: str('Kind.'),
    metadata: { type: 'object' },
    spec,
    status,
  },
  { required: ['spec'] },
);

/** The CustomResourceDefinition, as installed by the operator chart. */
export function medicalProviderCrd(): Record<string, unknown> {
  const m = MEDICAL_PROVIDER;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${m.plural}.${m.group}` },
    spec: {
      group: m.group,
      scope: 'Namespaced',
      names: {
        kind: m.kind,
        listKind: `${m.kind}List`,
        plural: m.plural,
        singular: m.singular,
        shortNames: [...m.shortNames],
        categories: [...m.categories],
      },
      versions: [
        {
          name: m.version,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema: MEDICAL_PROVIDER_SCHEMA },
          additionalPrinterColumns: [
            { name: 'MSP ID', type: 'string', jsonPath: '.spec.mspId' },
            { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
            { name: 'Channel', type: 'string', jsonPath: '.spec.network.channel' },
            { name: 'Joined', type: 'string', jsonPath: '.status.joined' },
            { name: 'Chaincode', type: 'string', jsonPath: '.status.chaincode.summary' },
            { name: 'Sigs', type: 'string', jsonPath: '.status.signatures' },
            {
              name: 'Ready',
              type: 'string',
              jsonPath: '.status.conditions[?(@.type=="Ready")].status',
              priority: 1,
            },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
        },
      ],
    },
  };
}
