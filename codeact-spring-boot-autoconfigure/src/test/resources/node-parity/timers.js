// Timers and microtasks: order of callbacks, intervals, clearing, arguments, sleep helpers.
const order = [];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
setTimeout(() => order.push('timeout 20'), 20);
setTimeout(() => order.push('timeout 0'), 0);
setTimeout((a, b) => order.push('args ' + a + b), 5, 'x', 'y');
queueMicrotask(() => order.push('microtask'));
Promise.resolve().then(() => order.push('promise'));
const cancelled = setTimeout(() => order.push('never'), 1);
clearTimeout(cancelled);
order.push('sync');
await sleep(40);
console.log(order.join(', '));
let ticks = 0;
await new Promise((resolve) => {
  const id = setInterval(() => {
    ticks++;
    if (ticks === 3) {
      clearInterval(id);
      resolve();
    }
  }, 5);
});
console.log('ticks', ticks);
const nested = [];
setTimeout(() => {
  nested.push(1);
  Promise.resolve().then(() => nested.push('micro after 1'));
  setTimeout(() => nested.push(3), 0);
}, 1);
setTimeout(() => nested.push(2), 1);
await sleep(30);
console.log(nested.join(' '));
const started = Date.now();
await sleep(100);
const waited = Date.now() - started;
console.log('waited at least 100 ms:', waited >= 99);
const timeout = setTimeout(() => {}, 1000);
console.log(typeof timeout.ref, typeof timeout.unref, timeout.hasRef(), timeout.unref().hasRef());
clearTimeout(timeout);
const withTimeout = (promise, ms) => Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), ms))]);
try {
  await withTimeout(sleep(200), 10);
} catch (e) {
  console.log(e.message);
}
console.log(await withTimeout(sleep(5).then(() => 'in time'), 100));
let retries = 0;
const flaky = async () => { if (++retries < 3) throw new Error('busy'); return 'done after ' + retries; };
for (let attempt = 0; ; attempt++) {
  try {
    console.log(await flaky());
    break;
  } catch (e) {
    await sleep(2 ** attempt);
  }
}
return ticks;
