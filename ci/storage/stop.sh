#!/usr/bin/env bash
# Stops the servers ci/storage/start.sh started (by the process ids it recorded).
data=/tmp/batchpool-storage
for name in s3rver azurite azurite-slurm; do
  if [ -s "$data/$name.pid" ]; then kill "$(cat "$data/$name.pid")" 2>/dev/null || true; rm -f "$data/$name.pid"; fi
done
