// structuredClone: deep copies of what models clone, cycles, and what cannot be cloned.
const original = {
  name: 'order', when: new Date(Date.UTC(2024, 0, 2)), tags: new Set(['a', 'b']), counts: new Map([['x', 1], ['y', { z: 2 }]]),
  pattern: /ab+c/gi, bytes: new Uint8Array([1, 2, 3]), nested: { list: [1, [2, [3]]], nothing: null, undef: undefined },
  big: 12345678901234567890n, boxed: new String('s'), error: new RangeError('too far'),
};
original.self = original;
const copy = structuredClone(original);
console.log(copy !== original, copy.self === copy, copy.when instanceof Date, copy.when.toISOString());
console.log(copy.tags.has('b'), copy.counts.get('y').z, copy.counts.get('y') !== original.counts.get('y'));
console.log(copy.pattern.source, copy.pattern.flags, copy.bytes instanceof Uint8Array, Array.from(copy.bytes).join(','));
console.log(JSON.stringify(copy.nested), 'undef' in copy.nested, typeof copy.big, copy.boxed instanceof String);
console.log(copy.error instanceof RangeError, copy.error.message, copy.error.name);
const shared = { v: 1 };
const pair = structuredClone([shared, shared]);
console.log(pair[0] === pair[1]);
const buffer = new ArrayBuffer(8);
const views = structuredClone({ a: new Uint8Array(buffer, 0, 4), b: new Int32Array(buffer, 4, 1) });
console.log(views.a.buffer === views.b.buffer, views.a.byteOffset, views.b.byteOffset, views.a.buffer.byteLength);
class Point { constructor(x) { this.x = x; } get double() { return this.x * 2; } }
const point = structuredClone(new Point(3));
console.log(point instanceof Point, JSON.stringify(point), point.double);
for (const bad of [() => {}, Symbol('s'), { fn() {} }, new WeakMap(), Promise.resolve(1)]) {
  try {
    structuredClone(bad);
    console.log('cloned');
  } catch (e) {
    console.log(e.name, e.message, e instanceof DOMException, e.code);
  }
}
return structuredClone({ n: [1, { m: 'x' }] });
