import operator as op
rows = [{"n": "b", "v": 2}, {"n": "a", "v": 3}, {"n": "c", "v": 1}]
print(sorted(rows, key=op.itemgetter("v")), list(map(op.itemgetter("n", "v"), rows)))
class P:
    def __init__(self, x, y): self.x, self.y = x, y
    def norm(self, k): return (self.x ** 2 + self.y ** 2) * k
ps = [P(3, 4), P(1, 1)]
print([op.attrgetter("x", "y")(p) for p in ps], [op.methodcaller("norm", 2)(p) for p in ps])
print(op.add(1, 2), op.mul("ab", 3), op.truediv(7, 2), op.floordiv(7, 2), op.mod(7, 3), op.pow(2, 8), op.neg(5), op.not_(0))
print(op.contains([1, 2], 2), op.countOf([1, 1, 2], 1), op.indexOf("abc", "c"), op.getitem("abc", 1), op.concat([1], [2]))
print(op.lt(1, 2), op.eq("a", "a"), op.and_(6, 3), op.or_(6, 3), op.xor(6, 3), op.lshift(1, 4), op.inv(5), op.index(7), op.length_hint([1, 2]))
l = [1, 2, 3]; op.setitem(l, 0, 9); op.delitem(l, 1); print(l, op.iadd([1], [2]), op.call(max, 3, 9))
