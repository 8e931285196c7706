import contextlib, io, sys
@contextlib.contextmanager
def tag(name):
    print(f"<{name}>"); yield name.upper(); print(f"</{name}>")
with tag("b") as t, tag("i"):
    print("inside", t)
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    print("captured")
print(repr(buf.getvalue()))
with contextlib.ExitStack() as stack:
    for n in "xyz":
        stack.enter_context(tag(n))
    stack.callback(print, "callback ran")
class Res(contextlib.AbstractContextManager):
    def __exit__(self, *a): print("res closed")
with Res() as r: print(type(r).__name__)
with contextlib.nullcontext(5) as v: print(v)
err = io.StringIO()
with contextlib.redirect_stderr(err):
    print("to stderr", file=sys.stderr)
print(repr(err.getvalue()))
@contextlib.contextmanager
def failing():
    try:
        yield
    except ValueError as e:
        print("handled", e)
with failing():
    raise ValueError("inside")
print(contextlib.closing(io.StringIO()).__class__.__name__)
