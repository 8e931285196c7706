import math
vals = [0.0, 0.5, 1.0, 2.0, 10.0, 123.456]
for x in vals:
    print(x, math.sqrt(x), math.floor(x), math.ceil(x), math.trunc(x), math.isclose(x, x + 1e-12))
print(math.pi, math.e, math.tau, math.inf, -math.inf)
print(math.factorial(30), math.comb(50, 25), math.perm(10, 3), math.gcd(462, 1071), math.lcm(4, 6, 10))
print(math.isqrt(10**40 + 12345), math.prod(range(1, 15)), math.fsum([0.1] * 10), sum([0.1] * 10))
print(math.copysign(3, -0.0), math.fmod(7.5, 2), math.modf(3.75), math.frexp(48.0), math.ldexp(0.75, 6))
print(math.hypot(3, 4), math.dist((0, 0), (6, 8)), math.degrees(math.pi), math.radians(180))
print(math.isnan(float("nan")), math.isinf(1e308 * 10), math.isfinite(1.0))
print(math.nextafter(1.0, 2.0), math.ulp(1.0))
print(math.log2(1024), math.log10(1000), math.log(8, 2), math.exp(0), math.pow(2, 10))
print(round(2.5), round(3.5), round(-2.5), round(1.2345, 2), round(12345, -2))
print(divmod(-7, 2), -7 // 2, -7 % 2, 7 / 2, 2 ** -1, (-8) ** (1 / 3) if False else "skip")
print(int("ff", 16), int("0b101", 0), hex(255), oct(8), bin(5), (255).to_bytes(2, "big"), int.from_bytes(b"\x01\x00", "little"))
print(float("1e-7"), 1e16, 1e-5, 0.1 + 0.2, 1 / 3, 2 / 3, 100.0, 1e22, 123456789012345678.0)
print(format(1234.5678, ".2f"), format(0.000123, ".3e"), format(1e6, "g"), format(12345678, ","), format(0.25, "%"))
