from dataclasses import dataclass, field, asdict, astuple, replace, fields, FrozenInstanceError, KW_ONLY
from typing import Optional
@dataclass(order=True)
class Item:
    sort_index: float = field(init=False, repr=False)
    name: str
    price: float
    tags: list = field(default_factory=list)
    note: Optional[str] = None
    def __post_init__(self): self.sort_index = self.price
@dataclass(frozen=True, slots=True)
class Point:
    x: int
    y: int = 0
    _: KW_ONLY
    label: str = "p"
items = [Item("b", 2.5, ["x"]), Item("a", 1.0)]
print(items, sorted(items)[0].name, asdict(items[0]), astuple(items[1]))
p = Point(1, label="origin"); print(p, hash(p) == hash(Point(1, label="origin")), replace(p, y=5), [f.name for f in fields(Point)])
try:
    p.x = 2
except FrozenInstanceError as e:
    print("FrozenInstanceError:", e)
print(Item("c", 3) == Item("c", 3), Item.__match_args__, Point.__slots__)
