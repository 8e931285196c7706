// AbortController and AbortSignal: aborting, reasons, listeners, timeouts, any().
const controller = new AbortController();
const { signal } = controller;
const seen = [];
signal.addEventListener('abort', (event) => seen.push('listener ' + event.type + ' ' + (event.target === signal)));
signal.onabort = () => seen.push('onabort');
console.log(signal.aborted, signal.reason);
controller.abort();
controller.abort('again');
console.log(signal.aborted, signal.reason.name, signal.reason.message, signal.reason instanceof DOMException, seen.join(', '));
try {
  signal.throwIfAborted();
} catch (e) {
  console.log('thrown', e.name, e.code);
}
const custom = new AbortController();
custom.abort(new Error('user cancelled'));
console.log(custom.signal.reason.message, AbortSignal.abort('why').reason);
const timed = AbortSignal.timeout(20);
let reason;
timed.addEventListener('abort', () => { reason = timed.reason; }, { once: true });
await new Promise((resolve) => setTimeout(resolve, 60));
console.log(timed.aborted, reason.name, reason.message, reason.code);
const first = new AbortController(), second = new AbortController();
const either = AbortSignal.any([first.signal, second.signal]);
second.abort('second wins');
console.log(either.aborted, either.reason);
const cancellable = (ms, signal) => new Promise((resolve, reject) => {
  const id = setTimeout(resolve, ms, 'finished');
  signal.addEventListener('abort', () => { clearTimeout(id); reject(signal.reason); });
});
const stop = new AbortController();
setTimeout(() => stop.abort(), 10);
try {
  await cancellable(1000, stop.signal);
} catch (e) {
  console.log('cancelled:', e.name);
}
console.log(await cancellable(5, new AbortController().signal));
try {
  new AbortSignal();
} catch (e) {
  console.log(e.name, e.message);
}
const target = new EventTarget();
let count = 0;
const listener = () => count++;
target.addEventListener('ping', listener);
target.addEventListener('ping', listener);
target.dispatchEvent(new Event('ping'));
target.removeEventListener('ping', listener);
target.dispatchEvent(new Event('ping'));
console.log('count', count);
return seen;
