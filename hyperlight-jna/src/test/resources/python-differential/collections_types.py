from collections import Counter, OrderedDict, defaultdict, deque, namedtuple, ChainMap, UserDict
c = Counter("mississippi"); print(c.most_common(), c["s"], c["z"], sorted(c.elements()), c.total())
c2 = Counter(a=3, b=1); print(c + c2, c - c2, c & c2, c | c2, +Counter(a=-1, b=2))
d = defaultdict(list)
for k, v in [("x", 1), ("y", 2), ("x", 3)]:
    d[k].append(v)
print(dict(d), d["missing"], sorted(d))
q = deque([1, 2, 3], maxlen=4); q.appendleft(0); q.append(4); q.rotate(1); print(q, q.popleft(), q.pop(), q.maxlen)
Point = namedtuple("Point", "x y", defaults=[0]); p = Point(1)
print(p, p._asdict(), p._replace(y=5), Point._fields, Point._make([7, 8]), p.x + p.y)
o = OrderedDict(a=1, b=2, c=3); o.move_to_end("a"); o.popitem(last=False); print(o, list(reversed(o)))
cm = ChainMap({"a": 1}, {"a": 2, "b": 3}); print(cm["a"], cm["b"], dict(cm), cm.new_child({"c": 4}).maps)
class Lower(UserDict):
    def __setitem__(self, k, v): super().__setitem__(k.lower(), v)
u = Lower(); u["KEY"] = 1; print(u, "key" in u)
