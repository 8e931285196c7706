class AppError(Exception):
    def __init__(self, code, msg):
        super().__init__(msg); self.code = code
class NotFound(AppError): pass
def find(k):
    raise NotFound(404, f"no {k!r}")
try:
    find("x")
except AppError as e:
    print(type(e).__name__, e.code, e, e.args, repr(e), isinstance(e, Exception))
for f in (lambda: 1 / 0, lambda: [][1], lambda: {}["k"], lambda: int("x"), lambda: None.a, lambda: undefined_name, lambda: "a" + 1, lambda: iter(1), lambda: next(iter([]))):
    try:
        f()
    except Exception as e:
        print(type(e).__name__, "|", e, "|", type(e).__mro__[1].__name__)
try:
    try:
        raise KeyError("inner")
    finally:
        print("finally runs")
except KeyError as e:
    print("caught", repr(e))
try:
    raise ExceptionGroup("group", [ValueError(1), TypeError(2), ValueError(3)])
except* ValueError as eg:
    print("values", [str(x) for x in eg.exceptions])
except* TypeError as eg:
    print("types", [str(x) for x in eg.exceptions])
e = ValueError("x"); e.add_note("a note"); print(e.__notes__)
def gen():
    try:
        yield 1
    except GeneratorExit:
        print("closed")
        raise
g = gen(); next(g); g.close()
with __import__("contextlib").suppress(ZeroDivisionError):
    1 / 0
print("suppressed", issubclass(KeyboardInterrupt, Exception), issubclass(StopIteration, Exception), BaseException.__subclasses__()[:0])
