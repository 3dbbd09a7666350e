import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

/** The repository root, from cluster/dist or cluster/src. */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/** Kubernetes and CoreDNS versions: the binaries `make tools` builds (scripts/tools.sh). */
export const KUBERNETES_VERSION = '1.35.4';
export const COREDNS_VERSION = '1.12.1';
/** The sandbox image containerd starts for every pod; Kubernetes 1.35's default tag. */
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10.1';

/**
 * Addresses of the one-node cluster. Everything stays on this machine: the API server, etcd and the node's
 * ports listen on an address of a dummy interface the cluster creates (nothing outside can route to it), pods
 * live on a bridge the node creates, and the service range is routed into the dummy interface, so a packet to a
 * service IP without endpoints is dropped instead of leaving through the default route.
 */
export interface ClusterNetwork {
  /** Dummy interface that carries the node's address; created by cluster-up, deleted by cluster-down. */
  readonly interfaceName: string;
  readonly nodeIp: string;
  readonly nodeName: string;
  readonly podCidr: string;
  readonly podGateway: string;
  readonly bridge: string;
  readonly serviceCidr: string;
  /** First address of the service range: the `kubernetes` Service. */
  readonly apiServiceIp: string;
  readonly dnsServiceIp: string;
  readonly clusterDomain: string;
}

export const NETWORK: ClusterNetwork = {
  interfaceName: 'emr-node0',
  nodeIp: process.env['EMR_CLUSTER_NODE_IP'] ?? '10.250.0.1',
  nodeName: 'emr-node',
  podCidr: '10.244.0.0/24',
  podGateway: '10.244.0.1',
  bridge: 'cni0',
  serviceCidr: '10.96.0.0/16',
  apiServiceIp: '10.96.0.1',
  dnsServiceIp: '10.96.0.10',
  clusterDomain: 'cluster.local',
};

/** Ports on the node address (never on loopback, where devnets and tests use 17000–29999). */
export const PORTS = {
  etcd: 2379,
  etcdPeer: 2380,
  etcdMetrics: 2381,
  apiServer: 6443,
  kubelet: 10250,
  kubeletHealthz: 10248,
  proxyMetrics: 10249,
  proxyHealthz: 10256,
  controllerManager: 10257,
  scheduler: 10259,
} as const;

/**
 * NodePorts stay in Kubernetes' default range 30000–32767: kube-proxy only captures those ports (on 127.0.0.1 and
 * the node address), so loopback traffic to the devnets' ports 17000–29999 is never touched.
 */
export const NODE_PORT_RANGE = '30000-32767';

export interface ClusterSettings {
  /** The one git-ignored state folder: certificates, configs, etcd data, containerd root, logs, kubeconfig. */
  readonly root: string;
  readonly binDir: string;
  readonly network: ClusterNetwork;
  /** Cache of the engine-free image build (Debian rootfs, OCI layout); survives cluster-down. */
  readonly imageCache: string;
}

export function toolsDir(): string {
  const fromEnv = process.env['EMR_TOOLS_DIR'];
  if (fromEnv) return fromEnv;
  return execFileSync(join(REPO_ROOT, 'scripts', 'tools.sh'), ['--print-dir'], { encoding: 'utf8' }).trim();
}

export function clusterSettings(overrides: Partial<ClusterSettings> = {}): ClusterSettings {
  const tools = toolsDir();
  return {
    root: overrides.root ?? process.env['EMR_CLUSTER_DIR'] ?? join(REPO_ROOT, '.cluster'),
    binDir: overrides.binDir ?? join(tools, 'bin'),
    network: overrides.network ?? NETWORK,
    imageCache:
      overrides.imageCache ??
      process.env['EMR_IMAGES_CACHE'] ??
      join(
        process.env['XDG_CACHE_HOME'] ?? join(process.env['HOME'] ?? '/root', '.cache'),
        'emr-fabric',
        'images',
      ),
  };
}

/** Where each piece of state lives inside the cluster folder. */
export class ClusterLayout {
  constructor(readonly settings: ClusterSettings) {}

  path(...parts: string[]): string {
    return join(this.settings.root, ...parts);
  }
  get pki(): string {
    return this.path('pki');
  }
  get configDir(): string {
    return this.path('config');
  }
  get logDir(): string {
    return this.path('logs');
  }
  get kubeconfig(): string {
    return this.path('kubeconfig');
  }
  get containerdSocket(): string {
    return this.path('containerd', 'containerd.sock');
  }
  get kubeletRoot(): string {
    return this.path('kubelet');
  }
  get cniConfDir(): string {
    return this.path('cni', 'net.d');
  }
  get processFile(): string {
    return this.path('processes.json');
  }
  /** The host as it was before the first cluster-up: what cluster-down restores and compares against. */
  get hostStateFile(): string {
    return this.path('host-before.json');
  }
  bin(name: string): string {
    return join(this.settings.binDir, name);
  }
}
