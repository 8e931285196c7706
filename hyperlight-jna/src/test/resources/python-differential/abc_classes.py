from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence, Iterable, Sized, Callable, MutableMapping
class Shape(ABC):
    @abstractmethod
    def area(self): ...
    def describe(self): return f"{type(self).__name__} with area {self.area()}"
class Sq(Shape):
    def __init__(self, s): self.s = s
    def area(self): return self.s ** 2
try:
    Shape()
except TypeError as e:
    print("TypeError:", e)
print(Sq(3).describe(), isinstance(Sq(1), Shape), issubclass(Sq, ABC))
class Reg(ABC): pass
Reg.register(int); print(isinstance(3, Reg), issubclass(bool, Reg))
class MyMap(Mapping):
    def __init__(self, d): self.d = d
    def __getitem__(self, k): return self.d[k]
    def __iter__(self): return iter(self.d)
    def __len__(self): return len(self.d)
m = MyMap({"a": 1, "b": 2}); print(list(m.items()), m.get("z", 0), "a" in m, m == {"a": 1, "b": 2}, dict(m))
print(isinstance([], Sequence), isinstance({}, MutableMapping), isinstance((x for x in []), Iterable), isinstance(len, Callable), isinstance("s", Sized))
