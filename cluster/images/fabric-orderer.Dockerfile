# Hyperledger Fabric orderer (Raft, channel participation API)
# Generated from cluster/src/images/catalog.ts by `node cluster/dist/cli.js dockerfiles`: edit the catalog, not
# this file (a unit test compares them). The build context is staged by
#   node cluster/dist/cli.js image-context fabric-orderer <dir>
#   docker build -t localhost/emr/fabric-orderer:3.1.1 -f cluster/images/fabric-orderer.Dockerfile <dir>
FROM debian:bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
COPY rootfs/usr/local/bin/orderer /usr/local/bin/orderer
COPY rootfs/etc/hyperledger/fabric/orderer.yaml /etc/hyperledger/fabric/orderer.yaml
COPY --chown=10001:10001 rootfs/var/hyperledger/production /var/hyperledger/production
ENV FABRIC_CFG_PATH="/etc/hyperledger/fabric" \
    ORDERER_FILELEDGER_LOCATION="/var/hyperledger/production/orderer"
USER 10001:10001
EXPOSE 7050/tcp 7053/tcp 9443/tcp
LABEL org.opencontainers.image.title="Hyperledger Fabric orderer (Raft, channel participation API)" \
      org.opencontainers.image.version="3.1.1"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["orderer"]
