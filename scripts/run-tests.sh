#!/usr/bin/env bash
# Builds everything and runs the whole test suite, then says how many tests were skipped and why.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
mvn -B -ntp verify
status=$?
reports=$(find . \( -path '*/surefire-reports/TEST-*.xml' -o -path '*/failsafe-reports/TEST-*.xml' \) 2>/dev/null)
if [ -n "$reports" ] && command -v python3 >/dev/null; then
  python3 - $reports <<'PY' || true
import sys, xml.etree.ElementTree as ET
run = failed = skipped = 0
reasons = {}
for path in sys.argv[1:]:
    suite = ET.parse(path).getroot()
    for case in suite.iter('testcase'):
        run += 1
        if case.find('failure') is not None or case.find('error') is not None:
            failed += 1
        s = case.find('skipped')
        if s is not None:
            skipped += 1
            reason = s.get('message') or 'no reason given'
            reasons[reason] = reasons.get(reason, 0) + 1
print(f"tests: {run - failed - skipped} passed, {failed} failed, {skipped} skipped")
for reason, n in reasons.items():
    print(f"  skipped {n}: {reason}")
PY
fi
exit $status
