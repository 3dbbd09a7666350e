#!/usr/bin/env bash
# Builds the pinned real binaries (Fabric, Fabric CA, etcd, Kubernetes, CoreDNS, helm) from Go modules into a
# versioned cache outside the repository. A warm run only checks and prints. Usage: scripts/tools.sh [--print-dir]
#
# `go install pkg@version` does not work against the Go module proxy reachable here (it refuses version-list
# queries), so each tool is built through a throwaway wrapper module: go mod init, go get <pkg>@<pin>, go build.
set -euo pipefail

FABRIC_VERSION=3.1.1
FABRIC_PIN=v1.4.0-rc1.0.20250510200036-435a7f1a780a
FABRIC_COMMIT=435a7f1a780a
FABRIC_CA_VERSION=1.5.21
ETCD_VERSION=3.6.14
KUBERNETES_VERSION=1.35.4
HELM_VERSION=3.21.4
COREDNS_VERSION=1.12.1

CACHE_ROOT="${EMR_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/emr-fabric/tools}"
TOOLS_DIR="$CACHE_ROOT/fabric-$FABRIC_VERSION-ca-$FABRIC_CA_VERSION-etcd-$ETCD_VERSION-k8s-$KUBERNETES_VERSION-helm-$HELM_VERSION"

if [[ "${1:-}" == "--print-dir" ]]; then
  echo "$TOOLS_DIR"
  exit 0
fi

started=$SECONDS
step() { printf '[tools %4ds] %s\n' "$((SECONDS - started))" "$*"; }

if ! command -v go >/dev/null 2>&1; then
  echo "make tools needs the Go toolchain (go 1.24 or newer) on PATH to build Fabric from Go modules; install Go and retry." >&2
  exit 1
fi

mkdir -p "$TOOLS_DIR/bin"
export GOFLAGS="${GOFLAGS:--buildvcs=false} -mod=mod"
export GOTOOLCHAIN=local

# build_tools NAME "MARKER..." CGO LDFLAGS MODULE@PIN... -- PKG...   (cached when every marker binary exists)
build_tools() {
  local name=$1 markers=$2 cgo=$3 ldflags=$4 marker missing=0
  shift 4
  local gets=()
  while [[ "$1" != "--" ]]; do gets+=("$1"); shift; done
  shift
  for marker in $markers; do [[ -x "$TOOLS_DIR/bin/$marker" ]] || missing=1; done
  if ((missing == 0)); then
    step "$name: cached"
    return
  fi
  step "$name: building (first run takes a few minutes)"
  local work
  work=$(mktemp -d)
  (
    cd "$work"
    go mod init "emr-tools/$name" >/dev/null 2>&1
    if [[ -n "${REPLACES_FROM:-}" ]]; then add_staging_replaces "$REPLACES_FROM"; fi
    go get "${gets[@]}" >"$work/get.log" 2>&1 || { cat "$work/get.log" >&2; exit 1; }
    # Build next to bin/ (same file system), then rename into it: a binary that is running (a test's
    # kube-apiserver) is replaced, not overwritten in place.
    local out="$TOOLS_DIR/.build-$name"
    rm -rf "$out" && mkdir -p "$out"
    CGO_ENABLED=$cgo go build -trimpath -ldflags "$ldflags" -o "$out/" "$@"
    mv -f "$out"/* "$TOOLS_DIR/bin/" && rmdir "$out"
  )
  rm -rf "$work"
  step "$name: built"
}

# k8s.io/kubernetes requires its staging modules at v0.0.0; point each at the matching release.
add_staging_replaces() {
  local module=$1 gomod
  go mod download -json "$module" >download.json
  gomod=$(sed -n 's/^\s*"GoMod": "\(.*\)",\?$/\1/p' download.json)
  grep -E '^\s+k8s\.io/[^ ]+ v0\.0\.0$' "$gomod" | awk '{print $1}' | sort -u | while read -r m; do
    go mod edit -replace "$m=$m@v0.${KUBERNETES_VERSION#1.}"
  done
  rm -f download.json
}

fabric_ld="-X github.com/hyperledger/fabric/common/metadata.Version=$FABRIC_VERSION -X github.com/hyperledger/fabric/common/metadata.CommitSHA=$FABRIC_COMMIT"
fabric_cmds=(peer orderer configtxgen osnadmin configtxlator)
fabric_pkgs=("${fabric_cmds[@]/#/github.com/hyperledger/fabric/cmd/}")
build_tools fabric configtxlator 0 "$fabric_ld" "${fabric_pkgs[@]/%/@$FABRIC_PIN}" -- "${fabric_pkgs[@]}"

build_tools fabric-ca fabric-ca-client 1 "-X github.com/hyperledger/fabric-ca/lib/metadata.Version=$FABRIC_CA_VERSION" \
  "github.com/hyperledger/fabric-ca/cmd/fabric-ca-server@v$FABRIC_CA_VERSION" "github.com/hyperledger/fabric-ca/cmd/fabric-ca-client@v$FABRIC_CA_VERSION" -- \
  github.com/hyperledger/fabric-ca/cmd/fabric-ca-server github.com/hyperledger/fabric-ca/cmd/fabric-ca-client

build_tools etcd etcd 0 "" \
  "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" -- go.etcd.io/etcd/server/v3
# The etcd server package builds a binary named after its module's last path element.
if [[ -x "$TOOLS_DIR/bin/server" ]]; then mv "$TOOLS_DIR/bin/server" "$TOOLS_DIR/bin/etcd"; fi

build_tools helm helm 0 "-X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION" \
  "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION" -- helm.sh/helm/v3/cmd/helm

k8s_minor=${KUBERNETES_VERSION#1.}
k8s_minor=${k8s_minor%%.*}
k8s_ld="-X k8s.io/component-base/version.gitVersion=v$KUBERNETES_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$k8s_minor"
# All Kubernetes binaries in one `go build`: they share most packages, so six cost little more than one.
k8s_cmds=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
k8s_pkgs=("${k8s_cmds[@]/#/k8s.io/kubernetes/cmd/}")
REPLACES_FROM="k8s.io/kubernetes@v$KUBERNETES_VERSION" build_tools kubernetes "${k8s_cmds[*]}" 0 "$k8s_ld" \
  "${k8s_pkgs[@]/%/@v$KUBERNETES_VERSION}" -- "${k8s_pkgs[@]}"

# CoreDNS runs as the cluster's DNS pod (make images packs it); its version is a constant in its sources.
build_tools coredns coredns 0 "" "github.com/coredns/coredns@v$COREDNS_VERSION" -- github.com/coredns/coredns

# Fabric's sample configuration (core.yaml, orderer.yaml, msp) ships inside its module; the peer and orderer
# read their defaults from it and every setting we care about is overridden by environment variables.
if [[ ! -f "$TOOLS_DIR/fabric-config/core.yaml" ]]; then
  work=$(mktemp -d)
  (cd "$work" && go mod init emr-tools/cfg >/dev/null 2>&1 && go mod download -json "github.com/hyperledger/fabric@$FABRIC_PIN" >d.json)
  dir=$(sed -n 's/^\s*"Dir": "\(.*\)",\?$/\1/p' "$work/d.json")
  mkdir -p "$TOOLS_DIR/fabric-config"
  cp -r "$dir/sampleconfig/." "$TOOLS_DIR/fabric-config/"
  chmod -R u+w "$TOOLS_DIR/fabric-config"
  rm -rf "$work"
fi

step "installed in $TOOLS_DIR"
for t in peer orderer fabric-ca-server etcd kube-apiserver kubelet kubectl coredns helm; do
  case $t in
    peer) v=$("$TOOLS_DIR/bin/peer" version | sed -n 's/^ Version: //p') ;;
    orderer) v=$("$TOOLS_DIR/bin/orderer" version | sed -n 's/^ Version: //p') ;;
    fabric-ca-server) v=$("$TOOLS_DIR/bin/fabric-ca-server" version | sed -n 's/^ Version: //p') ;;
    etcd) v=$("$TOOLS_DIR/bin/etcd" --version | sed -n 's/^etcd Version: //p') ;;
    kube-apiserver | kubelet) v=$("$TOOLS_DIR/bin/$t" --version | awk '{print $2}') ;;
    kubectl) v=$("$TOOLS_DIR/bin/kubectl" version --client | sed -n 's/^Client Version: //p') ;;
    coredns) v=$("$TOOLS_DIR/bin/coredns" -version | sed -n 's/^CoreDNS-//p') ;;
    helm) v=$("$TOOLS_DIR/bin/helm" version --short) ;;
  esac
  printf '  %-17s %s\n' "$t" "$v"
done
