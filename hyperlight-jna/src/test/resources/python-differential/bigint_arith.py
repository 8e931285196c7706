a = 2 ** 521 - 1
b = 3 ** 300
print(a, b % 1000007, a * b % (10 ** 20), a // b if b else 0, divmod(b, 12345678901234567890))
print(pow(3, 10**6, 10**9 + 7), pow(17, -1, 3120), (-a) >> 500, a.bit_length(), b.bit_count(), (10**50).to_bytes(21, "big").hex())
f = 1
for i in range(1, 301):
    f *= i
print(len(str(f)), str(f)[:40], sum(map(int, str(f))))
print(int("9" * 4000) % 97, hex(2**200), int("-0x" + "f" * 40, 16), float(2**1000) == 2.0**1000, 10**308 * 10 > 1e308)
try:
    float(10**400)
except OverflowError as e:
    print("OverflowError:", e)
import sys
print(sys.get_int_max_str_digits())
try:
    int("1" * 5000)
except ValueError as e:
    print("ValueError:", str(e)[:60])
