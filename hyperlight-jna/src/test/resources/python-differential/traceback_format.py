import traceback, sys
source = """
def level1(x):
    return level2(x) + 1
def level2(x):
    return {"a": 1}[x]
level1("missing")
"""
code = compile(source, "<demo>", "exec")
try:
    exec(code, {})
except KeyError as e:
    frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename == "<demo>"]
    for f in frames:
        print(f.filename, f.lineno, f.name, repr(f.line))
    print(traceback.format_exception_only(e))
    print("".join(traceback.format_list(frames)))
try:
    try:
        1 / 0
    except ZeroDivisionError as e:
        raise ValueError("wrapped") from e
except ValueError as e:
    te = traceback.TracebackException.from_exception(e)
    print(type(te.__cause__).__name__, te.exc_type.__name__, str(te), list(te.format_exception_only()))
try:
    exec(compile("x = (1,\n 2,\n", "<bad>", "exec"))
except SyntaxError as e:
    print(traceback.format_exception_only(e))
eg = ExceptionGroup("many", [ValueError("a"), TypeError("b")])
print(traceback.format_exception_only(eg), [type(x).__name__ for x in eg.exceptions])
print(traceback.format_exception_only(NameError("name 'x' is not defined")))
print(sys.exc_info(), repr(traceback.StackSummary.from_list([("f.py", 1, "fn", "pass")])))
