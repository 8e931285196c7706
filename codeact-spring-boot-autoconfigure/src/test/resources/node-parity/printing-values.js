// console.log of values JSON gets wrong or drops: undefined, BigInt, NaN, -0, Dates, functions, symbols, typed
// arrays, class instances, cycles; a value holding one prints whole as Node shows it. (Plain data alone prints as
// JSON, which Node does not: see ExecutionContractTest.)
console.log('text', 42, true, null);
console.log(undefined, { u: undefined, n: null }, [undefined, 1], [ , 'hole']);
console.log(10n, { big: 2n ** 64n }, [1n]);
console.log(NaN, -0, [Infinity, -Infinity], { ratio: 0 / 0 });
console.log(new Date(Date.UTC(2024, 1, 29, 13, 5)), { at: new Date(0) }, new Date(NaN));
console.log(function add(a, b) { return a + b; }, () => 1, class Order {}, { handler() {} }, async function load() {});
console.log(Symbol('id'), { kind: Symbol.iterator });
console.log(new Uint8Array([1, 2, 3]), new Float64Array(2), new Int16Array([-1, 300]));
console.log(new Uint8Array(20));
class Customer { constructor(name) { this.name = name; this.orders = []; } }
console.log(new Customer('Ada'), [new Customer('Bob')]);
class Empty {}
console.log(new Empty(), Object.create(null));
const node = { name: 'root', children: [] };
node.children.push({ name: 'leaf', parent: node });
console.log(node);
const self = { id: 1 };
self.me = self;
console.log([self]);
console.log(/ab+c/gi, [/x/], new Number(3), new String('s'), new Boolean(false));
console.log([1.5, 'a', { b: 'c' }, undefined], { 'needs-quotes': 1, valid_key: 2, 3: 'num', u: undefined });
console.log({ s: 'it\'s "quoted"', u: undefined }, ['line\nbreak', undefined]);
console.log(Array.from({ length: 30 }, (_, i) => i * i).concat([undefined]));
console.log({ long: 'x'.repeat(90), other: 'y'.repeat(10), when: new Date(0) });
console.log(Promise.reject, typeof Promise.resolve(1), [Math.max], Object.assign(() => {}, { extra: 1 }));
console.log('%s has %d items costing %i (%f) %j %o', 'cart', 3, 42.9, 1.5, { a: 1 }, [1]);
console.log('100%', 'literal', '%s');
return { printed: true };
