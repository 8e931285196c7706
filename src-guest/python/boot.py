# The program-facing Python, run once at boot in __main__ (runtime.c): it defines _codeact_run, which each execution
# calls to run the program in IN and encode its outcome as the JSON the host reads (hostabi.h), and call_tool. WORK IN
# PROGRESS (issue 15): see python/NOTES.md for what of the contract is there.
import ast as _ast
import builtins as _builtins
import json as _json
import linecache as _linecache
import sys as _sys
import traceback as _traceback
import _codeact

_MAX_TEXT_CHARS = 16384

# Imported at boot, into the snapshot every execution starts from, so a program's imports of them cost nothing.
_PRELOADED = ("json", "re", "math", "cmath", "statistics", "random", "decimal", "fractions", "itertools", "functools",
              "operator", "collections", "heapq", "bisect", "array", "struct", "copy", "dataclasses", "enum", "typing",
              "abc", "string", "textwrap", "difflib", "unicodedata", "datetime", "zoneinfo", "time", "calendar", "io",
              "csv", "base64", "binascii", "hashlib", "hmac", "uuid", "urllib.parse", "html", "pprint")
for _name in _PRELOADED:
    __import__(_name)
del _name


# What the sandbox does not have says so, by name, rather than failing somewhere inside the standard library.
# (name fetch() in these messages once the guest has it)
_UNAVAILABLE_MODULES = {
    "subprocess": "processes", "multiprocessing": "processes", "concurrent": "processes or threads",
    "socket": "network sockets", "ssl": "network sockets", "select": "network sockets",
    "selectors": "network sockets", "asyncio": "event loop (await call_tool(...) works without one)",
    "http": "network sockets", "urllib.request": "network sockets",
    "ctypes": "native code", "tkinter": "display", "sqlite3": "SQLite", "pty": "terminals", "tty": "terminals",
}


class _UnavailableModules:
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        reason = _UNAVAILABLE_MODULES.get(name) or _UNAVAILABLE_MODULES.get(name.partition(".")[0])
        if reason:
            raise ModuleNotFoundError("No module named %r: the sandbox has no %s" % (name, reason), name=name)
        return None


_sys.meta_path.insert(0, _UnavailableModules)


def _refuse(what, reason):
    def refused(*args, **kwargs):
        raise PermissionError("%s is not available in the sandbox: it has no %s" % (what, reason))
    refused.__name__ = what.rpartition(".")[2]
    return refused


import os as _os
for _name in ("system", "popen", "fork", "forkpty", "execv", "execve", "execl", "execle", "execlp", "execlpe", "execvp",
              "execvpe", "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe",
              "posix_spawn", "posix_spawnp", "kill", "killpg"):
    setattr(_os, _name, _refuse("os." + _name, "processes"))
del _name

import _thread
import threading as _threading
_thread.start_new_thread = _thread.start_new = _refuse("_thread.start_new_thread", "threads")


def _no_thread_start(self):
    raise RuntimeError("threads are not available in the sandbox: it runs one thread")


_threading.Thread.start = _no_thread_start

# zoneinfo: no tz database on the guest; UTC is built in (its TZif, as tzdata ships it), any other key is not found
def _load_tzdata(key, _utc=b'TZif2\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00UTC\x00TZif2\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00UTC\x00\nUTC0\n'):
    if key in ("UTC", "Etc/UTC", "Etc/Universal", "Etc/Zulu", "Universal", "Zulu", "GMT", "Etc/GMT"):
        import io
        return io.BytesIO(_utc)
    import zoneinfo
    raise zoneinfo.ZoneInfoNotFoundError("No time zone found with key %s (the guest knows UTC only)" % key)


import zoneinfo._common as _zoneinfo_common
_zoneinfo_common.load_tzdata = _load_tzdata
del _zoneinfo_common


class _Console:
    """sys.stdout / sys.stderr: text straight to the console log (the host splits it by stream)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        _codeact.write(self._stream, str(text))
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    @property
    def encoding(self):
        return "utf-8"


_sys.stdout = _Console(1)
_sys.stderr = _Console(2)


class ToolError(Exception):
    """What a failed tool call raises: the tool's message; .tool names the tool."""

    def __init__(self, message, tool=None):
        super().__init__(message)
        self.tool = tool


_tool_errors = set()  # ids of the ToolErrors call_tool raised: an uncaught one is TOOL_ERROR, whatever else claims to be


def _json_encoder(allow_nan):
    """What json.dumps(value, separators=(",", ":"), allow_nan=allow_nan) does, straight to the C encoder it ends in:
    JSONEncoder.iterencode makes a function (floatstr) on every call, and every new function writes the runtime's
    function version cache, one more page each execution would dirty (python/NOTES.md, Speed)."""
    default = _json.JSONEncoder().default  # the TypeError for what JSON cannot hold, worded as json.dumps words it
    quote = _json.encoder.encode_basestring_ascii
    make = _json.encoder.c_make_encoder

    def encode(value):
        return "".join(make({}, default, quote, None, ":", ",", False, False, allow_nan)(value, 0))
    return encode


_encode_args = _json_encoder(False)


def _parse_reply(text, _scanner=_json.scanner.c_make_scanner, _decoder=_json._default_decoder):
    """json.loads(text) for a reply with no whitespace around its value (what the host sends), straight to the C
    scanner json.loads ends in, without its two regular-expression matches and Python frames; anything else, and
    every error, goes through json.loads itself."""
    try:
        value, end = _scanner(_decoder)(text, 0)
        if end == len(text):
            return value
    except StopIteration:
        pass
    return _json.loads(text)


def call_tool(name, args=None, /, **kwargs):
    """Calls a tool of the host: call_tool("find", {"q": 1}) or call_tool("find", q=1); returns its parsed JSON reply."""
    if not isinstance(name, str) or not name:
        raise TypeError("call_tool(name, args): name must be a non-empty string")
    if args is None:
        args = kwargs
    elif kwargs:
        raise TypeError("call_tool(name, args, **kwargs): pass the arguments as a dict or as keywords, not both")
    try:
        args_json = _encode_args(args)
    except (TypeError, ValueError) as e:
        raise TypeError("call_tool(%s): arguments are not JSON-serialisable: %s" % (_json.dumps(name), e)) from None
    ok, reply = _codeact.host_call('{"name":' + _json.dumps(name) + ',"args":' + args_json + "}")
    if not ok:
        error = ToolError(reply, name)
        _tool_errors.add(id(error))
        raise error
    if not reply:
        return None
    try:
        return _parse_reply(reply)
    except ValueError as e:
        raise ToolError("tool %s returned a result that is not JSON: %s" % (_json.dumps(name), e), name) from None


class _AwaitToolCalls(_ast.NodeTransformer):
    """`await call_tool(...)` is the same call: a tool call returns its reply, there is nothing to wait for."""

    def visit_Await(self, node):
        self.generic_visit(node)
        value = node.value
        if isinstance(value, _ast.Call) and isinstance(value.func, _ast.Name) and value.func.id == "call_tool":
            return value
        return node


def _clip(text):
    return text if len(text) <= _MAX_TEXT_CHARS else text[:_MAX_TEXT_CHARS] + "... (%d more characters)" % (
        len(text) - _MAX_TEXT_CHARS)


def _program_frames(tb):
    """The traceback without the frames that are not the program's (boot.py's, the standard library's)."""
    frames = [f for f in _traceback.extract_tb(tb) if f.filename == "<program>"]
    return _traceback.StackSummary.from_list(frames)


_encode_result = _json_encoder(True)


def _failure(kind, exc):
    te = _traceback.TracebackException.from_exception(exc)
    te.stack = _program_frames(exc.__traceback__)
    stack = "".join(te.format())
    outcome = {"ok": False, "type": kind, "name": type(exc).__name__, "message": _clip(str(exc)), "stack": _clip(stack)}
    if kind == "TOOL_ERROR":
        outcome["tool"] = str(exc.tool)
    return _json.dumps(outcome)


_STORE = _ast.Store()


def _result_assignment(last):
    """`__codeact_result__ = <the expression>`, located where the expression is (without fix_missing_locations, which
    walks the whole tree and makes a function each time: every execution would write the pages that touches)."""
    where = {"lineno": last.lineno, "col_offset": last.col_offset, "end_lineno": last.end_lineno,
             "end_col_offset": last.end_col_offset}
    return _ast.Assign(targets=[_ast.Name("__codeact_result__", _STORE, **where)], value=last.value, **where)


def _codeact_run(source=None):
    if source is None:
        source = _codeact.source()
    # the program's lines in its tracebacks
    _linecache.cache["<program>"] = (len(source), None, source.splitlines(True), "<program>")
    try:
        # the value of a final expression statement is the result, as in a notebook cell
        if "await" not in source:  # parsed, rewritten and compiled in C, on the parser's own tree (program_compile.c)
            code = _codeact.compile_program(source, "<program>", "__codeact_result__")
        else:  # the ast module's way, which can also drop the await before call_tool
            tree = _AwaitToolCalls().visit(_ast.parse(source, "<program>", "exec"))
            body = tree.body
            if body and type(body[-1]) is _ast.Expr:
                body[-1] = _result_assignment(body[-1])
            code = compile(tree, "<program>", "exec", flags=_ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    except SyntaxError as e:
        return _failure("SYNTAX", e)
    namespace = {"__name__": "__main__", "__builtins__": _builtins, "call_tool": call_tool, "ToolError": ToolError}
    try:
        coroutine = eval(code, namespace)
        if coroutine is not None:  # the program awaits at top level
            try:
                while True:
                    coroutine.send(None)
            except StopIteration:
                pass
        result = namespace.get("__codeact_result__")
        return '{"ok":true,"result":' + _encode_result(result) + "}"
    except BaseException as e:
        kind = "TOOL_ERROR" if id(e) in _tool_errors else "STACK_OVERFLOW" if isinstance(e, RecursionError) else "RUNTIME"
        return _failure(kind, e)
    finally:
        if _tool_errors:
            _tool_errors.clear()


# Warm-up: a few programs run at boot, so that what every execution needs is already in the snapshot (the types'
# attribute caches filled, boot.py's bytecode specialised, the freelists stocked) instead of being written again by
# each execution: every page an execution writes is one the host restores after it (python/NOTES.md, Speed).
# call_tool's own path too, over a stand-in for the host (no host call can leave the guest during its boot).
_host_call, _codeact.host_call = _codeact.host_call, lambda request: (True, '{"v": 1}')
for _program in ("pass", "x = [i * 2 for i in range(10)]\nx", "{'a': [1, 2.5, None, True, 'b']}",
                 "def f():\n    return 1 / 0\nf()", "(", "call_tool('echo', {'v': 1})['v']", "call_tool('echo', v=[1])",
                 "1+1"):
    for _ in range(3):
        _codeact_run(_program)
_codeact.host_call = _host_call
del _program, _, _host_call
_linecache.cache.pop("<program>", None)

# Everything made so far is the snapshot's: the collector need never look at it again (fewer pages touched per run).
import gc as _gc
_gc.collect()
_codeact.immortalize()  # and no execution writes their reference counts (immortal.c)
del _codeact.immortalize  # a step of the boot, not for programs
_gc.freeze()
