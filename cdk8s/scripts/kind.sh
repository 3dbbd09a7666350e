#!/usr/bin/env bash
# The Kubernetes path for machines with Docker: a kind cluster (../../kind-config.yaml) running the EMR network,
# installed with our Helm charts, plus two example MedicalProviders for the operator to onboard.
#   kind.sh preflight   exit 1 with one sentence when docker, kind, kubectl or a running Docker engine is missing
#   kind.sh up          create the cluster (idempotent), build and load our images, install the charts, apply examples
#   kind.sh down        delete the cluster
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cluster=emr
helm="${EMR_TOOLS_DIR:-}/bin/helm"

say() { printf '[kind] %s\n' "$*"; }
fail() { printf '[kind] %s\n' "$*" >&2; exit 1; }

preflight() {
  command -v docker >/dev/null 2>&1 ||
    fail "make kind-$1 needs Docker, which is not installed here; use \`make cluster-up\` for a Kubernetes node without Docker."
  timeout 20 docker info >/dev/null 2>&1 ||
    fail "make kind-$1 needs a running Docker engine (\`docker info\` fails); start Docker or use \`make cluster-up\`."
  command -v kind >/dev/null 2>&1 ||
    fail "make kind-$1 needs kind v0.33.0 or newer (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)."
  if [[ "$1" == up ]]; then
    command -v kubectl >/dev/null 2>&1 || fail "make kind-up needs kubectl on the PATH."
  fi
}

cluster_exists() { kind get clusters 2>/dev/null | grep -qx "$cluster"; }

# The images the charts run, built with Docker from the same catalog as the engine-free node's
# (cluster/images/*.Dockerfile, contexts staged by cluster/dist/cli.js) and loaded into the kind node, so both
# paths run identical images with pull policy IfNotPresent.
images=(node chaincode gateway fabric-peer fabric-orderer fabric-ca operator)
build_and_load() {
  local loaded=() name ref context
  for name in "${images[@]}"; do
    local dockerfile="$root/cluster/images/$name.Dockerfile"
    if [[ ! -f "$dockerfile" ]]; then
      say "skip $name: cluster/images/$name.Dockerfile does not exist yet"
      continue
    fi
    ref=$(sed -n 's/^#   docker build -t \([^ ]*\) .*/\1/p' "$dockerfile")
    context=$(mktemp -d)
    say "build $ref"
    node "$root/cluster/dist/cli.js" image-context "$name" "$context" >/dev/null
    docker build --quiet -t "$ref" -f "$dockerfile" "$context" >/dev/null
    rm -rf "$context"
    [[ "$name" == node ]] || loaded+=("$ref")
  done
  say "load ${#loaded[@]} images into the node"
  kind load docker-image --name "$cluster" "${loaded[@]}"
}

gateway_node_ports() {
  local port=30443
  for provider in provider1 provider2; do
    kubectl --context "kind-$cluster" -n "emr-$provider" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata:
  name: gateway-$provider-nodeport
spec:
  type: NodePort
  selector: { app.kubernetes.io/name: emr-gateway, app.kubernetes.io/instance: gateway-$provider }
  ports: [{ name: https, port: 8443, targetPort: 8443, nodePort: $port }]
YAML
    port=$((port + 1))
  done
}

create_secret() { # NAMESPACE NAME KEY=VALUE...
  local namespace=$1 name=$2 pair literals=()
  shift 2
  for pair in "$@"; do literals+=("--from-literal=$pair"); done
  kubectl --context "kind-$cluster" -n "$namespace" get secret "$name" >/dev/null 2>&1 ||
    kubectl --context "kind-$cluster" -n "$namespace" create secret generic "$name" "${literals[@]}" >/dev/null
}

# One example file of charts/emr-operator/examples (the files cluster/test/operator-on-node.test.ts applies): its
# namespaces, then a random CA registrar password per namespace (never part of any resource; kept when it
# exists), then the resources. The operator generates the gateways' keys.
apply_example() { # FILE
  local file="$root/charts/emr-operator/examples/$1" namespace
  # Only the example's Namespaces carry the Pod Security label: they come first.
  for namespace in $(kubectl --context "kind-$cluster" apply -f "$file" \
    -l pod-security.kubernetes.io/enforce=restricted -o name); do
    namespace=${namespace#namespace/}
    create_secret "$namespace" "ca-${namespace#emr-}-registrar" "secret=$(openssl rand -hex 16)"
  done
  kubectl --context "kind-$cluster" apply -f "$file"
}

up() {
  preflight up
  [[ -x "$helm" ]] || fail "helm is missing from \$EMR_TOOLS_DIR/bin; run \`make tools\`."
  if cluster_exists; then say "cluster $cluster exists"; else
    say "create cluster $cluster"
    kind create cluster --config "$root/kind-config.yaml" --wait 120s
  fi
  build_and_load
  say "install the operator (namespace emr-system), with the images loaded above for the workloads it runs"
  "$helm" upgrade --install emr-operator "$root/charts/emr-operator" --kube-context "kind-$cluster" \
    --namespace emr-system --create-namespace --set image.repository=localhost/emr/operator \
    --set-json "workloadImages=$(workload_images)" --set workloadPullPolicy=IfNotPresent --wait
  say "apply the example network: EmrNetwork emr and its founders provider1, provider2"
  apply_example emr-network.yaml
  kubectl --context "kind-$cluster" -n emr-provider1 wait --for=condition=Ready mp/provider1 --timeout=15m
  kubectl --context "kind-$cluster" -n emr-provider2 wait --for=condition=Ready mp/provider2 --timeout=5m
  gateway_node_ports
  say "apply provider3: the founders sign the channel update that admits it"
  apply_example provider3.yaml
  say "done: kubectl --context kind-$cluster get emrnetworks,medicalproviders -A -w   (gateways of provider1 and provider2: https://127.0.0.1:8443, :8444)"
}

# The project's images for the operator's workloads (the same references as charts/emr-network/values-local-images.yaml).
workload_images() {
  local ca='{"repository":"localhost/emr/fabric-ca","tag":"1.5.21"}'
  printf '{"ca":%s,"orderer":%s,"peer":%s,"chaincode":%s,"gateway":%s,"tools":%s}' "$ca" \
    '{"repository":"localhost/emr/fabric-orderer","tag":"3.1.1"}' \
    '{"repository":"localhost/emr/fabric-peer","tag":"3.1.1"}' \
    '{"repository":"localhost/emr/chaincode","tag":"0.1.0"}' \
    '{"repository":"localhost/emr/gateway","tag":"0.1.0"}' \
    '{"repository":"localhost/emr/operator","tag":"0.1.0"}'
}

down() {
  preflight down
  if cluster_exists; then kind delete cluster --name "$cluster"; else say "no cluster $cluster"; fi
}

case "${1:-}" in
  preflight) preflight "${2:-up}" ;;
  up) up ;;
  down) down ;;
  *) fail "usage: kind.sh preflight|up|down" ;;
esac
