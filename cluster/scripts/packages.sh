#!/usr/bin/env bash
# Installs the Debian packages the one-node cluster and the engine-free image build need — only those missing,
# so a warm run takes a fraction of a second and never touches apt. Usage: cluster/scripts/packages.sh
set -euo pipefail

# containerd + runc: the container runtime; containernetworking-plugins: bridge, host-local, portmap, loopback
# in /usr/lib/cni; iptables + conntrack: kube-proxy; nftables: cluster-down deletes the (iptables-nft) tables the
# node created; socat: kubectl port-forward; umoci + debootstrap: OCI images
# from a Debian rootfs; gcc + libc6-dev: the static pause binary (Kubernetes' own pause.c).
packages=(containerd runc containernetworking-plugins iptables nftables conntrack socat umoci debootstrap gcc libc6-dev)

if [[ $(id -u) -ne 0 ]]; then
  echo "The cluster needs root (it installs packages, starts containerd and the kubelet, and changes network settings); run it as root." >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing Debian packages (${missing[*]}) and no apt-get to install them; this cluster needs Debian 12 or a derivative." >&2
  exit 1
fi

echo "[cluster] installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Package scripts must not start services (containerd): the cluster runs its own, with its state in .cluster/.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
fi
trap 'if ((created_policy)); then rm -f "$policy"; fi' EXIT
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/emr-cluster-apt.log 2>&1; then
  apt-get update -qq >>/tmp/emr-cluster-apt.log 2>&1
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >>/tmp/emr-cluster-apt.log 2>&1 || {
    tail -n 20 /tmp/emr-cluster-apt.log >&2
    echo "apt-get could not install ${missing[*]} (log: /tmp/emr-cluster-apt.log)." >&2
    exit 1
  }
fi
echo "[cluster] installed: ${missing[*]}"
