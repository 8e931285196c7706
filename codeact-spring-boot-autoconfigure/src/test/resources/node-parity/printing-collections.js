// console.log of what JSON cannot show: collections, nested in plain data too (then the whole line is Node's view).
console.log(new Map([['alice', 3], ['bob', 5]]));
console.log(new Set([1, 'two', [3]]));
console.log(new Map(), new Set(), new Map([[{ id: 1 }, ['x', 'y']]]));
const byStatus = new Map();
for (const order of [{ id: 1, status: 'open' }, { id: 2, status: 'shipped' }, { id: 3, status: 'open' }]) {
  if (!byStatus.has(order.status)) byStatus.set(order.status, []);
  byStatus.get(order.status).push(order.id);
}
console.log(byStatus);
console.log({ m: new Map([[1, 2]]) });
console.log({ total: 3, groups: new Map([['a', new Set([1, 2])]]) });
console.log([new Set(['a']), new Map([['k', 'v']])]);
console.log('counts:', new Map([['x', 1]]), 'done');
const grouped = new Map();
for (const n of [1, 2, 3, 4, 5]) grouped.set(n % 2 ? 'odd' : 'even', [...(grouped.get(n % 2 ? 'odd' : 'even') || []), n]);
console.log(grouped);
console.log(new Map(Object.entries({ a: 1, b: { c: [1, 2] } })));
console.log(new Set('hello'));
console.log(new Map([['key with spaces', 'value "quoted"'], ["it's", 'x']]));
console.log(new WeakMap(), new WeakSet());
console.log(JSON.stringify([...new Set([3, 1, 3])]), JSON.stringify(Object.fromEntries(new Map([['a', 1]]))));
return [...byStatus];
