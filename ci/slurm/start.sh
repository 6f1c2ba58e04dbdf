#!/usr/bin/env bash
# Installs Slurm from Debian's packages and starts BatchPool's test cluster: munged and slurmctld on the host, and two
# compute nodes (node1, node2), each a slurmd in a network namespace of its own, joined by a private bridge.
# Idempotent: what already runs is left running. Stop with ci/slurm/stop.sh.
#   SLURM_NODE_CPUS=N   CPUs each node advertises (default 4: jobs are mostly waiting, and 2 cores are shared)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
net=10.197.0
cpus="${SLURM_NODE_CPUS:-4}"
export DEBIAN_FRONTEND=noninteractive
packages="slurm-wlm slurmctld slurmd slurm-client munge iproute2"
missing=$(for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

sed -e "s/@NET@/$net/g" -e "s/@CPUS@/$cpus/g" "$here/slurm.conf.in" > /tmp/batchpool-slurm.conf
# A cluster already running reads a changed configuration once told to (below).
reconfigure=0; cmp -s /tmp/batchpool-slurm.conf /etc/slurm/slurm.conf || reconfigure=1
install -D -m 0644 /tmp/batchpool-slurm.conf /etc/slurm/slurm.conf
grep -q " batchpool-ctl\$" /etc/hosts || echo "$net.1 batchpool-ctl" >> /etc/hosts
for n in 1 2; do grep -q " node$n\$" /etc/hosts || echo "$net.1$n node$n" >> /etc/hosts; done

# The network: a bridge on the host (the controller's address) and one namespace per node.
if ! ip link show bpslurm0 >/dev/null 2>&1; then
  ip link add bpslurm0 type bridge
  ip addr add "$net.1/24" dev bpslurm0
  ip link set bpslurm0 up
fi
for n in 1 2; do
  ns="bpnode$n"
  if [ ! -e "/run/netns/$ns" ]; then
    ip netns add "$ns"
    ip link add "bpveth$n" type veth peer name eth0 netns "$ns"
    ip link set "bpveth$n" master bpslurm0 up
    ip -n "$ns" addr add "$net.1$n/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
  fi
done

install -d -o munge -g munge -m 0755 /run/munge
install -d -o munge -g munge -m 0700 /var/log/munge /etc/munge
install -d -o munge -g munge -m 0711 /var/lib/munge
install -d -o slurm -g slurm -m 0755 /run/slurm /var/log/slurm /var/lib/slurm /var/lib/slurm/slurmctld
install -d -o root -g root -m 0755 /var/lib/slurm/slurmd /var/lib/slurm/slurmd/node1 /var/lib/slurm/slurmd/node2
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key
fi

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
if ! alive /run/munge/munged.pid; then
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
fi
# slurmctld binds to the address its own host name resolves to: it runs under a host name of its own (batchpool-ctl,
# the bridge's address), so that it listens on the bridge only, not on loopback or every interface.
alive /run/slurm/slurmctld.pid || unshare --uts sh -c 'hostname batchpool-ctl && exec /usr/sbin/slurmctld'
for n in 1 2; do
  # Each node has its own host name too (slurmd binds to the address it resolves to). nsenter joins only the network
  # namespace: ip netns exec would also remount /sys, hiding the cgroup tree that slurmd reads.
  alive "/run/slurm/slurmd-node$n.pid" ||
    nsenter --net="/run/netns/bpnode$n" unshare --uts sh -c "hostname node$n && exec /usr/sbin/slurmd -N node$n"
done
[ "$reconfigure" = 0 ] || scontrol reconfigure || true
# A node left down by an interrupted fault test (ReturnToService=1 keeps it down) is put back.
for node in $(sinfo -h -N -t down,drain -o '%N' 2>/dev/null | sort -u); do scontrol update nodename="$node" state=resume || true; done
for _ in $(seq 150); do
  [ "$(sinfo -h -N -o '%t' 2>/dev/null | sort -u | tr -d '\n')" = "idle" ] && break
  sleep 0.2
done
sinfo -N -o '%N %t %c %m'
[ "$(sinfo -h -N -o '%t' | sort -u | tr -d '\n')" = "idle" ] || { echo "slurm: the nodes did not come up" >&2; tail -n 20 /var/log/slurm/*.log >&2; exit 1; }
