# Pod sandbox (Kubernetes pause.c, static)
# Generated from cluster/src/images/catalog.ts by `node cluster/dist/cli.js dockerfiles`: edit the catalog, not
# this file (a unit test compares them). The build context is staged by
#   node cluster/dist/cli.js image-context pause <dir>
#   docker build -t registry.k8s.io/pause:3.10.1 -f cluster/images/pause.Dockerfile <dir>
FROM scratch
COPY rootfs/pause /pause
USER 65535:65535
LABEL org.opencontainers.image.title="Pod sandbox (Kubernetes pause.c, static)" \
      org.opencontainers.image.version="3.10.1"
ENTRYPOINT ["/pause"]
