/**
 * The images of the EMR network, each described once (see description.ts). The Fabric images carry the binaries
 * `make tools` builds (Fabric 3.1.1, Fabric CA 1.5.21); the Node.js images the project's Node.js 24. Every image
 * runs as a non-root user and holds no build tools, keys or sample credentials (Fabric's sample MSP is left out).
 */
import { COREDNS_VERSION, PAUSE_IMAGE } from '../settings';
import type { ImageDescription, ImageFile } from './description';

export const NODE_VERSION = '24.21.0';
export const FABRIC_VERSION = '3.1.1';
export const FABRIC_CA_VERSION = '1.5.21';
export const CHAINCODE_VERSION = '0.1.0';
export const GATEWAY_VERSION = '0.1.0';
export const OPERATOR_VERSION = '0.1.0';
/** Our images' repository prefix: never pulled, always imported (imagePullPolicy Never or IfNotPresent). */
export const REPOSITORY = 'localhost/emr';
/** The non-root user of every image except pause and CoreDNS (which keep their upstream IDs). */
export const APP_USER = { uid: 10001, gid: 10001 } as const;

/** Where the images put things: what the charts' commands and mounts refer to. */
export const IMAGE_PATHS = {
  node: '/usr/local/bin/node',
  chaincodeModule: '/app',
  shimCli: '/app/node_modules/fabric-shim/cli.js',
  fabricConfig: '/etc/hyperledger/fabric',
  fabricState: '/var/hyperledger/production',
  ccaasBuilder: '/opt/hyperledger/ccaas_builder',
  caHome: '/var/hyperledger/fabric-ca-server',
} as const;

const BUILDER_COMMANDS = ['detect', 'build', 'release'] as const;
const APP_DIR = '/app';

/** A Node.js workspace at /app: its package.json, dist, and production node_modules (workspace deps packed). */
function workspaceFiles(workspace: string): ImageFile[] {
  return [
    { path: `${APP_DIR}/package.json`, source: { kind: 'repo', path: `${workspace}/package.json` } },
    { path: `${APP_DIR}/dist`, source: { kind: 'repo', path: `${workspace}/dist` } },
    { path: `${APP_DIR}/node_modules`, source: { kind: 'production-node-modules', workspace } },
  ];
}

/** Our chaincode-as-a-service builder (network/src/builder) where the stock peer image has Fabric's. */
function ccaasBuilderFiles(): ImageFile[] {
  const lib = `${IMAGE_PATHS.ccaasBuilder}/lib/ccaas-builder.js`;
  return [
    { path: lib, source: { kind: 'repo', path: 'network/dist/builder/ccaas-builder.js' } },
    ...BUILDER_COMMANDS.map((command): ImageFile => ({
      path: `${IMAGE_PATHS.ccaasBuilder}/bin/${command}`,
      source: { kind: 'text', content: `#!/bin/sh\nexec ${IMAGE_PATHS.node} ${lib} ${command} "$@"\n` },
      mode: 0o755,
    })),
  ];
}

export const IMAGES: readonly ImageDescription[] = [
  {
    name: 'pause',
    ref: PAUSE_IMAGE,
    title: 'Pod sandbox (Kubernetes pause.c, static)',
    version: '3.10.1',
    base: { kind: 'scratch' },
    files: [{ path: '/pause', source: { kind: 'pause' } }],
    user: { uid: 65535, gid: 65535 },
    entrypoint: ['/pause'],
  },
  {
    name: 'coredns',
    ref: `${REPOSITORY}/coredns:${COREDNS_VERSION}`,
    title: 'CoreDNS, the cluster DNS',
    version: COREDNS_VERSION,
    base: { kind: 'scratch' },
    files: [{ path: '/coredns', source: { kind: 'tool', name: 'coredns' } }],
    user: { uid: 65532, gid: 65532 },
    entrypoint: ['/coredns'],
    ports: ['1053/udp', '1053/tcp', '9153/tcp'],
  },
  {
    name: 'node',
    ref: `${REPOSITORY}/node:${NODE_VERSION}`,
    title: 'Node.js 24 on Debian 12 (tini as PID 1)',
    version: NODE_VERSION,
    base: { kind: 'debian', packages: ['tini'] },
    files: [{ path: IMAGE_PATHS.node, source: { kind: 'node' } }],
    user: APP_USER,
    env: { NODE_ENV: 'production' },
    entrypoint: ['/usr/bin/tini', '--'],
    cmd: ['node'],
  },
  {
    name: 'chaincode',
    ref: `${REPOSITORY}/chaincode:${CHAINCODE_VERSION}`,
    title: 'EMR chaincode served as a service (fabric-shim server)',
    version: CHAINCODE_VERSION,
    base: { kind: 'image', name: 'node' },
    files: workspaceFiles('chaincode'),
    workdir: APP_DIR,
    env: { CORE_MODULE_PATH: IMAGE_PATHS.chaincodeModule },
    cmd: [IMAGE_PATHS.node, IMAGE_PATHS.shimCli, 'server'],
    ports: ['7052/tcp'],
  },
  {
    name: 'gateway',
    ref: `${REPOSITORY}/gateway:${GATEWAY_VERSION}`,
    title: 'EMR REST gateway of one medical provider',
    version: GATEWAY_VERSION,
    base: { kind: 'image', name: 'node' },
    files: workspaceFiles('gateway'),
    workdir: APP_DIR,
    cmd: [IMAGE_PATHS.node, `${APP_DIR}/dist/server.js`],
    ports: ['8443/tcp'],
  },
  {
    name: 'operator',
    ref: `${REPOSITORY}/operator:${OPERATOR_VERSION}`,
    title: 'EMR operator and tools (the enroll init containers, the bootstrap Job)',
    version: OPERATOR_VERSION,
    base: { kind: 'image', name: 'node' },
    // Its workspace dependencies (@emr/cdk8s with the enroll CLI, @emr/network) are packed into node_modules.
    files: workspaceFiles('operator'),
    workdir: APP_DIR,
    cmd: [IMAGE_PATHS.node, `${APP_DIR}/dist/main.js`],
  },
  {
    name: 'fabric-peer',
    ref: `${REPOSITORY}/fabric-peer:${FABRIC_VERSION}`,
    title: 'Hyperledger Fabric peer with the EMR chaincode-as-a-service builder',
    version: FABRIC_VERSION,
    // Node.js runs our ccaas builder; the peer itself is a static Go binary.
    base: { kind: 'image', name: 'node' },
    files: [
      { path: '/usr/local/bin/peer', source: { kind: 'tool', name: 'peer' } },
      { path: `${IMAGE_PATHS.fabricConfig}/core.yaml`, source: { kind: 'fabric-config', path: 'core.yaml' } },
      ...ccaasBuilderFiles(),
      { path: IMAGE_PATHS.fabricState, source: { kind: 'empty-dir' }, owner: 'user' },
    ],
    env: {
      FABRIC_CFG_PATH: IMAGE_PATHS.fabricConfig,
      CORE_PEER_FILESYSTEMPATH: IMAGE_PATHS.fabricState,
      // No Docker: chaincode runs as a service through the external builder only.
      CORE_VM_ENDPOINT: '',
    },
    cmd: ['peer', 'node', 'start'],
    ports: ['7051/tcp', '9443/tcp'],
  },
  {
    name: 'fabric-orderer',
    ref: `${REPOSITORY}/fabric-orderer:${FABRIC_VERSION}`,
    title: 'Hyperledger Fabric orderer (Raft, channel participation API)',
    version: FABRIC_VERSION,
    base: { kind: 'debian', packages: ['tini'] },
    files: [
      { path: '/usr/local/bin/orderer', source: { kind: 'tool', name: 'orderer' } },
      {
        path: `${IMAGE_PATHS.fabricConfig}/orderer.yaml`,
        source: { kind: 'fabric-config', path: 'orderer.yaml' },
      },
      { path: IMAGE_PATHS.fabricState, source: { kind: 'empty-dir' }, owner: 'user' },
    ],
    user: APP_USER,
    env: {
      FABRIC_CFG_PATH: IMAGE_PATHS.fabricConfig,
      ORDERER_FILELEDGER_LOCATION: `${IMAGE_PATHS.fabricState}/orderer`,
    },
    entrypoint: ['/usr/bin/tini', '--'],
    cmd: ['orderer'],
    ports: ['7050/tcp', '7053/tcp', '9443/tcp'],
  },
  {
    name: 'fabric-ca',
    ref: `${REPOSITORY}/fabric-ca:${FABRIC_CA_VERSION}`,
    title: 'Hyperledger Fabric CA server and client',
    version: FABRIC_CA_VERSION,
    base: { kind: 'debian', packages: ['tini'] },
    files: [
      { path: '/usr/local/bin/fabric-ca-server', source: { kind: 'tool', name: 'fabric-ca-server' } },
      { path: '/usr/local/bin/fabric-ca-client', source: { kind: 'tool', name: 'fabric-ca-client' } },
      { path: IMAGE_PATHS.caHome, source: { kind: 'empty-dir' }, owner: 'user' },
    ],
    user: APP_USER,
    env: { FABRIC_CA_HOME: IMAGE_PATHS.caHome, FABRIC_CA_SERVER_HOME: IMAGE_PATHS.caHome },
    entrypoint: ['/usr/bin/tini', '--'],
    cmd: ['fabric-ca-server', 'start'],
    ports: ['7054/tcp', '9443/tcp'],
  },
];

/** The images the cluster itself needs (sandbox and DNS); `make images` builds the rest. */
export const SYSTEM_IMAGES = ['pause', 'coredns'] as const;

export function findImage(name: string): ImageDescription {
  const image = IMAGES.find((i) => i.name === name);
  if (!image) throw new Error(`no image named ${name} (known: ${IMAGES.map((i) => i.name).join(', ')})`);
  return image;
}

/** The image and its ancestors in the catalog, base first. */
export function lineage(name: string): ImageDescription[] {
  const image = findImage(name);
  return image.base.kind === 'image' ? [...lineage(image.base.name), image] : [image];
}
