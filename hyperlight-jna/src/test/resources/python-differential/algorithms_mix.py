# typical model-written data handling: parsing, grouping, ranking, formatting a report
from collections import defaultdict, Counter, namedtuple
from itertools import groupby
from operator import itemgetter
from datetime import date, timedelta
import re, json, statistics, math
LOG = """2024-03-01 10:00:01 INFO  user=alice action=login  ms=120
2024-03-01 10:05:22 ERROR user=bob   action=upload ms=3400 err="disk full"
2024-03-01 11:00:00 INFO  user=alice action=upload ms=800
2024-03-02 09:12:45 WARN  user=carol action=login  ms=2500
2024-03-02 09:13:00 INFO  user=bob   action=login  ms=90
2024-03-03 23:59:59 ERROR user=alice action=delete ms=15 err="not permitted"
"""
pattern = re.compile(r'^(\S+) (\S+) (\w+)\s+user=(\w+)\s+action=(\w+)\s+ms=(\d+)(?:\s+err="([^"]*)")?$')
Event = namedtuple("Event", "day time level user action ms err")
events = [Event(*m.groups()[:5], int(m.group(6)), m.group(7)) for m in map(pattern.match, LOG.strip().splitlines()) if m]
print(len(events), events[1])
by_user = defaultdict(list)
for e in events:
    by_user[e.user].append(e.ms)
for user, times in sorted(by_user.items(), key=lambda kv: -sum(kv[1])):
    print(f"{user:<6} n={len(times)} total={sum(times):>5} mean={statistics.mean(times):8.2f} max={max(times)}")
print(Counter(e.level for e in events).most_common())
for day, group in groupby(sorted(events, key=itemgetter(0)), key=itemgetter(0)):
    g = list(group)
    print(day, [e.action for e in g], round(math.fsum(e.ms for e in g) / len(g), 3))
errors = [{"user": e.user, "error": e.err, "when": f"{e.day}T{e.time}"} for e in events if e.level == "ERROR"]
print(json.dumps(errors, indent=2))
start = date.fromisoformat(events[0].day)
print([(start + timedelta(days=i)).strftime("%a %d %b") for i in range(4)])
def primes(n):
    sieve = bytearray([1]) * (n + 1); sieve[:2] = b"\x00\x00"
    for i in range(2, int(n ** 0.5) + 1):
        if sieve[i]: sieve[i * i::i] = bytes(len(range(i * i, n + 1, i)))
    return [i for i, v in enumerate(sieve) if v]
print(primes(100)[-5:], len(primes(100000)))
def lcs(a, b):
    dp = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            dp[i + 1][j + 1] = dp[i][j] + 1 if x == y else max(dp[i][j + 1], dp[i + 1][j])
    return dp[-1][-1]
print(lcs("AGGTAB", "GXTXAYB"), sorted(set("mississippi")), "".join(reversed("stressed")), f"{0.1 + 0.2:.17f}", 7 // -2, round(0.125, 2))
matrix = [[1, 2, 3], [4, 5, 6]]
print(list(map(list, zip(*matrix))), [sum(r) for r in matrix], sum(map(sum, matrix)), max(max(r) for r in matrix))
