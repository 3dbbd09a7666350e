# EMR chaincode served as a service (fabric-shim server)
# Generated from cluster/src/images/catalog.ts by `node cluster/dist/cli.js dockerfiles`: edit the catalog, not
# this file (a unit test compares them). The build context is staged by
#   node cluster/dist/cli.js image-context chaincode <dir>
#   docker build -t localhost/emr/chaincode:0.1.0 -f cluster/images/chaincode.Dockerfile <dir>
# Build localhost/emr/node:24.21.0 (cluster/images/node.Dockerfile) first.
FROM localhost/emr/node:24.21.0
COPY rootfs/app/package.json /app/package.json
COPY rootfs/app/dist /app/dist
COPY rootfs/app/node_modules /app/node_modules
ENV CORE_MODULE_PATH="/app"
WORKDIR /app
EXPOSE 7052/tcp
LABEL org.opencontainers.image.title="EMR chaincode served as a service (fabric-shim server)" \
      org.opencontainers.image.version="0.1.0"
CMD ["/usr/local/bin/node", "/app/node_modules/fabric-shim/cli.js", "server"]
