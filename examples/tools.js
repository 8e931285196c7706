// call_tool reaches the host; the CLI registers one host function, `echo`, that returns its arguments.
const order = call_tool('echo', { id: 42, lines: [{ sku: 'KB-1', qty: 2, price: 49.5 }, { sku: 'MS-7', qty: 1, price: 19 }] });
const total = order.lines.reduce((sum, l) => sum + l.qty * l.price, 0);
console.log(`order ${order.id}: ${order.lines.length} lines, total ${total.toFixed(2)}`);
try {
  call_tool('missing_tool', {});
} catch (e) {
  console.log(`${e.name}: ${e.message}`);
}
return { id: order.id, total };
