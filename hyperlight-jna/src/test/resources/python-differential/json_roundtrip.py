import json
from decimal import Decimal
data = {"name": "Zoë", "values": [1, 2.5, -0.0, 1e100, 10**30, None, True], "nested": {"a": [], "b": {}}, "esc": "tab\t\"q\"\\ \u2028"}
text = json.dumps(data)
print(text)
print(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))
print(json.dumps(data, separators=(",", ":")))
back = json.loads(text)
print(back == data, type(back["values"][4]).__name__)
print(json.loads("[1.10, 2, 3e2]", parse_float=Decimal))
print(json.loads('{"a": 1, "a": 2}'))
for bad in ["{bad", "[1,]", '"unterminated', "NaN"]:
    try:
        print(repr(json.loads(bad)))
    except json.JSONDecodeError as e:
        print("JSONDecodeError:", e.msg, e.lineno, e.colno)
class Enc(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, set):
            return sorted(o)
        return super().default(o)
print(json.dumps({"s": {3, 1, 2}}, cls=Enc))
try:
    json.dumps({"x": object()})
except TypeError as e:
    print("TypeError:", e)
print(json.dumps(float("nan")), json.dumps(float("inf")))
