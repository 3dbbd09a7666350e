# CoreDNS, the cluster DNS
# Generated from cluster/src/images/catalog.ts by `node cluster/dist/cli.js dockerfiles`: edit the catalog, not
# this file (a unit test compares them). The build context is staged by
#   node cluster/dist/cli.js image-context coredns <dir>
#   docker build -t localhost/emr/coredns:1.12.1 -f cluster/images/coredns.Dockerfile <dir>
FROM scratch
COPY rootfs/coredns /coredns
USER 65532:65532
EXPOSE 1053/udp 1053/tcp 9153/tcp
LABEL org.opencontainers.image.title="CoreDNS, the cluster DNS" \
      org.opencontainers.image.version="1.12.1"
ENTRYPOINT ["/coredns"]
