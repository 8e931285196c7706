import array, struct
a = array.array("i", [1, 2, 3]); a.append(4); a.extend([5, 6]); print(a, a.itemsize >= 2, a.tolist(), a[::-1], a.index(3))
b = array.array("d", [1.5, 2.5]); print(b, b.tobytes().hex(), array.array("d", b.tobytes()))
u = array.array("B", b"hello"); u.reverse(); print(u.tobytes(), array.array("u", "hi"))
print(struct.pack("<I", 1), struct.pack(">I", 1), struct.pack("<hHbB?", -2, 65535, -1, 255, True), struct.calcsize("<iqd"))
print(struct.unpack("<3sxH", b"abc\x00\x10\x00"), struct.pack("<f", 1.1), struct.unpack("<f", struct.pack("<f", 1.1)))
print(struct.pack("!q", -1).hex(), list(struct.iter_unpack("<H", b"\x01\x00\x02\x00")), struct.Struct("<2i").size)
buf = bytearray(8); struct.pack_into("<ii", buf, 0, 7, -7); print(buf, struct.unpack_from("<i", buf, 4))
try:
    struct.pack("<B", 256)
except struct.error as e:
    print("struct.error:", e)
print(struct.pack("<e", 0.5), struct.pack("<5p", b"ab"), memoryview(b"abcd")[1:3].tobytes(), memoryview(bytes(range(4))).cast("H").tolist())
