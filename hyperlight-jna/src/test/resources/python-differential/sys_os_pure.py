# what a program learns of its platform without touching files: the same as CPython on Linux x86-64
import sys, os, os.path, locale, struct
print(sys.version_info[:2], sys.implementation.name, sys.platform, os.name, sys.byteorder, sys.maxsize, struct.calcsize("P"))
print(sys.float_info.max, sys.float_info.dig, sys.int_info.bits_per_digit, sys.hash_info.width, sys.maxunicode, sys.getrecursionlimit())
print(sys.getdefaultencoding(), sys.getfilesystemencoding(), sys.flags.optimize, sys.flags.isolated)
print(os.sep, os.pathsep, os.linesep == "\n", os.curdir, os.pardir, os.extsep, os.devnull)
print(os.path.join("a", "b", "c.txt"), os.path.splitext("archive.tar.gz"), os.path.basename("/x/y/z.py"), os.path.dirname("/x/y/z.py"))
print(os.path.normpath("/a/./b/../c//d"), os.path.split("/a/b"), os.path.isabs("/a"), os.path.relpath("/a/b/c", "/a"), os.path.commonpath(["/a/b/c", "/a/b/d"]))
print(os.path.expanduser("relative"), os.path.splitdrive("/a"), os.fspath("p"), os.path.normcase("ABC"), os.path.commonprefix(["interview", "internet"]))
print(locale.getlocale(locale.LC_NUMERIC), locale.localeconv()["decimal_point"], locale.str(1234.5), locale.format_string("%.2f", 3.14159))
print(type(sys.modules).__name__, "json" in sys.modules or True, __name__, sys.getsizeof(0) > 0, sys.intern("s"), callable(sys.exc_info))
