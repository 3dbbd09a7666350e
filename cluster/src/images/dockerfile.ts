/**
 * The Dockerfile of an image description, for users with Docker (kind, CI with a container engine). Its build
 * context is the same staged tree the engine-free build inserts as one layer (`emr-cluster image-context`), so
 * both builds put the same files at the same paths with the same owners and modes.
 */
import type { ImageDescription } from './description';
import { findImage } from './catalog';

export const DEBIAN_DOCKER_BASE = 'debian:bookworm-slim';
export const DOCKERFILE_DIR = 'cluster/images';

export function dockerfilePath(name: string): string {
  return `${DOCKERFILE_DIR}/${name}.Dockerfile`;
}

/** Users of the image: the owner of `user`-owned paths is the image's own user, or its parent's. */
export function effectiveUser(image: ImageDescription): { uid: number; gid: number } | undefined {
  if (image.user) return image.user;
  return image.base.kind === 'image' ? effectiveUser(findImage(image.base.name)) : undefined;
}

const json = (values: readonly string[]): string => `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;

function baseLines(image: ImageDescription): string[] {
  switch (image.base.kind) {
    case 'scratch':
      return ['FROM scratch'];
    case 'debian':
      return [
        `FROM ${DEBIAN_DOCKER_BASE}`,
        ...(image.base.packages.length > 0
          ? [
              'RUN apt-get update \\',
              `  && apt-get install -y --no-install-recommends ${image.base.packages.join(' ')} \\`,
              '  && rm -rf /var/lib/apt/lists/*',
            ]
          : []),
      ];
    case 'image': {
      const parent = findImage(image.base.name);
      return [`# Build ${parent.ref} (${dockerfilePath(parent.name)}) first.`, `FROM ${parent.ref}`];
    }
  }
}

function configLines(image: ImageDescription): string[] {
  const lines: string[] = [];
  const env = Object.entries(image.env ?? {});
  if (env.length > 0) lines.push(`ENV ${env.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' \\\n    ')}`);
  if (image.user) lines.push(`USER ${image.user.uid}:${image.user.gid}`);
  if (image.workdir) lines.push(`WORKDIR ${image.workdir}`);
  if (image.ports && image.ports.length > 0) lines.push(`EXPOSE ${image.ports.join(' ')}`);
  lines.push(
    `LABEL org.opencontainers.image.title=${JSON.stringify(image.title)} \\`,
    `      org.opencontainers.image.version=${JSON.stringify(image.version)}`,
  );
  if (image.entrypoint) lines.push(`ENTRYPOINT ${json(image.entrypoint)}`);
  if (image.cmd) lines.push(`CMD ${json(image.cmd)}`);
  return lines;
}

export function renderDockerfile(image: ImageDescription): string {
  const user = effectiveUser(image);
  const copies = image.files.map((file) => {
    const chown = file.owner === 'user' && user ? `--chown=${user.uid}:${user.gid} ` : '';
    return `COPY ${chown}rootfs${file.path} ${file.path}`;
  });
  const lines = [
    `# ${image.title}`,
    '# Generated from cluster/src/images/catalog.ts by `node cluster/dist/cli.js dockerfiles`: edit the catalog, not',
    '# this file (a unit test compares them). The build context is staged by',
    `#   node cluster/dist/cli.js image-context ${image.name} <dir>`,
    `#   docker build -t ${image.ref} -f ${dockerfilePath(image.name)} <dir>`,
    ...baseLines(image),
    ...copies,
    ...configLines(image),
  ];
  return `${lines.join('\n')}\n`;
}
