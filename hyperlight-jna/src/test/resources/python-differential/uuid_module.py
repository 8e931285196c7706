import uuid
print(uuid.uuid3(uuid.NAMESPACE_DNS, "python.org"), uuid.uuid5(uuid.NAMESPACE_URL, "https://example.com/x"), uuid.uuid5(uuid.NAMESPACE_OID, "1.2.3"))
u = uuid.UUID("{12345678-1234-5678-1234-567812345678}")
print(u, u.hex, u.int, u.urn, u.version, u.variant, u.bytes, u.bytes_le.hex(), u.fields, u.time_low)
print(uuid.UUID(int=1), uuid.UUID(bytes=b"\x00" * 16) == uuid.NIL if hasattr(uuid, "NIL") else uuid.UUID(bytes=b"\x00" * 16), uuid.UUID("urn:uuid:12345678123456781234567812345678") == u)
v4 = uuid.uuid4(); print(v4.version, len(str(v4)), v4 != uuid.uuid4())
try:
    uuid.UUID("not-a-uuid")
except ValueError as e:
    print("ValueError:", e)
print(sorted([uuid.UUID(int=3), uuid.UUID(int=1)]), uuid.SafeUUID.unknown)
