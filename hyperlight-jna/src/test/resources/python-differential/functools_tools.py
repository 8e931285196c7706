import functools
@functools.lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(200), fib.cache_info())
print(functools.reduce(lambda a, b: a * b, range(1, 20)), functools.reduce(lambda a, b: a + b, [], 0))
p = functools.partial(int, base=2); print(p("1011"), p.func.__name__, p.keywords)
@functools.total_ordering
class V:
    def __init__(self, v): self.v = v
    def __eq__(self, o): return self.v == o.v
    def __lt__(self, o): return self.v < o.v
print(V(1) <= V(2), V(3) >= V(2), sorted([V(3), V(1)], key=lambda x: x.v)[0].v)
print(sorted(["b", "A", "c"], key=functools.cmp_to_key(lambda a, b: (a.lower() > b.lower()) - (a.lower() < b.lower()))))
@functools.singledispatch
def kind(x): return "object"
@kind.register
def _(x: int): return "int"
@kind.register(list)
def _(x): return "list"
print(kind(1), kind([]), kind("s"), kind(True))
class C:
    @functools.cached_property
    def value(self):
        print("computing"); return 42
c = C(); print(c.value, c.value)
def deco(f):
    @functools.wraps(f)
    def w(*a): return f(*a)
    return w
@deco
def named(): "doc"
print(named.__name__, named.__doc__, named.__wrapped__.__name__)
