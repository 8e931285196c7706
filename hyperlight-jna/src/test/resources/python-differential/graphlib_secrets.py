import graphlib, secrets, string
ts = graphlib.TopologicalSorter({"d": {"b", "c"}, "b": {"a"}, "c": {"a"}, "e": {"d"}})
order = list(ts.static_order()); print(order[0], order[-2:], sorted(order))
ts2 = graphlib.TopologicalSorter(); ts2.add("x", "y"); ts2.add("y", "x")
try:
    ts2.prepare()
except graphlib.CycleError as e:
    print("CycleError", e.args[0])
tok = secrets.token_hex(16); print(len(tok), all(c in string.hexdigits for c in tok), len(secrets.token_bytes(8)), len(secrets.token_urlsafe(12)) >= 16)
print(0 <= secrets.randbelow(10) < 10, secrets.choice("ab") in "ab", secrets.compare_digest(b"a", b"a"))
