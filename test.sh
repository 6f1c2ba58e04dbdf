#!/usr/bin/env bash
# The test command of the README: builds everything (warnings are errors), checks formatting, runs every test, and
# ends with one summary line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")"
results="$(mktemp -d)"
dotnet build BatchPool.slnx -c Release --nologo -v quiet
dotnet format BatchPool.slnx --verify-no-changes --no-restore
status=0
# A hung test fails the run after 10 minutes (with a dump) instead of holding CI until its time limit. Each test
# assembly writes a report of its own (LogFilePrefix: one file name for all would keep only the last assembly's).
dotnet test BatchPool.slnx -c Release --no-build --nologo --blame-hang-timeout 10m --blame-hang-dump-type mini --logger "trx;LogFilePrefix=results" \
    --results-directory "$results" "$@" || status=$?
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    passed += int(counters.get("passed", 0)); failed += int(counters.get("failed", 0)) + int(counters.get("error", 0))
    skipped += int(counters.get("notExecuted", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
