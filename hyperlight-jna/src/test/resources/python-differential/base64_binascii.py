import base64, binascii
data = "żółw 🐢 data".encode()
print(base64.b64encode(data), base64.urlsafe_b64encode(b"\xfb\xff\xfe"), base64.b32encode(b"abc"), base64.b16encode(b"\x00\xff"), base64.b85encode(b"hello"), base64.a85encode(b"hello"))
print(base64.b64decode(base64.b64encode(data)).decode(), base64.b64decode("aGk"+"=", validate=True), base64.b32decode("MFRGG==="), base64.standard_b64decode(b"YQ=="))
try:
    base64.b64decode("abc", validate=True)
except binascii.Error as e:
    print("binascii.Error:", e)
print(binascii.hexlify(b"\x01\xab", "-"), binascii.unhexlify("01ab"), binascii.crc32(b"hello"), binascii.crc_hqx(b"hello", 0), binascii.b2a_base64(b"x"))
print(bytes.fromhex("de ad be ef").hex(":"), binascii.a2b_qp(b"a=3Db"), binascii.b2a_qp(b"a=b\xff"), base64.encodebytes(b"x" * 60))
