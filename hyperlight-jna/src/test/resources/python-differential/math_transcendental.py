import math
# libm results, rounded to 12 significant digits (the last bit may differ between C libraries)
def show(*xs):
    print(" ".join("%.12g" % x for x in xs))
for x in [0.1, 0.5, 1.0, 2.0, 3.0, 10.0]:
    show(math.sin(x), math.cos(x), math.tan(x), math.exp(x), math.log(x), math.atan(x))
show(math.asin(0.5), math.acos(0.5), math.atan2(1, -1), math.sinh(1), math.cosh(1), math.tanh(0.5))
show(math.asinh(1), math.acosh(2), math.atanh(0.5), math.erf(0.5), math.erfc(0.5), math.gamma(5.5), math.lgamma(10.5))
show(math.expm1(1e-5), math.log1p(1e-5), math.cbrt(27.0), math.exp2(10))
