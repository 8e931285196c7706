import hashlib, hmac
for name in ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256", "blake2b", "blake2s"):
    h = hashlib.new(name, b"The quick brown fox"); h.update(b" jumps over the lazy dog")
    print(name, h.digest_size, h.hexdigest())
print(hashlib.sha256(b"").hexdigest(), hashlib.md5(b"a" * 1000000).hexdigest(), hashlib.blake2b(b"x", digest_size=16, key=b"k").hexdigest())
# hashlib.pbkdf2_hmac and scrypt come from OpenSSL only (since 3.12), which the guest leaves out
print(hashlib.shake_128(b"x").hexdigest(16), hashlib.sha3_512(b"x").hexdigest()[:16])
print(hmac.new(b"key", b"message", "sha256").hexdigest(), hmac.digest(b"key", b"msg", "sha1").hex(), hmac.compare_digest("abc", "abc"))
m = hmac.new(b"k", digestmod=hashlib.sha512); m.update(b"part1"); c = m.copy(); c.update(b"part2"); print(m.hexdigest()[:32], c.hexdigest()[:32], m.name)
print(sorted(hashlib.algorithms_guaranteed))
print(hashlib.file_digest(__import__("io").BytesIO(b"file body"), "sha256").hexdigest())
