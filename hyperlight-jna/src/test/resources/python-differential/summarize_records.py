# the measured case: 1,000 records summarised with json, datetime, collections, statistics, re
import json, datetime, collections, statistics, re, random
rng = random.Random(2024)
regions = ["north", "south", "east", "west"]
records = [{"id": i, "region": rng.choice(regions), "amount": round(rng.uniform(5, 500), 2),
            "date": (datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(366))).isoformat(),
            "email": f"user{i}@{rng.choice(['example.com', 'test.org', 'mail.net'])}"} for i in range(1000)]
text = json.dumps(records)
rows = json.loads(text)
by_region = collections.defaultdict(list)
for r in rows:
    by_region[r["region"]].append(r["amount"])
summary = {k: {"n": len(v), "total": round(sum(v), 2), "mean": round(statistics.mean(v), 4), "median": statistics.median(v),
               "stdev": round(statistics.stdev(v), 4)} for k, v in sorted(by_region.items())}
print(json.dumps(summary, indent=1))
months = collections.Counter(datetime.date.fromisoformat(r["date"]).strftime("%Y-%m") for r in rows)
print(sorted(months.items()))
domains = collections.Counter(re.search(r"@([\w.]+)$", r["email"]).group(1) for r in rows)
print(domains.most_common())
weekday = collections.Counter(datetime.date.fromisoformat(r["date"]).strftime("%A") for r in rows)
print(sorted(weekday.items()), statistics.quantiles([r["amount"] for r in rows], n=10))
