import cmath
z = complex(3, 4)
print(z, abs(z), z.conjugate(), z * z, z / (1 - 1j), z.real, z.imag)
def show(c):
    print("(%.10g, %.10g)" % (c.real, c.imag))
for f in (cmath.sqrt, cmath.exp, cmath.log, cmath.sin, cmath.cos):
    show(f(z))
show(cmath.sqrt(-1))
print(cmath.polar(1j), cmath.phase(-1), cmath.isclose(cmath.rect(1, cmath.pi), -1, abs_tol=1e-12))
print(complex("1+2j"), repr(complex(0, -0.0)), 2j ** 2)
