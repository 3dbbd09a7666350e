# EMR operator and tools (the enroll init containers, the bootstrap Job)
# Generated from cluster/src/images/catalog.ts by `node cluster/dist/cli.js dockerfiles`: edit the catalog, not
# this file (a unit test compares them). The build context is staged by
#   node cluster/dist/cli.js image-context operator <dir>
#   docker build -t localhost/emr/operator:0.1.0 -f cluster/images/operator.Dockerfile <dir>
# Build localhost/emr/node:24.21.0 (cluster/images/node.Dockerfile) first.
FROM localhost/emr/node:24.21.0
COPY rootfs/app/package.json /app/package.json
COPY rootfs/app/dist /app/dist
COPY rootfs/app/node_modules /app/node_modules
WORKDIR /app
LABEL org.opencontainers.image.title="EMR operator and tools (the enroll init containers, the bootstrap Job)" \
      org.opencontainers.image.version="0.1.0"
CMD ["/usr/local/bin/node", "/app/dist/main.js"]
