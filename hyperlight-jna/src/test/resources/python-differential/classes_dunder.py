class Vec:
    __slots__ = ("x", "y")
    def __init__(self, x, y): self.x, self.y = x, y
    def __repr__(self): return f"Vec({self.x}, {self.y})"
    def __add__(self, o): return Vec(self.x + o.x, self.y + o.y)
    def __mul__(self, k): return Vec(self.x * k, self.y * k)
    __rmul__ = __mul__
    def __eq__(self, o): return (self.x, self.y) == (o.x, o.y)
    def __hash__(self): return hash((self.x, self.y))
    def __iter__(self): yield self.x; yield self.y
    def __bool__(self): return bool(self.x or self.y)
    def __len__(self): return 2
    def __getitem__(self, i): return (self.x, self.y)[i]
    def __format__(self, spec): return f"<{format(self.x, spec)}, {format(self.y, spec)}>"
v = Vec(1, 2)
print(v + Vec(3, 4), 3 * v, v * 2, v == Vec(1, 2), len({v, Vec(1, 2)}), list(v), bool(Vec(0, 0)), v[1], f"{v:.2f}", str(v))
class Meta(type):
    def __new__(mcs, name, bases, ns, **kw):
        ns["registered"] = name.lower(); return super().__new__(mcs, name, bases, ns, **kw)
class Base(metaclass=Meta):
    def __init_subclass__(cls, tag="none", **kw):
        super().__init_subclass__(**kw); cls.tag = tag
class Child(Base, tag="kid"): pass
print(Child.registered, Child.tag, Child.__mro__, type(Child).__name__)
class Temp:
    def __init__(self): self._c = 0
    @property
    def c(self): return self._c
    @c.setter
    def c(self, v):
        if v < -273: raise ValueError("too cold")
        self._c = v
    @staticmethod
    def unit(): return "C"
    def __getattr__(self, name): return f"no {name}"
t = Temp(); t.c = 20; print(t.c, Temp.unit(), t.missing, vars(t), hasattr(t, "c"), getattr(t, "zz", 1))
class Ctx:
    def __enter__(self): print("enter"); return self
    def __exit__(self, *exc): print("exit", exc[0].__name__ if exc[0] else None); return True
with Ctx():
    raise RuntimeError("swallowed")
print(super(Child, Child()).__class__.__name__, Vec.__slots__, callable(Vec), isinstance(v, object), id(v) == id(v))
