// The event loop's JavaScript side: timers, and the errors an event loop cannot hand to anyone (a throwing timer,
// microtask or listener ends the program, as an uncaught exception ends Node). Timers live in a heap by due time
// (then by order of creation); the engine's loop calls tick() whenever no promise job is left: it throws such an
// error, or runs one due timer (the engine then runs the jobs that timer queued, as Node does between timers) or says
// how long to sleep until the next one. Timers belong to the execution: the guest's memory is restored and GraalJS's
// context closed after it, whatever is still pending. Shared with the parts after this one: reportUncaught, addTimer,
// removeTimer, refreshTimer, refTimer, timerById, tick and forgetPending (90-protocol.js hands those two to the engine).
const { reportUncaught, addTimer, removeTimer, refreshTimer, refTimer, timerById, tick, forgetPending } = (() => {
  const apply = Reflect.apply, freeze = Object.freeze, now = native.now_ms;
  const NONE = {};
  let uncaught = NONE;
  function reportUncaught(error) {
    if (uncaught === NONE) uncaught = error;
  }

  const heap = [];
  const active = new Map(); // id -> timer
  let sequence = 0, nextId = 1, referenced = 0;
  const earlier = (a, b) => a.due < b.due || (a.due === b.due && a.seq < b.seq);
  function heapPush(entry) {
    let i = heap.push(entry) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }
  function heapPop() {
    const top = heap[0], last = heap.pop();
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < heap.length && earlier(heap[l], heap[m])) m = l;
        if (r < heap.length && earlier(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  }
  function schedule(timer) {
    timer.version++;
    heapPush({ timer, version: timer.version, due: now() + timer.delay, seq: sequence++ });
  }
  function addTimer(callback, delay, args, repeat, ref) {
    const timer = { id: nextId++, callback, args, delay, repeat, ref, version: 0 };
    active.set(timer.id, timer);
    if (ref) referenced++;
    schedule(timer);
    return timer;
  }
  function removeTimer(timer) {
    if (active.get(timer.id) !== timer) return;
    active.delete(timer.id);
    timer.version++;
    if (timer.ref) referenced--;
  }
  /** Timeout.refresh(): a live timer starts its delay again. */
  function refreshTimer(timer) {
    if (active.get(timer.id) === timer) schedule(timer);
  }
  /** Timeout.ref() and unref(): only referenced timers keep the program waiting. */
  function refTimer(timer, ref) {
    if (timer.ref !== ref && active.get(timer.id) === timer) referenced += ref ? 1 : -1;
    timer.ref = ref;
  }
  function timerById(id) {
    return active.get(id);
  }
  function tick() {
    if (uncaught !== NONE) {
      const error = uncaught;
      uncaught = NONE;
      throw error;
    }
    while (heap.length > 0) {
      const entry = heap[0], timer = entry.timer;
      if (entry.version !== timer.version) {
        heapPop();
        continue;
      }
      const wait = entry.due - now();
      if (wait > 0) return referenced > 0 ? wait : -1;
      heapPop();
      if (timer.repeat) schedule(timer);
      else removeTimer(timer);
      apply(timer.callback, timer.handle, timer.args);
      return 0;
    }
    return -1;
  }
  /**
   * An execution starts: what an earlier one left (timers still pending, an error thrown after its end) is dropped.
   * Restored memory has none; a session's, which carries the earlier program's memory over, may have some, and they
   * belong to that program, which has ended.
   */
  function forgetPending() {
    if (heap.length === 0 && active.size === 0 && uncaught === NONE) return;
    heap.length = 0;
    active.clear();
    referenced = 0;
    uncaught = NONE;
  }
  return freeze({ reportUncaught, addTimer, removeTimer, refreshTimer, refTimer, timerById, tick, forgetPending });
})();
