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
_UNAVAILABLE_MODULES = {
    "subprocess": "processes", "multiprocessing": "processes", "concurrent": "processes or threads",
    "socket": "network sockets", "ssl": "network sockets", "select": "network sockets",
    "selectors": "network sockets", "asyncio": "event loop (await call_tool(...) works without one)",
    "http": "network sockets (fetch(url) reaches what the host allows)",
    "urllib.request": "network sockets (fetch(url) reaches what the host allows)",
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


def call_tool(name, args=None, /, **kwargs):
    """Calls a tool of the host: call_tool("find", {"q": 1}) or call_tool("find", q=1); returns its parsed JSON reply."""
    if not isinstance(name, str) or not name:
        raise TypeError("call_tool(name, args): name must be a non-empty string")
    if args is None:
        args = kwargs
    elif kwargs:
        raise TypeError("call_tool(name, args, **kwargs): pass the arguments as a dict or as keywords, not both")
    try:
        args_json = _json.dumps(args, separators=(",", ":"), allow_nan=False)
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
        return _json.loads(reply)
    except ValueError as e:
        raise ToolError("tool %s returned a result that is not JSON: %s" % (_json.dumps(name), e), name) from None


def _marked_tool_error(message, tool):
    error = ToolError(message, tool)
    _tool_errors.add(id(error))
    return error


# The host's other services, as the program's globals (python/lib/_codeact_fetch.py, _codeact_tools.py)
import _codeact_fetch
import _codeact_tools
_SERVICES = {"fetch": _codeact_fetch.fetch, "FetchError": _codeact_fetch.FetchError,
             **_codeact_tools.functions(_marked_tool_error)}


_HOST_CALLS = ("call_tool", "fetch", "search_tools", "describe_tool")


class _AwaitToolCalls(_ast.NodeTransformer):
    """`await call_tool(...)` (or fetch, search_tools...) is the same call: a host call returns its reply, there is
    nothing to wait for."""

    def visit_Await(self, node):
        self.generic_visit(node)
        value = node.value
        if isinstance(value, _ast.Call) and isinstance(value.func, _ast.Name) and value.func.id in _HOST_CALLS:
            return value
        return node


def _clip(text):
    return text if len(text) <= _MAX_TEXT_CHARS else text[:_MAX_TEXT_CHARS] + "... (%d more characters)" % (
        len(text) - _MAX_TEXT_CHARS)


def _program_frames(tb):
    """The traceback without the frames that are not the program's (boot.py's, the standard library's)."""
    frames = [f for f in _traceback.extract_tb(tb) if f.filename == "<program>"]
    return _traceback.StackSummary.from_list(frames)


def _failure(kind, exc):
    te = _traceback.TracebackException.from_exception(exc)
    te.stack = _program_frames(exc.__traceback__)
    stack = "".join(te.format())
    outcome = {"ok": False, "type": kind, "name": type(exc).__name__, "message": _clip(str(exc)), "stack": _clip(stack)}
    if kind == "TOOL_ERROR":
        outcome["tool"] = str(exc.tool)
    return _json.dumps(outcome)


def _codeact_run():
    source = _codeact.source()
    # the program's lines in its tracebacks
    _linecache.cache["<program>"] = (len(source), None, source.splitlines(True), "<program>")
    try:
        tree = _AwaitToolCalls().visit(_ast.parse(source, "<program>", "exec"))
        # the value of a final expression statement is the result, as in a notebook cell
        if tree.body and isinstance(tree.body[-1], _ast.Expr):
            last = tree.body[-1]
            tree.body[-1] = _ast.copy_location(
                _ast.Assign(targets=[_ast.Name("__codeact_result__", _ast.Store())], value=last.value), last)
            _ast.fix_missing_locations(tree)
        code = compile(tree, "<program>", "exec", flags=_ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    except SyntaxError as e:
        return _failure("SYNTAX", e)
    namespace = {"__name__": "__main__", "__builtins__": _builtins, "call_tool": call_tool, "ToolError": ToolError,
                 **_SERVICES}
    try:
        coroutine = eval(code, namespace)
        if coroutine is not None:  # the program awaits at top level
            try:
                while True:
                    coroutine.send(None)
            except StopIteration:
                pass
        result = namespace.get("__codeact_result__")
        return '{"ok":true,"result":' + _json.dumps(result, separators=(",", ":")) + "}"
    except BaseException as e:
        kind = "TOOL_ERROR" if id(e) in _tool_errors else "STACK_OVERFLOW" if isinstance(e, RecursionError) else "RUNTIME"
        return _failure(kind, e)
    finally:
        _tool_errors.clear()


# Everything made so far is the snapshot's: the collector need never look at it again (fewer pages touched per run).
import gc as _gc
_gc.collect()
_gc.freeze()
