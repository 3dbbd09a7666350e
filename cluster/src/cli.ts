#!/usr/bin/env node
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Cluster } from './cluster';
import { ClusterError } from './exec';
import { findImage, IMAGES } from './images/catalog';
import { dockerfilePath, renderDockerfile } from './images/dockerfile';
import { stageImage } from './images/stage';
import { clusterSettings, REPO_ROOT } from './settings';

const HELP = `Usage: emr-cluster <command>

A real one-node Kubernetes 1.35.4 cluster on this machine without Docker: containerd, etcd, the control
plane, kubelet, kube-proxy and CoreDNS, all state in .cluster/ (EMR_CLUSTER_DIR). Needs root.

Commands:
  up                         bring the node up (idempotent) and print how to use its kubeconfig
  down                       stop everything, undo the host changes and delete the cluster folder
  status                     components, node, pods and memory
  images [name...]           build images without a container engine and import them into the node
  dockerfiles                rewrite cluster/images/*.Dockerfile from the image catalog
  image-context <name> <dir> stage an image's files in <dir> as the Docker build context

Images: ${IMAGES.map((i) => i.name).join(', ')}

Environment:
  EMR_CLUSTER_DIR      state folder (default: <repo>/.cluster)
  EMR_IMAGES_CACHE     image build cache (default: ~/.cache/emr-fabric/images)
  EMR_TOOLS_DIR        toolchain from \`make tools\`
`;

type Command = (cluster: Cluster, args: readonly string[], started: number) => Promise<void>;

const COMMANDS: Readonly<Record<string, Command>> = {
  async up(cluster, _args, started) {
    await cluster.up();
    const kubectl = cluster.layout.bin('kubectl');
    process.stdout.write(
      [
        `cluster is up in ${((Date.now() - started) / 1000).toFixed(1)} s — node ${cluster.settings.network.nodeName} Ready, API server https://${cluster.settings.network.nodeIp}:6443`,
        `  export KUBECONFIG=${cluster.layout.kubeconfig}`,
        `  ${kubectl} get pods -A      # kubectl 1.35 from make tools`,
        `  logs: ${cluster.layout.logDir}/<component>.log`,
        '',
      ].join('\n'),
    );
  },
  async down(cluster, _args, started) {
    const differences = await cluster.down();
    if (differences.length > 0) {
      process.stdout.write(
        `cluster is down, but the host differs from before:\n  ${differences.join('\n  ')}\n`,
      );
      process.exitCode = 1;
      return;
    }
    process.stdout.write(
      `cluster is down in ${((Date.now() - started) / 1000).toFixed(1)} s; the host is as before\n`,
    );
  },
  async status(cluster) {
    const status = await cluster.status();
    for (const c of status.components) {
      const memory = c.rssMiB === undefined ? '' : `${c.rssMiB} MiB`;
      process.stdout.write(
        `${c.name.padEnd(24)} ${(c.running ? 'running' : 'STOPPED').padEnd(8)} ${String(c.pid ?? '').padEnd(8)} ${memory}\n`,
      );
    }
    const total = status.components.reduce((sum, c) => sum + (c.rssMiB ?? 0), 0);
    process.stdout.write(
      `node Ready: ${String(status.nodeReady ?? false)}; processes ${total} MiB, shims ${status.shimsRssMiB} MiB, pods ${status.podsMemoryMiB ?? 0} MiB (kubepods cgroup)\n`,
    );
    for (const pod of status.pods) {
      process.stdout.write(
        `  ${`${pod.namespace}/${pod.name}`.padEnd(48)} ${pod.phase.padEnd(10)} ${pod.ready ? 'ready' : 'not ready'}\n`,
      );
    }
  },
  async images(cluster, args) {
    await cluster.images(args.length > 0 ? args : undefined);
  },
  async dockerfiles() {
    for (const image of IMAGES) {
      await writeFile(join(REPO_ROOT, dockerfilePath(image.name)), renderDockerfile(image));
    }
    process.stdout.write(`wrote ${IMAGES.length} Dockerfiles in cluster/images/\n`);
  },
  async 'image-context'(cluster, args) {
    const [name, dir] = args;
    if (!name || !dir) throw new ClusterError('usage: emr-cluster image-context <name> <dir>');
    await mkdir(dir, { recursive: true });
    const image = findImage(name);
    const store = cluster.imageStore();
    await stageImage(image, store.context, dir);
    process.stdout.write(
      `staged ${name} in ${dir}; docker build -t ${image.ref} -f ${dockerfilePath(name)} ${dir}\n`,
    );
  },
};

async function main(argv: readonly string[]): Promise<void> {
  const [command = 'help', ...args] = argv;
  if (['help', '--help', '-h'].includes(command)) {
    process.stdout.write(HELP);
    return;
  }
  const run = COMMANDS[command];
  if (!run) throw new ClusterError(`unknown command "${command}"; see emr-cluster --help`);
  await run(new Cluster(clusterSettings()), args, Date.now());
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const message =
    err instanceof ClusterError
      ? err.message
      : err instanceof Error
        ? (err.stack ?? err.message)
        : String(err);
  process.stderr.write(`emr-cluster: ${message}\n`);
  process.exitCode = 1;
});
