# The program-facing Python, run once at boot in __main__ (runtime.c): it defines _codeact_run, which each execution
# calls to run the program in IN and encode its outcome as the JSON the host reads (hostabi.h), and call_tool. The
# in-process backend (GraalPy) runs this same file. python/NOTES.md has the design and measurements.
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
              "posix_spawn", "posix_spawnp", "kill", "killpg", "_exit", "abort"):
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


import codecs as _codecs
import io as _io


class _ConsoleBytes(_io.BufferedIOBase):
    """sys.stdout.buffer / sys.stderr.buffer: bytes, as UTF-8 (the console log is text; a character split across two
    writes is joined)."""

    def __init__(self, stream):
        self._stream = stream
        self._decoder = _codecs.getincrementaldecoder("utf-8")("replace")

    def writable(self):
        return True

    def write(self, data):
        data = memoryview(data).tobytes()
        _codeact.write(self._stream, self._decoder.decode(data))
        return len(data)


class _Console(_io.TextIOBase):
    """sys.stdout / sys.stderr: text straight to the console log (the host splits it by stream). A text stream as
    CPython's: writelines, buffer, reconfigure (nothing to change: always UTF-8), fileno (os.write to 1 or 2 reaches
    the same log through os_shim.c)."""

    def __init__(self, stream, name):
        self._stream = stream
        self._name = name
        self._buffer = _ConsoleBytes(stream)

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not %s" % type(text).__name__)
        _codeact.write(self._stream, text)
        return len(text)

    def writable(self):
        return True

    def isatty(self):
        return False

    def fileno(self):
        return self._stream

    def reconfigure(self, *, encoding=None, errors=None, newline=None, line_buffering=None, write_through=None):
        pass

    @property
    def buffer(self):
        return self._buffer

    @property
    def name(self):
        return self._name

    @property
    def encoding(self):
        return "utf-8"

    @property
    def errors(self):
        return "strict"

    @property
    def line_buffering(self):
        return False


def _exit(code=None):
    """exit() and quit(), which CPython's site module adds to the builtins (the guest does not import site)."""
    raise SystemExit(code)


_builtins.exit = _builtins.quit = _exit

_sys.stdout = _Console(1, "<stdout>")
_sys.stderr = _Console(2, "<stderr>")


class ToolError(Exception):
    """What a failed tool call raises: the tool's message; .tool names the tool."""

    def __init__(self, message, tool=None):
        super().__init__(message)
        self.tool = tool


# The ToolErrors call_tool raised in this execution, kept alive so that their ids stay theirs: an uncaught one is
# TOOL_ERROR, whatever else claims to be.
_tool_errors = {}


def _json_encoder(make_encoder=__import__("_json").make_encoder,
                  encode_string=__import__("_json").encode_basestring_ascii,
                  type=type, TypeError=TypeError):
    """JSON as the protocol writes it, with _json's C encoder bound at boot: what a program does to the json module
    does not reach it; str, int and float are written by their C representations (a subclass's __repr__ is not
    called), big integers exactly; NaN and the infinities are refused (JSON has none)."""

    def refuse(value):
        raise TypeError("%s objects have no JSON form" % type(value).__name__)

    def to_json(value):
        # a fresh encoder each time: its cycle markers are this encoding's own
        return "".join(make_encoder({}, refuse, encode_string, None, ":", ",", False, False, False)(value, 0))

    return to_json


_to_json = _json_encoder()


def _parse_reply(text, scanner=_json.scanner.c_make_scanner, decoder=_json._default_decoder, loads=_json.loads,
                 len=len, StopIteration=StopIteration):
    """json.loads(text) for a reply with no whitespace around its value (what the host sends), straight to the C
    scanner json.loads ends in, without its two regular-expression matches and Python frames; anything else, and
    every error, goes through json.loads itself (python/NOTES.md, Speed)."""
    try:
        value, end = scanner(decoder)(text, 0)
        if end == len(text):
            return value
    except StopIteration:
        pass
    return loads(text)


def _make_call_tool(to_json=_to_json, parse=_parse_reply, host_call=_codeact.host_call, tool_errors=_tool_errors,
                    ToolError=ToolError, new_exception=BaseException.__new__, init_exception=BaseException.__init__,
                    set_attribute=object.__setattr__, isinstance=isinstance, id=id, str=str, TypeError=TypeError,
                    ValueError=ValueError):
    def tool_error(message, name):
        """A ToolError made without its class's __init__ or __setattr__, which the program may have replaced."""
        error = new_exception(ToolError, message)
        init_exception(error, message)
        set_attribute(error, "tool", name)
        return error

    def call_tool(name, args=None, /, **kwargs):
        """Calls a tool of the host: call_tool("find", {"q": 1}) or call_tool("find", q=1); returns its parsed JSON
        reply."""
        if not isinstance(name, str) or not name:
            raise TypeError("call_tool(name, args): name must be a non-empty string")
        if args is None:
            args = kwargs
        elif kwargs:
            raise TypeError("call_tool(name, args, **kwargs): pass the arguments as a dict or as keywords, not both")
        try:
            args_json = to_json(args)
        except (TypeError, ValueError) as e:
            raise TypeError("call_tool(%s): arguments are not JSON-serialisable: %s" % (to_json(name), e)) from None
        ok, reply = host_call('{"name":' + to_json(name) + ',"args":' + args_json + "}")
        if not ok:
            error = tool_error(reply, name)
            tool_errors[id(error)] = error
            raise error
        if not reply:
            return None
        try:
            return parse(reply)
        except ValueError as e:
            raise tool_error("tool %s returned a result that is not JSON: %s" % (to_json(name), e), name) from None

    return call_tool, tool_error


call_tool, _tool_error = _make_call_tool()
del _make_call_tool


def _marked_tool_error(message, tool, make=_tool_error, tool_errors=_tool_errors, id=id):
    """A ToolError that an uncaught raise reports as TOOL_ERROR, as call_tool's own are."""
    error = make(message, tool)
    tool_errors[id(error)] = error
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


# The program's module: sys.modules["__main__"] from the end of boot (runtime.c keeps boot.py's own module)
_program = type(_sys)("__main__")


def _result_assignment(last, ast=_ast, store=_ast.Store()):
    """`__codeact_result__ = <the expression>`, located where the expression is (without fix_missing_locations, which
    walks the whole tree and makes a function each time: every execution would write the pages that touches)."""
    where = {"lineno": last.lineno, "col_offset": last.col_offset, "end_lineno": last.end_lineno,
             "end_col_offset": last.end_col_offset}
    return ast.Assign(targets=[ast.Name("__codeact_result__", store, **where)], value=last.value, **where)


def _make_runner(ast=_ast, linecache=_linecache, traceback=_traceback, builtins=_builtins, native=_codeact,
                 program=_program, to_json=_to_json, seed=__import__("_random").Random.seed,
                 urandom=__import__("os").urandom, from_bytes=int.from_bytes, reseed=__import__("random")._inst,
                 tool_errors=_tool_errors, call_tool=call_tool, ToolError=ToolError, AwaitToolCalls=_AwaitToolCalls,
                 compile_program=_codeact.compile_program, result_assignment=_result_assignment,
                 compile_awaiting=getattr(_codeact, "compile_awaiting", None) or (lambda tree: compile(
                     tree, "<program>", "exec", flags=_ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)),
                 services=_SERVICES,
                 isinstance=isinstance, issubclass=issubclass, type=type, id=id, len=len, str=str, eval=eval,
                 compile=compile, BaseException=BaseException, Exception=Exception, RecursionError=RecursionError,
                 SystemExit=SystemExit, SyntaxError=SyntaxError, StopIteration=StopIteration,
                 RuntimeError=RuntimeError, TypeError=TypeError, ValueError=ValueError, max_text_chars=_MAX_TEXT_CHARS):
    """The driver each execution calls. Everything it uses is bound here, at boot: what a program does to json,
    builtins, traceback, __main__ or ToolError changes at most the text of its own error, never the outcome's shape or
    type (the kind is decided on the exception's real type, not on what its __class__ says)."""

    def clip(text):
        return text if len(text) <= max_text_chars else text[:max_text_chars] + "... (%d more characters)" % (
            len(text) - max_text_chars)

    def text_of(describe, exc):
        """The exception's own text (its __str__ is the program's), or a note that it has none."""
        try:
            text = describe(exc)
            return text if type(text) is str else "(the exception's text is not a str)"
        except BaseException as e:  # noqa: the program's __str__ may raise anything
            return "(the exception's text could not be made: %s)" % type(e).__name__

    def keep_program_frames(te, seen):
        """Drops the frames that are not the program's (boot.py's, the standard library's) from te and from the
        exceptions it was raised from or while handling."""
        if te is None or id(te) in seen:
            return
        seen.add(id(te))
        te.stack = traceback.StackSummary.from_list([f for f in te.stack if f.filename == "<program>"])
        keep_program_frames(te.__cause__, seen)
        keep_program_frames(te.__context__, seen)
        for inner in te.exceptions or ():
            keep_program_frames(inner, seen)

    def program_stack(exc):
        """The Python traceback with the program's frames only."""
        te = traceback.TracebackException.from_exception(exc)
        keep_program_frames(te, set())
        return "".join(te.format())

    def failure(kind, exc):
        outcome = {"ok": False, "type": kind, "name": type(exc).__name__,
                   "message": clip(text_of(str, exc)), "stack": clip(text_of(program_stack, exc))}
        if kind == "TOOL_ERROR":
            outcome["tool"] = text_of(str, exc.tool)
        return to_json(outcome)

    def drive(coroutine):
        """Runs a program that awaits at top level. A tool call completes at once; nothing else ever could (the
        sandbox has no event loop), so the first await that would suspend fails in the program, at its line."""
        try:
            coroutine.send(None)
            while True:
                coroutine.throw(RuntimeError("the program awaited something that never completes: there is no event "
                                             "loop in the sandbox (await call_tool(...) works)"))
        except StopIteration:
            pass

    def run(source=None):  # (the source is given only by the warm-up at the end of boot.py)
        # random's generator was seeded at boot, so every execution would draw the same numbers: seed it afresh from
        # this entry's entropy (os.urandom: os_shim.c rekeys on every entry)
        seed(reseed, from_bytes(urandom(16)))
        if source is None:
            source = native.source()
        # the program's lines in its tracebacks
        linecache.cache["<program>"] = (len(source), None, source.splitlines(True), "<program>")
        try:
            # the value of a final expression statement is the result, as in a notebook cell
            if "await" not in source:  # parsed, rewritten and compiled in C on the parser's own tree (program_compile.c)
                code = compile_program(source, "<program>", "__codeact_result__")
            else:  # the ast module's way, which can also drop the await before call_tool
                tree = AwaitToolCalls().visit(ast.parse(source, "<program>", "exec"))
                body = tree.body
                if body and type(body[-1]) is ast.Expr:
                    body[-1] = result_assignment(body[-1])
                code = compile_awaiting(tree)
        except SyntaxError as e:
            return failure("SYNTAX", e)
        # the program is the __main__ module, as a script is: pickle, typing.get_type_hints and dataclasses find its
        # classes through sys.modules[cls.__module__] (boot.py's own module is not the program's to see). The module
        # is made at boot, so each execution starts with it empty (the snapshot) without making one (~9 pages fewer).
        namespace = program.__dict__
        namespace.update(__builtins__=builtins, call_tool=call_tool, ToolError=ToolError, **services)
        namespace.pop("__codeact_result__", None)  # an earlier program's, in a session (whose memory carries over)
        try:
            coroutine = eval(code, namespace)
            if coroutine is None:  # an engine without top-level await leaves its coroutine here (GraalPy's compile_awaiting)
                coroutine = namespace.pop("__codeact_coroutine__", None)
            if coroutine is not None:  # the program awaits at top level
                drive(coroutine)
            result = namespace.get("__codeact_result__")
            try:
                return '{"ok":true,"result":' + to_json(result) + "}"
            except (TypeError, ValueError) as e:
                raise type(e)("the result is not JSON-serialisable: %s" % text_of(str, e)) from None
        except BaseException as e:
            if issubclass(type(e), SystemExit) and (e.code is None or (type(e.code) is int and e.code == 0)):
                # sys.exit() or sys.exit(0): the program ended well, as a script does
                return '{"ok":true,"result":null}'
            kind = ("TOOL_ERROR" if id(e) in tool_errors else
                    "STACK_OVERFLOW" if issubclass(type(e), RecursionError) else "RUNTIME")
            return failure(kind, e)
        finally:
            if tool_errors:  # (clearing an empty dict still writes it)
                tool_errors.clear()

    return run


_codeact_run = _make_runner()
del _make_runner


_sys.modules["__main__"] = _program

# Warm-up: a few programs run at boot, so that what every execution needs is already in the snapshot (the types'
# attribute caches filled, boot.py's bytecode specialised, the freelists stocked) instead of being written again by
# each execution: every page an execution writes is one the host restores after it (python/NOTES.md, Speed).
# call_tool's own path too, over a stand-in for the host (no host call can leave the guest during its boot). What the
# programs leave (the program module's names, linecache's entry) is taken back: each execution starts as before.
_fresh_program = dict(_program.__dict__)
_host_cell = call_tool.__closure__[call_tool.__code__.co_freevars.index("host_call")]  # the host_call it bound
_host_call, _host_cell.cell_contents = _host_cell.cell_contents, lambda request: (True, '{"v": 1}')
for _warm in ("pass", "x = [i * 2 for i in range(10)]\nx", "{'a': [1, 2.5, None, True, 'b']}",
              "def f():\n    return 1 / 0\nf()", "(", "call_tool('echo', {'v': 1})['v']", "call_tool('echo', v=[1])",
              "1+1"):
    for _ in range(3):
        _codeact_run(_warm)
_host_cell.cell_contents = _host_call
_program.__dict__.clear()
_program.__dict__.update(_fresh_program)
_linecache.cache.pop("<program>", None)
del _warm, _, _host_call, _host_cell, _fresh_program

# Everything made so far is the snapshot's: the collector need never look at it again (fewer pages touched per run).
import gc as _gc
_gc.collect()
_codeact.immortalize()  # and no execution writes their reference counts (immortal.c)
del _codeact.immortalize  # a step of the boot, not for programs
_gc.freeze()
