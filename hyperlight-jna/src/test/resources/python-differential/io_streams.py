import io
s = io.StringIO(); s.write("line 1\n"); print("line 2", file=s); s.writelines(["a\n", "b\n"]); print(repr(s.getvalue()))
s.seek(0); print(s.readline(), s.read(4), s.tell(), list(s))
b = io.BytesIO(b"hello world"); print(b.read(5), b.seek(-5, io.SEEK_END), b.read(), b.getbuffer().nbytes)
w = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="\n"); w.write("żółw\n"); w.flush(); print(w.buffer.getvalue())
r = io.TextIOWrapper(io.BytesIO("a\r\nb\rc\n".encode()), encoding="utf-8"); print(r.readlines())
br = io.BufferedReader(io.BytesIO(b"abc\ndef")); print(br.peek(1)[:1], br.readline(), br.read())
try:
    io.StringIO("x").write(1)
except TypeError as e:
    print("TypeError:", e)
with io.StringIO("closed after") as f:
    pass
# io.text_encoding(None) is "utf-8" in the guest, which runs in UTF-8 mode (PEP 540), "locale" in a CPython started without it
print(f.closed, io.DEFAULT_BUFFER_SIZE, io.text_encoding("ascii"))
