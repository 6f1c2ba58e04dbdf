#!/usr/bin/env bash
# Installs the Debian packages the Python peers of the benchmark need (run as root, or with sudo available).
# The peers run under the system interpreter, /usr/bin/python3, which sees Debian's packages.
set -euo pipefail

packages=(python3-numpy python3-dill python3-dask python3-distributed)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update
"${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${packages[@]}"

/usr/bin/python3 -c 'import numpy, dill, dask, distributed; print("peers ready: numpy", numpy.__version__, "dill", dill.__version__, "dask", dask.__version__, "distributed", distributed.__version__)'
