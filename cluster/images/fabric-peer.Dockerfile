# Hyperledger Fabric peer with the EMR chaincode-as-a-service builder
# Generated from cluster/src/images/catalog.ts by `node cluster/dist/cli.js dockerfiles`: edit the catalog, not
# this file (a unit test compares them). The build context is staged by
#   node cluster/dist/cli.js image-context fabric-peer <dir>
#   docker build -t localhost/emr/fabric-peer:3.1.1 -f cluster/images/fabric-peer.Dockerfile <dir>
# Build localhost/emr/node:24.21.0 (cluster/images/node.Dockerfile) first.
FROM localhost/emr/node:24.21.0
COPY rootfs/usr/local/bin/peer /usr/local/bin/peer
COPY rootfs/etc/hyperledger/fabric/core.yaml /etc/hyperledger/fabric/core.yaml
COPY rootfs/opt/hyperledger/ccaas_builder/lib/ccaas-builder.js /opt/hyperledger/ccaas_builder/lib/ccaas-builder.js
COPY rootfs/opt/hyperledger/ccaas_builder/bin/detect /opt/hyperledger/ccaas_builder/bin/detect
COPY rootfs/opt/hyperledger/ccaas_builder/bin/build /opt/hyperledger/ccaas_builder/bin/build
COPY rootfs/opt/hyperledger/ccaas_builder/bin/release /opt/hyperledger/ccaas_builder/bin/release
COPY --chown=10001:10001 rootfs/var/hyperledger/production /var/hyperledger/production
ENV FABRIC_CFG_PATH="/etc/hyperledger/fabric" \
    CORE_PEER_FILESYSTEMPATH="/var/hyperledger/production" \
    CORE_VM_ENDPOINT=""
EXPOSE 7051/tcp 9443/tcp
LABEL org.opencontainers.image.title="Hyperledger Fabric peer with the EMR chaincode-as-a-service builder" \
      org.opencontainers.image.version="3.1.1"
CMD ["peer", "node", "start"]
