# Python in a fresh micro-VM: the standard library, stdout and stderr, a tool call, a final expression as the result.
import json, statistics, sys
from collections import Counter
from dataclasses import dataclass


@dataclass
class Order:
    customer: str
    total: float


orders = [Order("ada", 30.5), Order("linus", 12.0), Order("ada", 7.25)]
per_customer = Counter()
for order in orders:
    per_customer[order.customer] += order.total
for name, total in per_customer.most_common():
    print(f"{name.upper():<6} {total:8.2f}")
print("median order:", statistics.median(o.total for o in orders))
print("this line goes to stderr", file=sys.stderr)
reply = call_tool("echo", {"orders": len(orders)})
print(json.dumps(reply, sort_keys=True))
{"customers": len(per_customer), "total": sum(per_customer.values())}
