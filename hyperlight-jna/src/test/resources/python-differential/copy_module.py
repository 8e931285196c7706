import copy
orig = {"a": [1, [2, 3]], "b": {"c": {4}}}
shallow = copy.copy(orig); deep = copy.deepcopy(orig)
orig["a"][1].append(99)
print(shallow["a"], deep["a"], shallow["a"] is orig["a"], deep["b"] == orig["b"])
class Node:
    def __init__(self, v): self.v, self.next = v, None
    def __repr__(self): return f"Node({self.v})"
n = Node(1); n.next = n
m = copy.deepcopy(n); print(m, m.next is m, m is not n)
class Custom:
    def __init__(self): self.data = [1]
    def __copy__(self): print("__copy__"); c = Custom(); c.data = self.data; return c
    def __deepcopy__(self, memo): print("__deepcopy__"); c = Custom(); c.data = copy.deepcopy(self.data, memo); return c
x = Custom(); print(copy.copy(x).data is x.data, copy.deepcopy(x).data is x.data)
import dataclasses
@dataclasses.dataclass
class P:
    x: int
    y: int = 0
print(copy.replace(P(1, 2), y=5))
