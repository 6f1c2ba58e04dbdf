#!/usr/bin/env bash
# Stops what ci/slurm/start.sh started (the network namespaces stay, ready for the next start).
for f in /run/slurm/slurmd-node1.pid /run/slurm/slurmd-node2.pid /run/slurm/slurmctld.pid /run/munge/munged.pid; do
  if [ -s "$f" ]; then
    p=$(cat "$f")
    if kill "$p" 2>/dev/null; then
      for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$f"
  fi
done
# daemons whose pid file was lost (a failed start) go too
pkill -x slurmd 2>/dev/null || true
pkill -x slurmctld 2>/dev/null || true
