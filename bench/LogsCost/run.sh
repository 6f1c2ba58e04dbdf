#!/usr/bin/env bash
# What keeping every call's log and the status document costs W1 (issue 20's budget: 5 %). Builds this program twice from
# the commit checked out (HEAD): as it is ("on"), and with logs-off.patch applied ("off": no status document loop or job
# records, no per-call log capture or native-output pipe in the worker). Then runs the two alternately, ROUNDS rounds
# of MAPS maps each, and prints the medians: the fresh program's first map, and the warm maps after it.
# Usage: bench/LogsCost/run.sh [ROUNDS] [MAPS]
set -euo pipefail
rounds=${1:-10}
maps=${2:-4}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'git -C "$repo" worktree remove --force "$work/on" 2>/dev/null || true; git -C "$repo" worktree remove --force "$work/off" 2>/dev/null || true; rm -rf "$work"' EXIT
for variant in on off; do
  git -C "$repo" worktree add --detach --quiet "$work/$variant" HEAD
  if [ "$variant" = off ]; then git -C "$work/off" apply "$repo/bench/LogsCost/logs-off.patch"; fi
  dotnet build "$work/$variant/bench/LogsCost" -c Release -o "$work/$variant-bin" -nologo -v quiet > "$work/$variant-build.log" || { cat "$work/$variant-build.log"; exit 1; }
done
echo "W1 logs and status cost at $(git -C "$repo" rev-parse --short HEAD): $rounds rounds of $maps maps, load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
  for variant in on off; do
    dotnet "$work/$variant-bin/LogsCost.dll" "$maps" | sed "s/^/$variant /"
  done
done > "$work/runs.log"
python3 - "$work/runs.log" <<'PY'
import re, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    m = re.match(r'(\w+) map (\d+): wall (\d+) ms, client cpu (\d+) ms, (\d+) B/job', line)
    variant, index, wall, cpu, alloc = m.group(1), int(m.group(2)), *map(int, m.groups()[2:])
    runs.setdefault((variant, 'fresh' if index == 0 else 'warm'), []).append((wall, cpu, alloc))
for kind in ('fresh', 'warm'):
    med = {v: [statistics.median(x[i] for x in runs[(v, kind)]) for i in range(3)] for v in ('on', 'off')}
    on, off = med['on'], med['off']
    print(f"{kind:5} ({len(runs[('on', kind)])} maps each): wall on {on[0]:.0f} ms / off {off[0]:.0f} ms = {on[0] / off[0]:.3f}; "
          f"client cpu {on[1]:.0f} / {off[1]:.0f} ms = {on[1] / off[1]:.3f}; allocated {on[2]:.0f} / {off[2]:.0f} B per job")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
