import { createHash } from 'node:crypto';
import { deterministicTarGz } from './tar';

/**
 * connection.json of a chaincode-as-a-service package. Values may hold Go text/template references such as
 * `{{.address}}`, filled per peer by the external builder from CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG, so that one
 * package (one package ID) serves every org, each peer dialing its own org's chaincode server.
 */
export interface ConnectionTemplate {
  readonly address: string;
  readonly dial_timeout: string;
  readonly tls_required: boolean;
  readonly client_auth_required: boolean;
  readonly root_cert?: string;
  readonly client_cert?: string;
  readonly client_key?: string;
}

/** The template our peers use: mutual TLS, everything else from the builder config. */
export const MUTUAL_TLS_CONNECTION: ConnectionTemplate = {
  address: '{{.address}}',
  dial_timeout: '10s',
  tls_required: true,
  client_auth_required: true,
  root_cert: '{{.root_cert}}',
  client_cert: '{{.client_cert}}',
  client_key: '{{.client_key}}',
};

export interface ChaincodePackage {
  readonly label: string;
  /** `label:` + hex SHA-256 of the package bytes, as the peer computes it. */
  readonly packageId: string;
  readonly bytes: Buffer;
}

const LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;

/** Builds a `ccaas` package: metadata.json plus code.tar.gz holding connection.json. Same input, same bytes. */
export function packageChaincodeAsService(label: string, connection: ConnectionTemplate): ChaincodePackage {
  if (!LABEL_PATTERN.test(label)) {
    throw new RangeError(`invalid chaincode label "${label}": must match ${LABEL_PATTERN.source}`);
  }
  const code = deterministicTarGz([
    { name: 'connection.json', content: Buffer.from(JSON.stringify(connection)) },
  ]);
  const metadata = Buffer.from(JSON.stringify({ type: 'ccaas', label }));
  const bytes = deterministicTarGz([
    { name: 'metadata.json', content: metadata },
    { name: 'code.tar.gz', content: code },
  ]);
  return { label, packageId: `${label}:${createHash('sha256').update(bytes).digest('hex')}`, bytes };
}
