package dev.codeact.benchmarks;

/** The benchmark programs, each written once per language the KVM guests run, doing the same work. */
enum Programs {
    TRIVIAL("return 1 + 1", "1 + 1"),
    ONE_CALL_TOOL("return call_tool('echo', {v: 1}).v", "call_tool('echo', {'v': 1})['v']"),
    /** One call plus {@link BenchSuite#FURTHER_CALLS} more: what each further call adds. */
    ELEVEN_CALL_TOOLS("let s = 0; for (let i = 0; i < 11; i++) s += call_tool('echo', {v: 1}).v; return s",
            "s = 0\nfor i in range(11):\n    s += call_tool('echo', {'v': 1})['v']\ns"),
    /** What the resident-memory figure runs on each VM, with {@link #ONE_CALL_TOOL}. */
    THOUSAND_OBJECTS("const a = []; for (let i = 0; i < 1000; i++) a.push({i}); return a.length",
            "a = [{'i': i} for i in range(1000)]\nlen(a)"),
    RUNAWAY("while (true) {}", "while True:\n    pass"),
    /**
     * The standard-library workload of issue 15's targets: json, dates, counting, statistics and a regular
     * expression over 1,000 records the program makes, summarised per city; both return the same summary (as JSON
     * text, but for Python writing 50.0 where JavaScript writes 50).
     */
    SUMMARISE_RECORDS("""
            const records = Array.from({length: 1000}, (_, i) => ({id: i, city: ['Oslo', 'Lima', 'Pune', 'Kyiv'][i % 4],
              amount: ((i * 7919) % 1000) / 10, date: new Date(Date.UTC(2024, 0, 1 + i % 366)).toISOString().slice(0, 10),
              email: `user${i}@${['example.com', 'example.org'][i % 2]}`}));
            const byCity = {};
            for (const r of records) (byCity[r.city] ??= []).push(r.amount);
            const months = new Map();
            for (const r of records) { const m = new Date(r.date).getUTCMonth() + 1; months.set(m, (months.get(m) ?? 0) + 1); }
            const domains = new Set(records.map(r => /[^@]+@(.+)/.exec(r.email)[1]));
            const mean = a => a.reduce((s, x) => s + x, 0) / a.length;
            const median = a => { const s = [...a].sort((x, y) => x - y), h = s.length >> 1;
              return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2; };
            const cities = {};
            for (const c of Object.keys(byCity).sort()) {
              cities[c] = {n: byCity[c].length, mean: Math.round(mean(byCity[c]) * 100) / 100, median: median(byCity[c])};
            }
            const busiest = [...months].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
            return JSON.stringify({cities, busiestMonth: busiest, domains: domains.size});
            """, """
            import json, datetime, collections, statistics, re
            records = [{"id": i, "city": ("Oslo", "Lima", "Pune", "Kyiv")[i % 4], "amount": (i * 7919) % 1000 / 10,
                        "date": (datetime.date(2024, 1, 1) + datetime.timedelta(days=i % 366)).isoformat(),
                        "email": "user%d@%s" % (i, ("example.com", "example.org")[i % 2])} for i in range(1000)]
            by_city = collections.defaultdict(list)
            for r in records:
                by_city[r["city"]].append(r["amount"])
            months = collections.Counter(datetime.date.fromisoformat(r["date"]).month for r in records)
            domains = {re.match(r"[^@]+@(.+)", r["email"]).group(1) for r in records}
            cities = {c: {"n": len(a), "mean": round(statistics.mean(a), 2), "median": statistics.median(a)}
                      for c, a in sorted(by_city.items())}
            busiest = min(months.items(), key=lambda m: (-m[1], m[0]))[0]
            json.dumps({"cities": cities, "busiestMonth": busiest, "domains": len(domains)}, separators=(",", ":"))
            """);

    final String javascript;
    final String python;

    Programs(String javascript, String python) {
        this.javascript = javascript;
        this.python = python;
    }
}
