from decimal import Decimal, getcontext, localcontext, ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_DOWN, InvalidOperation, DivisionByZero
print(Decimal("0.1") + Decimal("0.2"), Decimal(0.1), Decimal("1.10") * 3, Decimal(10) / Decimal(3))
prices = [Decimal("19.99"), Decimal("5.01"), Decimal("0.333")]
total = sum(prices, Decimal(0))
print(total, total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), Decimal("2.675").quantize(Decimal("0.01")))
print(Decimal("2.5").quantize(Decimal("1"), ROUND_HALF_EVEN), Decimal("-2.5").quantize(Decimal("1"), ROUND_DOWN))
with localcontext() as ctx:
    ctx.prec = 50
    print(Decimal(2).sqrt(), Decimal(1).exp(), Decimal(10).ln(), Decimal(1) / Decimal(7))
print(getcontext().prec, Decimal("1e-30").adjusted(), Decimal("123.4500").normalize(), Decimal("1234.5").as_tuple())
print(Decimal("NaN").is_nan(), Decimal("-Infinity"), Decimal("1.5").compare(Decimal("2")), Decimal("7").fma(2, 1))
print(f"{Decimal('1234567.891'):,.2f}", format(Decimal("0.000012"), ".2e"), round(Decimal("3.14159"), 3), int(Decimal("9.99")))
for expr in ["Decimal(1) / Decimal(0)", "Decimal('abc')", "Decimal('NaN') < 1"]:
    try:
        print(eval(expr))
    except (InvalidOperation, DivisionByZero, TypeError) as e:
        print(type(e).__name__)
print(Decimal(10**30) + 1, Decimal("1e400") * 10, Decimal(3).__pow__(100))
