def counter():
    n = 0
    def inc(step=1):
        nonlocal n
        n += step
        return n
    return inc
c = counter(); print(c(), c(), c(10), c.__closure__[0].cell_contents)
def chunks(seq, n):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]
print(list(chunks("abcdefgh", 3)))
def echo():
    received = yield "ready"
    while True:
        received = yield f"got {received}"
e = echo(); print(next(e), e.send(1), e.send("two"))
def delegate():
    result = yield from (x * 2 for x in range(3))
    return result
print(list(delegate()))
def sub():
    yield 1
    return "done"
def outer():
    r = yield from sub()
    yield r
print(list(outer()))
squares = {x: x * x for x in range(6) if x % 2}; gen = (x for x in range(5)); print(squares, sum(gen), sum(gen))
fns = [lambda x, i=i: x + i for i in range(3)]; print([f(10) for f in fns])
print(list(map(lambda t: t[0] * t[1], zip([1, 2, 3], [4, 5, 6]))), list(filter(None, [0, 1, "", "a", None])), list(enumerate("ab", start=1)))
print(any(x > 3 for x in range(5)), all([]), next((x for x in [] if x), "default"), list(zip("abc", range(2), strict=False)))
