#!/usr/bin/env bash
# Starts a Docker engine for BatchPool's Docker backend and its tests: Debian's dockerd (package docker.io), listening on
# the unix socket only, with no bridge and no iptables rules (jobs run with networking "none"). Installs docker.io when
# dockerd is missing. Does nothing when an engine already answers on /var/run/docker.sock.
set -euo pipefail
pidfile=/run/batchpool-dockerd.pid
log=/var/log/batchpool-dockerd.log
docker_ok() { timeout 10 docker version >/dev/null 2>&1; }
if docker_ok; then
    echo "docker engine already running"
    exit 0
fi
if ! command -v dockerd >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends docker.io >/dev/null
fi
setsid dockerd --bridge=none --iptables=false --ip6tables=false --pidfile "$pidfile" \
    --host unix:///var/run/docker.sock --default-ulimit nofile=20000:20000 --default-ulimit nproc=32768:32768 \
    >"$log" 2>&1 </dev/null &
for _ in $(seq 120); do docker_ok && break; sleep 0.5; done
if ! docker_ok; then
    echo "dockerd did not start; its log ($log):" >&2
    tail -n 40 "$log" >&2
    exit 1
fi
echo "docker engine started (pid $(cat "$pidfile"))"
