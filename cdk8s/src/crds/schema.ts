/**
 * Small builders for structural OpenAPI v3 schemas (apiextensions.k8s.io/v1): every node typed, descriptions on
 * every field, so that `kubectl explain` documents the resources.
 */
export type Schema = Record<string, unknown>;

export function obj(description: string, properties: Record<string, Schema>, extra: Schema = {}): Schema {
  return { type: 'object', description, properties, ...extra };
}

export function str(description: string, extra: Schema = {}): Schema {
  return { type: 'string', description, ...extra };
}

export function int(description: string, extra: Schema = {}): Schema {
  return { type: 'integer', description, ...extra };
}

export function arr(description: string, items: Schema, extra: Schema = {}): Schema {
  return { type: 'array', description, items, ...extra };
}

/** A CEL rule with the message users see when it fails. */
export function rule(expression: string, message: string, extra: Schema = {}): Schema {
  return { rule: expression, message, ...extra };
}

/** A Kubernetes quantity such as `10Gi`. */
export function quantity(description: string, defaultValue: string): Schema {
  return str(description, {
    pattern: '^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$',
    default: defaultValue,
  });
}

export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

/** A reference to a key of a Secret in the resource's namespace — the only way secrets enter a spec. */
export function secretKeyRef(description: string, defaultKey: string): Schema {
  return obj(
    `${description} Only a reference: the value stays in the Secret.`,
    {
      name: str('Name of the Secret in the same namespace.', { pattern: DNS_LABEL_PATTERN, maxLength: 253 }),
      key: str('Key in the Secret.', { default: defaultKey, maxLength: 253 }),
    },
    { required: ['name'] },
  );
}

export function secretRef(description: string): Schema {
  return obj(
    `${description} Only a reference: the values stay in the Secret.`,
    {
      name: str('Name of the Secret in the same namespace.', { pattern: DNS_LABEL_PATTERN, maxLength: 253 }),
    },
    { required: ['name'] },
  );
}

export function image(description: string): Schema {
  return obj(
    description,
    {
      repository: str('Image repository, e.g. `hyperledger/fabric-peer`.', { minLength: 1, maxLength: 255 }),
      tag: str('Tag or `sha256:` digest.', { minLength: 1, maxLength: 128 }),
    },
    { required: ['repository', 'tag'] },
  );
}

/** metav1.Condition, as the API conventions define it. */
export const CONDITION: Schema = obj(
  'One aspect of the current state (metav1.Condition).',
  {
    type: str('CamelCase condition type, e.g. Ready.', {
      maxLength: 316,
      pattern:
        '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
    }),
    status: str('True, False or Unknown.', { enum: ['True', 'False', 'Unknown'] }),
    observedGeneration: int('The .metadata.generation the condition was set for.', {
      format: 'int64',
      minimum: 0,
    }),
    lastTransitionTime: str('When the status last changed.', { format: 'date-time' }),
    reason: str('CamelCase reason of the last transition.', {
      minLength: 1,
      maxLength: 1024,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
    }),
    message: str('What happened and what a person can do about it.', { maxLength: 32768 }),
  },
  { required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] },
);

export function conditions(description: string): Schema {
  return arr(description, CONDITION, {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
    maxItems: 32,
  });
}
