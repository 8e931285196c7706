from fractions import Fraction
a = Fraction(3, 4); b = Fraction("5/6")
print(a + b, a - b, a * b, a / b, a ** 2, -a, abs(-b), a < b)
print(Fraction(0.1), Fraction(0.1).limit_denominator(100), Fraction("3.1415926535").limit_denominator(1000))
print(Fraction(1, 3) + 1, float(Fraction(22, 7)), round(Fraction(7, 2)), round(Fraction(22, 7), 2), int(Fraction(-7, 2)))
print(sum(Fraction(1, n) for n in range(1, 11)), Fraction(6, 4).as_integer_ratio(), Fraction(5).is_integer())
print(f"{Fraction(1, 3):.5f}", format(Fraction(22, 7), ".3g"), Fraction(10**20, 3))
try:
    Fraction(1, 0)
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
