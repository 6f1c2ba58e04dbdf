#!/usr/bin/env bash
# Starts the object stores BatchPool's storage tests use, from npm (installed here on first use; Node 20 from Debian):
#   s3rver (S3) on 127.0.0.1:4568, credentials S3RVER/S3RVER, bucket 'batchpool';
#   Azurite (Azure Blob) on 127.0.0.1:10000, account devstoreaccount1 with Azurite's well-known key;
#   a second Azurite on the Slurm test cluster's bridge (10.197.0.1:10001) when that bridge exists, for jobs on its nodes.
# Idempotent: a server already answering is left running. Stop with ci/storage/stop.sh. Data lives in /tmp/batchpool-storage.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data=/tmp/batchpool-storage
mkdir -p "$data/s3" "$data/azure" "$data/azure-slurm"
if ! command -v node >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
if [ ! -x "$here/node_modules/.bin/azurite-blob" ] || [ ! -x "$here/node_modules/.bin/s3rver" ]; then
  (cd "$here" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi
answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_for() {
  for _ in $(seq 100); do answers "$1" "$2" && return 0; sleep 0.1; done
  echo "storage: nothing answers on $1:$2; see $data/$3.log" >&2; tail -n 20 "$data/$3.log" >&2; exit 1
}
if ! answers 127.0.0.1 4568; then
  # Its continuation tokens (listings of more than 1000 keys) use a cipher that Node's OpenSSL 3 keeps in the legacy provider.
  NODE_OPTIONS=--openssl-legacy-provider setsid "$here/node_modules/.bin/s3rver" --address 127.0.0.1 --port 4568 --directory "$data/s3" \
    --configure-bucket batchpool --silent > "$data/s3rver.log" 2>&1 < /dev/null &
  echo $! > "$data/s3rver.pid"
fi
azurite() { # address port folder name
  if ! answers "$1" "$2"; then
    setsid "$here/node_modules/.bin/azurite-blob" --blobHost "$1" --blobPort "$2" --location "$data/$3" \
      --skipApiVersionCheck --loose --disableTelemetry > "$data/$4.log" 2>&1 < /dev/null &
    echo $! > "$data/$4.pid"
  fi
}
azurite 127.0.0.1 10000 azure azurite
slurm_bridge=$(ip -4 -o addr show bpslurm0 2>/dev/null | awk '{print $4}' | cut -d/ -f1 || true)
if [ -n "$slurm_bridge" ]; then azurite "$slurm_bridge" 10001 azure-slurm azurite-slurm; fi
wait_for 127.0.0.1 4568 s3rver
wait_for 127.0.0.1 10000 azurite
if [ -n "$slurm_bridge" ]; then wait_for "$slurm_bridge" 10001 azurite-slurm; fi
echo "storage: s3rver on 127.0.0.1:4568, Azurite on 127.0.0.1:10000${slurm_bridge:+ and $slurm_bridge:10001}"
