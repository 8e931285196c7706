// queueMicrotask and the timer functions, as Node has them (setTimeout returns a Timeout, which converts to its
// number as browsers return it); the timers themselves are the event loop's (21-event-loop.js).
(() => {
  const apply = Reflect.apply, then = Promise.prototype.then, resolved = Promise.resolve();
  function queueMicrotask(callback) {
    requireFunction(callback, 'callback');
    apply(then, resolved, [() => {
      try {
        callback();
      } catch (e) {
        reportUncaught(e);
      }
    }]);
  }

  const TIMEOUT_MAX = 2 ** 31 - 1;
  /** What setTimeout returns in Node (browsers return its number, which this converts to). */
  class Timeout {
    #timer;
    constructor(timer) {
      this.#timer = timer;
      timer.handle = this;
    }
    static of(handle) { return handle.#timer; }
    ref() {
      refTimer(this.#timer, true);
      return this;
    }
    unref() {
      refTimer(this.#timer, false);
      return this;
    }
    hasRef() { return this.#timer.ref; }
    refresh() {
      refreshTimer(this.#timer);
      return this;
    }
    close() {
      removeTimer(this.#timer);
      return this;
    }
    [Symbol.toPrimitive]() { return this.#timer.id; }
  }
  const timerOf = Timeout.of;
  delete Timeout.of;
  class Immediate extends Timeout { }
  function delayOf(ms) {
    const delay = Number(ms);
    return delay >= 1 && delay <= TIMEOUT_MAX ? delay : 1;
  }
  function setTimeout(callback, delay, ...args) {
    requireFunction(callback, 'callback');
    return new Timeout(addTimer(callback, delayOf(delay), args, false, true));
  }
  function setInterval(callback, delay, ...args) {
    requireFunction(callback, 'callback');
    return new Timeout(addTimer(callback, delayOf(delay), args, true, true));
  }
  function setImmediate(callback, ...args) {
    requireFunction(callback, 'callback');
    return new Immediate(addTimer(callback, 0, args, false, true));
  }
  function clearTimer(handle) {
    if (handle instanceof Timeout) {
      removeTimer(timerOf(handle));
    } else if (typeof handle === 'number' || typeof handle === 'string') {
      const timer = timerById(Number(handle));
      if (timer) removeTimer(timer);
    }
  }
  addGlobals(['queueMicrotask', queueMicrotask], ['setTimeout', setTimeout], ['setInterval', setInterval],
             ['setImmediate', setImmediate], ['clearTimeout', clearTimer], ['clearInterval', clearTimer],
             ['clearImmediate', clearTimer]);
})();
