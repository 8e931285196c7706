"""Builds the guest's standard library: the pure-Python modules the listed roots need (found by modulefinder, which
follows every import statement, conditional ones too), compiled to code objects and marshalled into one blob that the
guest embeds (stdlib.S) and imports from (runtime.c's meta-path finder), so the guest needs no file system.

Run with a CPython of the guest's minor version (3.13): marshal's format and the bytecode are fixed within a minor
version (CPython's own cross builds freeze modules with the build machine's Python the same way).

Blob format (little-endian): b"CAPY", u32 count, then count entries sorted by name:
  u16 name length, name (UTF-8), u8 is_package, u32 code length, marshalled code object.

usage: embed_stdlib.py LIB_DIR OVERRIDE_DIR OUT_BLOB OUT_LIST ROOT_MODULE...

OVERRIDE_DIR holds the guest's own versions of some modules (python/lib): each replaces the standard one.
"""
import marshal
import modulefinder
import os
import struct
import sys

# Never embedded: what the guest cannot run (processes, sockets, threads, GUI, the REPL), tests, and tools.
EXCLUDED = {
    "__main__", "tkinter", "turtle", "turtledemo", "idlelib", "test", "unittest", "doctest", "pydoc", "pydoc_data",
    "ensurepip", "venv", "lib2to3", "multiprocessing", "concurrent", "asyncio", "subprocess", "socket", "ssl",
    "selectors", "socketserver", "http.server", "xmlrpc", "smtplib", "ftplib", "imaplib", "poplib", "telnetlib",
    "webbrowser", "sqlite3", "dbm", "ctypes", "curses", "readline", "rlcompleter", "_pyrepl", "pdb", "bdb", "code",
    "codeop", "cmd", "getpass", "pty", "tty", "threading_testing", "_pydecimal", "_pyio", "_pylong", "tomllib",
    "mailbox", "email", "http", "urllib.request", "urllib.response", "urllib.robotparser", "netrc", "nturl2path",
    "_osx_support", "_aix_support", "_android_support", "_ios_support", "sysconfig", "platform", "_sysconfigdata",
    "zipapp", "zipfile", "tarfile", "gzip", "bz2", "lzma", "shutil", "tempfile", "glob", "importlib.resources",
    "importlib.metadata", "mimetypes", "wave", "sunau", "aifc", "chunk", "audioop",
}
EXTRA = ["encodings.utf_8", "encodings.latin_1", "encodings.ascii", "encodings.aliases", "encodings.utf_16",
         "encodings.utf_32", "encodings.utf_8_sig", "encodings.cp1252", "encodings.idna", "collections.abc",
         "zoneinfo._tzpath", "zoneinfo._zoneinfo",
         # the codecs programs name most (str.encode/bytes.decode find them by import)
         "encodings.utf_16_le", "encodings.utf_16_be", "encodings.utf_32_le", "encodings.utf_32_be",
         "encodings.unicode_escape", "encodings.raw_unicode_escape", "encodings.rot_13", "encodings.hex_codec",
         "encodings.base64_codec", "encodings.punycode", "encodings.charmap", "encodings.iso8859_2",
         "encodings.iso8859_15", "encodings.cp1250", "encodings.cp1251", "encodings.cp437", "encodings.mac_roman"]


def excluded(name, overrides=()):
    if name in overrides:
        return False
    parts = name.split(".")
    return any(".".join(parts[:i]) in EXCLUDED for i in range(1, len(parts) + 1))


def main():
    lib_dir, override_dir, out_blob, out_list, *roots = sys.argv[1:]
    overrides = {f[:-3]: os.path.join(override_dir, f) for f in os.listdir(override_dir) if f.endswith(".py")}
    finder = modulefinder.ModuleFinder(path=[override_dir, lib_dir], excludes=sorted(set(EXCLUDED) - set(overrides)))
    for root in roots + EXTRA:
        try:
            finder.import_hook(root)
        except ImportError:
            pass  # a C module (built into the guest, or left out): the guest's import says which
    modules = {}
    for name, module in finder.modules.items():
        path = module.__file__
        if not path or not path.endswith(".py") or excluded(name, overrides):
            continue
        if name in overrides:
            path = overrides[name]
        elif not os.path.abspath(path).startswith(os.path.abspath(lib_dir) + os.sep):
            continue
        with open(path, "rb") as f:
            source = f.read()
        is_package = os.path.basename(path) == "__init__.py"
        rel = os.path.relpath(path, override_dir if name in overrides else lib_dir)
        code = compile(source, "<stdlib>/" + rel, "exec", dont_inherit=True, optimize=0)
        modules[name] = (is_package, marshal.dumps(code))
    out = [b"CAPY", struct.pack("<I", len(modules))]
    for name in sorted(modules):
        is_package, data = modules[name]
        encoded = name.encode()
        out += [struct.pack("<H", len(encoded)), encoded, bytes([is_package]), struct.pack("<I", len(data)), data]
    with open(out_blob + ".tmp", "wb") as f:
        f.write(b"".join(out))
    os.replace(out_blob + ".tmp", out_blob)
    with open(out_list, "w") as f:
        for name in sorted(modules):
            f.write(f"{name}\t{len(modules[name][1])}\n")
    missing = sorted(n for n in finder.badmodules if not excluded(n))
    print(f"embedded {len(modules)} modules, {sum(len(d) for _, d in modules.values())} bytes; "
          f"not found (C modules, or left out): {' '.join(missing)}", file=sys.stderr)


if __name__ == "__main__":
    main()
