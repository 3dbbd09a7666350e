# Node.js 24 on Debian 12 (tini as PID 1)
# Generated from cluster/src/images/catalog.ts by `node cluster/dist/cli.js dockerfiles`: edit the catalog, not
# this file (a unit test compares them). The build context is staged by
#   node cluster/dist/cli.js image-context node <dir>
#   docker build -t localhost/emr/node:24.21.0 -f cluster/images/node.Dockerfile <dir>
FROM debian:bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
COPY rootfs/usr/local/bin/node /usr/local/bin/node
ENV NODE_ENV="production"
USER 10001:10001
LABEL org.opencontainers.image.title="Node.js 24 on Debian 12 (tini as PID 1)" \
      org.opencontainers.image.version="24.21.0"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node"]
