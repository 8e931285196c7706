import pickle
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
import datetime
@dataclass
class Rec:
    a: int
    b: list
obj = {"int": 10**30, "float": 1.5, "list": [1, (2, 3), {4}], "od": OrderedDict(x=1), "rec": Rec(1, ["z"]), "dec": Decimal("1.23"),
       "frac": Fraction(1, 3), "dt": datetime.datetime(2024, 1, 2, 3, 4, 5), "bytes": b"\x00\xff", "none": None}
for proto in range(pickle.HIGHEST_PROTOCOL + 1):
    data = pickle.dumps(obj, protocol=proto)
    print(proto, len(data), pickle.loads(data) == obj)
print(pickle.dumps([1, "a", None], protocol=4).hex(), pickle.loads(pickle.dumps(Rec(2, [3]))))
r = []; r.append(r); back = pickle.loads(pickle.dumps(r)); print(back[0] is back)
try:
    pickle.dumps(lambda: 1)
except (pickle.PicklingError, AttributeError) as e:
    print(type(e).__name__)
