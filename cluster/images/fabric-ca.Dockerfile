# Hyperledger Fabric CA server and client
# Generated from cluster/src/images/catalog.ts by `node cluster/dist/cli.js dockerfiles`: edit the catalog, not
# this file (a unit test compares them). The build context is staged by
#   node cluster/dist/cli.js image-context fabric-ca <dir>
#   docker build -t localhost/emr/fabric-ca:1.5.21 -f cluster/images/fabric-ca.Dockerfile <dir>
FROM debian:bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
COPY rootfs/usr/local/bin/fabric-ca-server /usr/local/bin/fabric-ca-server
COPY rootfs/usr/local/bin/fabric-ca-client /usr/local/bin/fabric-ca-client
COPY --chown=10001:10001 rootfs/var/hyperledger/fabric-ca-server /var/hyperledger/fabric-ca-server
ENV FABRIC_CA_HOME="/var/hyperledger/fabric-ca-server" \
    FABRIC_CA_SERVER_HOME="/var/hyperledger/fabric-ca-server"
USER 10001:10001
EXPOSE 7054/tcp 9443/tcp
LABEL org.opencontainers.image.title="Hyperledger Fabric CA server and client" \
      org.opencontainers.image.version="1.5.21"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["fabric-ca-server", "start"]
