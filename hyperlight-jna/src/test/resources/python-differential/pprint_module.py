import pprint
data = {"users": [{"id": i, "name": f"user{i}", "roles": ["admin", "dev"][: i % 3], "meta": {"score": i * 1.5, "tags": tuple(range(i))}} for i in range(4)],
        "config": {"z": 1, "a": [list(range(15))], "nested": {"deep": {"deeper": {"deepest": "x" * 50}}}}}
pprint.pprint(data)
pprint.pprint(data, width=120, depth=2)
pprint.pprint(data["config"], sort_dicts=False, compact=True, indent=2)
print(pprint.pformat(list(range(30)), width=40))
print(pprint.saferepr({"self": None}), pprint.isreadable([1, 2]), pprint.isrecursive([]))
r = [1]; r.append(r); print(pprint.pformat(r).split(" with id=")[0])
pprint.pp({"b": 1, "a": 2})
