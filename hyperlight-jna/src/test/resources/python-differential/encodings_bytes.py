s = "Zażółć gęślą jaźń €😀"
for enc in ("utf-8", "utf-16", "utf-16-le", "utf-32", "latin-1", "ascii", "cp1252"):
    try:
        print(enc, s.encode(enc).hex()[:60])
    except UnicodeEncodeError as e:
        print(enc, "UnicodeEncodeError", e.start, e.end, e.reason)
print(s.encode("ascii", "replace"), s.encode("ascii", "ignore"), s.encode("ascii", "xmlcharrefreplace"), s.encode("ascii", "backslashreplace"))
b = s.encode()
print(b.decode("utf-8"), b[:5].decode("utf-8", "replace"), b"\xff\xfe".decode("latin-1"), b"abc\x80".decode("utf-8", "surrogateescape").encode("utf-8", "surrogateescape"))
try:
    b"\xc3\x28".decode("utf-8")
except UnicodeDecodeError as e:
    print("UnicodeDecodeError", e)
print(len(s), len(b), ascii(s), repr("\x00\t\u200b"), "é".encode("idna") if False else "".join(sorted("cab")), bytes(range(5)), bytearray(b"abc").upper())
print(b"a,b".split(b","), b" x ".strip(), b"abc".startswith(b"ab"), bytes.maketrans(b"ab", b"AB"), b"%d-%s" % (5, b"x"), memoryview(b"xyz")[::-1].tobytes())
import codecs
print(codecs.encode("hello", "rot13"), codecs.decode(b"68656c6c6f", "hex"), codecs.lookup("UTF8").name, codecs.BOM_UTF8)
