from typing import TypedDict, NamedTuple, Protocol, Literal, Optional, Union, Generic, TypeVar, get_type_hints, get_origin, get_args, Any, Callable, runtime_checkable, cast, overload, Final, Annotated
class Customer(TypedDict, total=False):
    id: int
    name: str
class Pair(NamedTuple):
    left: int
    right: str = "r"
T = TypeVar("T")
class Box(Generic[T]):
    def __init__(self, v: T): self.v = v
@runtime_checkable
class Closable(Protocol):
    def close(self) -> None: ...
class F:
    def close(self): pass
def f(a: int, b: Optional[str] = None) -> list[int]: return [a]
print(get_type_hints(f), get_origin(list[int]), get_args(dict[str, int]), get_args(Union[int, str]), get_args(Literal["a", "b"]))
print(Customer(id=1), sorted(Customer.__required_keys__), sorted(Customer.__optional_keys__), Pair(1), Pair._fields)
print(isinstance(F(), Closable), isinstance(1, Closable), Box[int](3).v, cast(int, "x"), Optional[int], Union[int, None] == Optional[int])
print(int | None, list[dict[str, int]], Callable[[int], str], Annotated[int, "meta"], get_args(Annotated[int, "meta"]))
type Alias = list[int]
print(Alias.__value__, Alias.__name__)
def first[X](xs: list[X]) -> X: return xs[0]
print(first([5, 6]), first.__type_params__)
