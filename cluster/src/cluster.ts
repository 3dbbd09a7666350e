/**
 * A real one-node Kubernetes cluster on this machine: up (idempotent), down (leaves the host as it was), status.
 * All state lives in one folder (default .cluster/); the host changes it makes are recorded first and undone by down.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newProgress, type Progress } from '@emr/network';
import { COMPONENT_NAMES, components } from './components';
import { containerdConfig, cniConfig, kubeconfig, kubeletConfig, kubeProxyConfig } from './config-files';
import { corednsObjects } from './coredns';
import { ClusterError, run } from './exec';
import { ensureEgressGuard, ensureNodeInterface, interfaceExists, isPortFree } from './host/network';
import { captureHostState, diffHostState, loadHostState, saveHostState, type HostState } from './host/state';
import {
  killShims,
  mountsUnder,
  removeCgroups,
  removeHostPaths,
  removeIptables,
  removeInterface,
  removeNftTables,
  restoreSysctls,
  shimsOf,
  unmountUnder,
} from './host/teardown';
import { findImage, IMAGES, SYSTEM_IMAGES } from './images/catalog';
import { ImageStore } from './images/oci';
import type { SourceContext } from './images/stage';
import { KubeClient, waitFor, type KubeObject } from './kube-client';
import { Pki, TOKEN_USERS } from './pki';
import { ClusterLayout, PORTS, REPO_ROOT, type ClusterSettings } from './settings';
import { isAlive, Supervisor } from './supervisor';

interface PodLike {
  metadata: { name: string; namespace: string; finalizers?: string[] };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

interface NodeLike {
  status?: { conditions?: { type: string; status: string }[] };
}

export interface ClusterStatus {
  readonly components: { name: string; pid?: number; running: boolean; rssMiB?: number }[];
  readonly nodeReady?: boolean;
  readonly pods: { namespace: string; name: string; phase: string; ready: boolean }[];
  readonly shimsRssMiB: number;
  readonly podsMemoryMiB?: number;
}

const CAPABILITIES = { CAP_NET_ADMIN: 12, CAP_SYS_ADMIN: 21 } as const;

function effectiveCapabilities(): bigint {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('CapEff:'));
  return BigInt(`0x${line?.split(/\s+/)[1] ?? '0'}`);
}

function rssMiB(pid: number): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return line ? Math.round(Number(line.split(/\s+/)[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

export class Cluster {
  readonly layout: ClusterLayout;
  readonly supervisor: Supervisor;
  readonly pki: Pki;
  readonly progress: Progress;

  constructor(
    readonly settings: ClusterSettings,
    progress?: Progress,
  ) {
    this.layout = new ClusterLayout(settings);
    this.supervisor = new Supervisor(this.layout.processFile, this.layout.logDir);
    this.pki = new Pki(this.layout.pki);
    this.progress = progress ?? newProgress('cluster');
  }

  imageStore(log?: (message: string) => void): ImageStore {
    const tools = join(this.settings.binDir, '..');
    const context: SourceContext = {
      repoRoot: REPO_ROOT,
      toolsBin: this.settings.binDir,
      fabricConfig: join(tools, 'fabric-config'),
      cacheDir: this.settings.imageCache,
    };
    return new ImageStore(
      this.settings.imageCache,
      context,
      log ??
        ((m) => {
          this.progress.info(m);
        }),
    );
  }

  async client(): Promise<KubeClient> {
    const server = `https://${this.settings.network.nodeIp}:${PORTS.apiServer}`;
    return new KubeClient(server, await readFile(this.pki.cert('ca')), await this.pki.token('admin'));
  }

  /** Checks that would otherwise fail half-way with an obscure message. */
  preflight(): void {
    if (process.getuid?.() !== 0) {
      throw new ClusterError(
        'the cluster needs root (it starts containerd and the kubelet and changes network settings): run it as root',
      );
    }
    const caps = effectiveCapabilities();
    for (const [name, bit] of Object.entries(CAPABILITIES)) {
      if ((caps & (1n << BigInt(bit))) === 0n) {
        throw new ClusterError(
          `this process lacks ${name}, which the node needs for its interfaces, mounts and iptables rules`,
        );
      }
    }
    const needed = [
      '/usr/bin/containerd',
      '/usr/bin/ctr',
      '/usr/sbin/runc',
      '/usr/lib/cni/bridge',
      '/usr/lib/cni/host-local',
      '/usr/lib/cni/portmap',
      '/usr/sbin/iptables',
      '/usr/sbin/conntrack',
      '/usr/bin/umoci',
    ];
    const missing = needed.filter((p) => !existsSync(p) && !existsSync(p.replace('/usr/sbin/', '/usr/bin/')));
    if (missing.length > 0) {
      throw new ClusterError(
        `${missing.join(', ')} missing: run \`make cluster-up\` (it installs the Debian packages) or cluster/scripts/packages.sh`,
      );
    }
    for (const name of COMPONENT_NAMES.filter((n) => n !== 'containerd')) {
      if (!existsSync(this.layout.bin(name))) {
        throw new ClusterError(`${this.layout.bin(name)} is missing: run \`make tools\``);
      }
    }
    if (Buffer.byteLength(this.layout.containerdSocket) > 100) {
      throw new ClusterError(
        `the cluster folder path is too long for containerd's socket (${this.layout.containerdSocket}); set EMR_CLUSTER_DIR to a shorter path`,
      );
    }
  }

  /** Records the host as it is, unless an earlier cluster-up of this folder did; refuses foreign leftovers. */
  async #recordHost(): Promise<HostState> {
    const recorded = loadHostState(this.layout.hostStateFile);
    if (recorded) return recorded;
    const network = this.settings.network;
    for (const name of [network.bridge, network.interfaceName]) {
      if (interfaceExists(name)) {
        throw new ClusterError(
          `interface ${name} exists but this cluster folder did not create it (another cluster or a crashed one whose folder is gone); remove it with \`ip link delete ${name}\` and retry`,
        );
      }
    }
    const state = await captureHostState();
    await mkdir(this.settings.root, { recursive: true });
    await saveHostState(this.layout.hostStateFile, state);
    return state;
  }

  async #writeConfigs(): Promise<void> {
    const dir = this.layout.configDir;
    await mkdir(dir, { recursive: true });
    await mkdir(this.layout.cniConfDir, { recursive: true });
    await mkdir(this.layout.path('pod-logs'), { recursive: true });
    await writeFile(join(dir, 'containerd.toml'), containerdConfig(this.layout));
    await writeFile(
      join(this.layout.cniConfDir, '10-emr-bridge.conflist'),
      JSON.stringify(cniConfig(this.layout), null, 2),
    );
    await writeFile(join(dir, 'kubelet.json'), JSON.stringify(kubeletConfig(this.layout, this.pki), null, 2));
    await writeFile(join(dir, 'kube-proxy.json'), JSON.stringify(kubeProxyConfig(this.layout), null, 2));
    for (const user of TOKEN_USERS) {
      const file = user.name === 'admin' ? this.layout.kubeconfig : join(dir, `${user.name}.kubeconfig`);
      const content = kubeconfig(this.layout, this.pki, user.user, await this.pki.token(user.name));
      await writeFile(file, JSON.stringify(content, null, 2), { mode: 0o600 });
    }
  }

  /**
   * Brings the node up; every step is skipped or quick when it is done already. Images built earlier by
   * `make images` are imported too (a fresh node has none), unless `importBuiltImages` is false.
   */
  async up(options: { readonly importBuiltImages?: boolean } = {}): Promise<void> {
    const p = this.progress;
    this.preflight();
    await p.step(
      'host state',
      () => this.#recordHost(),
      () => `recorded in ${this.layout.hostStateFile}`,
    );
    await p.step(
      `node interface ${this.settings.network.interfaceName}`,
      () => ensureNodeInterface(this.settings.network),
      (r) => `${r}, ${this.settings.network.nodeIp}`,
    );
    await p.step(
      'certificates and tokens',
      () => this.pki.ensure(this.settings.network),
      (n) => (n > 0 ? `${n} files written` : 'present'),
    );
    await this.#writeConfigs();
    const adminToken = await this.pki.token('admin');
    const all = components(this.layout, this.pki, adminToken);
    // Fail before anything starts when a port is taken (the supervisor checks again right before each start).
    for (const component of all) {
      if (await this.supervisor.running(component.name)) continue;
      for (const port of component.ports) {
        if (!(await isPortFree(component.host, port))) {
          throw new ClusterError(
            `port ${port} on ${component.host} (${component.name}) is in use by another process; find it with \`ss -ltnp 'sport = :${port}'\``,
          );
        }
      }
    }
    const start = async (name: string): Promise<void> => {
      const component = all.find((c) => c.name === name);
      if (!component) throw new ClusterError(`unknown component ${name}`);
      await p.step(
        name,
        () => this.supervisor.start(component, isPortFree),
        (s) => s,
      );
    };
    await start('containerd');
    const store = this.imageStore();
    for (const name of SYSTEM_IMAGES) {
      await p.step(
        `image ${findImage(name).ref}`,
        async () => {
          const built = await store.build(name);
          const imported = await store.importInto(this.layout.containerdSocket, name);
          return `${built.built ? 'built' : 'unchanged'}, ${imported}`;
        },
        (s) => s,
      );
    }
    for (const name of [
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'kubelet',
      'kube-proxy',
    ]) {
      await start(name);
    }
    await p.step(
      'pod traffic kept on this machine',
      () => ensureEgressGuard(this.settings.network),
      (outcome) => `FORWARD rule ${outcome}`,
    );
    const client = await this.client();
    await p.step(`node ${this.settings.network.nodeName} Ready`, () => this.#waitNodeReady(client));
    await p.step('default service account', () =>
      waitFor(
        'the default ServiceAccount',
        async () =>
          (await client.get('/api/v1/namespaces/default/serviceaccounts/default')) ? true : undefined,
        60_000,
      ),
    );
    await p.step(`CoreDNS at ${this.settings.network.dnsServiceIp}`, async () => {
      for (const object of corednsObjects(this.settings.network, findImage('coredns').ref))
        await client.apply(object);
      await this.#waitDeploymentAvailable(client, 'kube-system', 'coredns', 90_000);
    });
    // kube-proxy has synced by now (DNS works through it): make sure its jumps did not get ahead of the guard.
    await ensureEgressGuard(this.settings.network);
    const importable = IMAGES.filter(
      (i) => !(SYSTEM_IMAGES as readonly string[]).includes(i.name) && store.tagDigest(i.name),
    );
    if (importable.length > 0 && options.importBuiltImages !== false) {
      await p.step(
        'images built earlier (make images)',
        async () => {
          const outcomes = [];
          for (const image of importable) {
            outcomes.push(
              `${image.name} ${await store.importInto(this.layout.containerdSocket, image.name)}`,
            );
          }
          return outcomes.join(', ');
        },
        (s) => s,
      );
    }
  }

  async #waitNodeReady(client: KubeClient): Promise<string> {
    await waitFor(
      `node ${this.settings.network.nodeName} Ready`,
      async () => {
        const node = await client.get<NodeLike>(`/api/v1/nodes/${this.settings.network.nodeName}`);
        return node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
          ? true
          : undefined;
      },
      90_000,
    );
    return 'Ready';
  }

  async #waitDeploymentAvailable(
    client: KubeClient,
    namespace: string,
    name: string,
    timeoutMs: number,
  ): Promise<void> {
    await waitFor(
      `deployment ${namespace}/${name} available`,
      async () => {
        const deployment = await client.get<{ status?: { availableReplicas?: number } }>(
          `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`,
        );
        return (deployment?.status?.availableReplicas ?? 0) > 0 ? true : undefined;
      },
      timeoutMs,
    );
  }

  /** Builds images (all by default) and imports them into the node's containerd when it runs. */
  async images(names: readonly string[] = IMAGES.map((i) => i.name)): Promise<void> {
    const p = this.progress;
    const store = this.imageStore();
    const containerdRunning = (await this.supervisor.running('containerd')) !== undefined;
    const rebuilt: string[] = [];
    for (const name of names) {
      const image = findImage(name);
      await p.step(
        `image ${image.ref}`,
        async () => {
          const built = await store.build(name);
          if (built.built) rebuilt.push(name);
          const outcome = built.built ? `built ${built.digest.slice(7, 19)}` : 'unchanged';
          if (!containerdRunning) return `${outcome} (cluster not running: imported by the next cluster-up)`;
          return `${outcome}, ${await store.importInto(this.layout.containerdSocket, name)}`;
        },
        (outcome) => outcome,
      );
    }
    // Blobs of replaced builds go only after a rebuild (gc reads the whole layout).
    if (rebuilt.length > 0) await store.gc();
  }

  /** Stops everything and undoes the host changes; returns what still differs from the recorded host (ideally nothing). */
  async down(): Promise<string[]> {
    const p = this.progress;
    if (process.getuid?.() !== 0) {
      throw new ClusterError('cluster-down needs root, like cluster-up: run it as root');
    }
    const before = loadHostState(this.layout.hostStateFile);
    if (!before) {
      if (existsSync(this.settings.root)) {
        throw new ClusterError(
          `${this.settings.root} has no recorded host state; stop its processes and delete it by hand`,
        );
      }
      p.info(`no cluster in ${this.settings.root}`);
      return [];
    }
    if ((await this.supervisor.running('kube-apiserver')) && (await this.supervisor.running('kubelet'))) {
      // No controller may recreate what we delete; the kubelet tears every pod down (CNI, mounts, cgroups).
      await Promise.all(['kube-controller-manager', 'kube-scheduler'].map((n) => this.supervisor.stop(n)));
      await p.step(
        'delete all pods',
        () => this.#deleteAllPods(),
        (n) => `${n} deleted`,
      );
    }
    await p.step(
      'stop the node',
      async () => {
        await Promise.all(
          ['kubelet', 'kube-proxy', 'kube-controller-manager', 'kube-scheduler'].map((n) =>
            this.supervisor.stop(n),
          ),
        );
        await this.supervisor.stop('kube-apiserver');
        await this.supervisor.stop('etcd');
        const leftovers = await this.#removeContainers();
        await this.supervisor.stop('containerd');
        const shims = killShims(this.layout.containerdSocket);
        return leftovers + shims > 0
          ? `${leftovers} exited containers removed, ${shims} shims killed`
          : 'stopped';
      },
      (s) => s,
    );
    await p.step(
      'host clean-up',
      async () => {
        if (existsSync(this.layout.bin('kube-proxy'))) {
          await run(this.layout.bin('kube-proxy'), ['--cleanup'], { allowFailure: true });
        }
        // Mounts below our folder and below the fixed host folders the node created (never another runtime's).
        const created = Object.entries(before.paths).filter(([, existed]) => !existed);
        const mounts = await unmountUnder([this.settings.root, ...created.map(([path]) => path)]);
        const rules =
          (await removeIptables('ipv4', before.iptables.ipv4)) +
          (await removeIptables('ipv6', before.iptables.ipv6));
        const tables = await removeNftTables(before);
        const interfaces = [];
        for (const name of [this.settings.network.bridge, this.settings.network.interfaceName]) {
          if (await removeInterface(name, before)) interfaces.push(name);
        }
        const cgroups = removeCgroups(before);
        const sysctls = await restoreSysctls(before);
        const folders = await removeHostPaths(before);
        return [
          `${mounts} mounts`,
          `${rules} iptables rules/chains`,
          `${tables.length} nft tables`,
          `interfaces ${interfaces.join(' ') || 'none'}`,
          `${cgroups} cgroups`,
          `sysctls ${sysctls.join(' ') || 'unchanged'}`,
          `folders ${folders.join(' ') || 'none'}`,
        ].join('; ');
      },
      (s) => s,
    );
    const differences = diffHostState(before, await captureHostState());
    const stillMounted = mountsUnder([this.settings.root]);
    if (stillMounted.length > 0) {
      throw new ClusterError(
        `${stillMounted[0]} is still mounted, so ${this.settings.root} was kept; unmount it and rerun cluster-down`,
      );
    }
    await p.step(`remove ${this.settings.root}`, () =>
      rm(this.settings.root, { recursive: true, force: true }),
    );
    return differences;
  }

  /**
   * Deletes every pod and waits until the kubelet has torn each down (CNI, mounts, cgroups). The controllers are
   * stopped by then, so finalizers they own (a Job's pod tracking) are removed here; what is still there after a
   * minute is deleted without grace and left to the container clean-up.
   */
  async #deleteAllPods(): Promise<number> {
    const client = await this.client();
    const podPath = (pod: PodLike): string =>
      `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`;
    const pods = await client.list<PodLike>('/api/v1/pods');
    for (const pod of pods) {
      if (pod.metadata.finalizers?.length)
        await client.mergePatch(podPath(pod), { metadata: { finalizers: null } });
      await client.delete(podPath(pod), 1);
    }
    const gone = async (): Promise<true | undefined> =>
      (await client.list('/api/v1/pods')).length === 0 ? true : undefined;
    try {
      await waitFor('all pods gone', gone, 60_000, 1000);
    } catch {
      for (const pod of await client.list<PodLike>('/api/v1/pods')) await client.delete(podPath(pod), 0);
      await waitFor('all pods gone after a forced delete', gone, 30_000, 1000);
    }
    return pods.length;
  }

  /** Containers the kubelet did not stop (it crashed or was killed): killed and deleted through ctr. */
  async #removeContainers(): Promise<number> {
    if (!(await this.supervisor.running('containerd'))) return 0;
    const ctr = (...args: string[]): Promise<{ stdout: string; code: number }> =>
      run('ctr', ['--address', this.layout.containerdSocket, '-n', 'k8s.io', ...args], {
        allowFailure: true,
      });
    const containers = (await ctr('containers', 'ls', '-q')).stdout.split('\n').filter(Boolean);
    for (const id of containers) {
      await ctr('tasks', 'kill', '-s', 'SIGKILL', id);
      await ctr('tasks', 'delete', '-f', id);
      await ctr('containers', 'delete', id);
    }
    return containers.length;
  }

  async status(): Promise<ClusterStatus> {
    const records = await this.supervisor.records();
    const componentStatus = COMPONENT_NAMES.map((name) => {
      const record = records.find((r) => r.name === name);
      const running = record !== undefined && isAlive(record.pid);
      return { name, pid: record?.pid, running, rssMiB: running ? rssMiB(record.pid) : undefined };
    });
    const shimsRssMiB = shimsOf(this.layout.containerdSocket).reduce(
      (sum, pid) => sum + (rssMiB(pid) ?? 0),
      0,
    );
    let podsMemoryMiB: number | undefined;
    try {
      const usage = readFileSync('/sys/fs/cgroup/memory/kubepods/memory.usage_in_bytes', 'utf8');
      podsMemoryMiB = Math.round(Number(usage) / 1024 / 1024);
    } catch {
      podsMemoryMiB = undefined;
    }
    if (!componentStatus.find((c) => c.name === 'kube-apiserver')?.running) {
      return { components: componentStatus, pods: [], shimsRssMiB, podsMemoryMiB };
    }
    const client = await this.client();
    const node = await client
      .get<NodeLike>(`/api/v1/nodes/${this.settings.network.nodeName}`)
      .catch(() => undefined);
    const pods = (await client.list<PodLike>('/api/v1/pods').catch(() => [])).map((pod) => ({
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      phase: pod.status?.phase ?? 'Unknown',
      ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    }));
    return {
      components: componentStatus,
      nodeReady: node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      pods,
      shimsRssMiB,
      podsMemoryMiB,
    };
  }

  /** Applies objects (server-side apply), e.g. the tests' workloads. */
  async apply(objects: readonly KubeObject[]): Promise<void> {
    const client = await this.client();
    for (const object of objects) await client.apply(object);
  }
}
