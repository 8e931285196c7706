#!/usr/bin/env bash
# Builds everything and runs the whole test suite, then says how many tests passed, failed and were skipped (and
# why), and which modules did not run at all: a module Maven skipped after an earlier failure has no reports, and
# its tests must not read as passed.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
log=$(mktemp)
started=$(mktemp) # its time is the start of this run (the log's changes with every line written to it)
trap 'rm -f "$log" "$started"' EXIT
mvn -B -ntp verify 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
reports=$(find . \( -path '*/surefire-reports/TEST-*.xml' -o -path '*/failsafe-reports/TEST-*.xml' \) -newer "$started" 2>/dev/null)
python3 - "$log" $reports <<'PY' || status=1
import re, sys, xml.etree.ElementTree as ET
log, paths = sys.argv[1], sys.argv[2:]
run = failed = skipped = 0
reasons = {}
for path in paths:
    for case in ET.parse(path).getroot().iter('testcase'):
        run += 1
        if case.find('failure') is not None or case.find('error') is not None:
            failed += 1
        s = case.find('skipped')
        if s is not None:
            skipped += 1
            # a disabled test's reason is its message; a failed assumption's, the first line of its text
            first_line = (s.text or '').strip().split('\n')[0]
            reason = s.get('message') or re.sub(r'^\S*TestAbortedException: (Assumption failed: )?', '', first_line) \
                or 'no reason given'
            reasons[reason] = reasons.get(reason, 0) + 1
# Maven's reactor summary: "[INFO] <module name> ..... SUCCESS|FAILURE|SKIPPED [time]"
modules = re.findall(r'^\[INFO\] (\S.*?) \.{2,} ?(SUCCESS|FAILURE|SKIPPED)', open(log, errors='replace').read(), re.M)
print(f"tests: {run - failed - skipped} passed, {failed} failed, {skipped} skipped")
for reason, n in reasons.items():
    print(f"  skipped {n}: {reason}")
not_run = [name for name, result in modules if result == 'SKIPPED']
for name, result in modules:
    if result == 'FAILURE':
        print(f"  {name}: failed")
for name in not_run:
    print(f"  {name}: not run, an earlier module failed")
if not modules:
    print("  no module ran (see the build output above)")
elif run == 0:
    print("  no test reports were written (see the build output above)")
sys.exit(1 if failed or not_run or not modules or run == 0 else 0)
PY
exit $status
