// DOMException, Event and EventTarget (as far as AbortSignal needs them), AbortController and AbortSignal. Shared with
// the parts after this one: DOMException, and AbortSignal's fetch helpers (abortDeadline, abortNow).
const { DOMException, abortDeadline, abortNow } = (() => {
  const apply = Reflect.apply, defineProperty = Object.defineProperty, freeze = Object.freeze, now = native.now_ms;

  // ---- DOMException
  const CODES = { IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
    NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11, SyntaxError: 12,
    InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15, TypeMismatchError: 17, SecurityError: 18,
    NetworkError: 19, AbortError: 20, URLMismatchError: 21, QuotaExceededError: 22, TimeoutError: 23,
    InvalidNodeTypeError: 24, DataCloneError: 25 };
  class DOMException extends Error {
    constructor(message = '', options = 'Error') {
      super(message);
      const name = options !== null && typeof options === 'object' ? (options.name === undefined ? 'Error' : String(options.name))
        : String(options);
      defineProperty(this, 'name', { value: name, writable: true, configurable: true });
      if (options !== null && typeof options === 'object' && 'cause' in options) {
        defineProperty(this, 'cause', { value: options.cause, writable: true, configurable: true });
      }
    }
    get code() { return CODES[this.name] || 0; }
  }
  for (const [name, code] of Object.entries(CODES)) {
    defineProperty(DOMException, name.replace(/[A-Z]/g, (c, i) => (i ? '_' : '') + c).toUpperCase().replace(/_ERROR$/, '_ERR'),
                   { value: code, enumerable: true });
  }
  addGlobals(['DOMException', DOMException]);

  // ---- Event and EventTarget, as far as AbortSignal needs them
  class Event {
    #type; #cancelable; #defaultPrevented = false; #target = null; #stopped = false;
    constructor(type, init) {
      if (arguments.length === 0) throw argTypeError('The "type" argument must be specified', 'ERR_MISSING_ARGS');
      this.#type = String(type);
      this.#cancelable = Boolean(init && init.cancelable);
      defineProperty(this, 'timeStamp', { value: now(), enumerable: true });
    }
    get type() { return this.#type; }
    get target() { return this.#target; }
    get currentTarget() { return this.#target; }
    get srcElement() { return this.#target; }
    get cancelable() { return this.#cancelable; }
    get defaultPrevented() { return this.#cancelable && this.#defaultPrevented; }
    get bubbles() { return false; }
    get isTrusted() { return false; }
    preventDefault() { this.#defaultPrevented = true; }
    stopImmediatePropagation() { this.#stopped = true; }
    stopPropagation() { }
    static dispatching(event, target) { event.#target = target; event.#stopped = false; }
    static stopped(event) { return event.#stopped; }
  }
  const dispatching = Event.dispatching, stopped = Event.stopped;
  delete Event.dispatching;
  delete Event.stopped;

  class EventTarget {
    #listeners = new Map();
    addEventListener(type, listener, options) {
      if (listener === null || listener === undefined) return;
      const once = Boolean(options && typeof options === 'object' && options.once);
      const signal = options && typeof options === 'object' ? options.signal : undefined;
      if (signal !== undefined && signal.aborted) return;
      type = String(type);
      let list = this.#listeners.get(type);
      if (!list) this.#listeners.set(type, list = []);
      if (list.some((l) => l.listener === listener)) return;
      const entry = { listener, once, removed: false };
      list.push(entry);
      if (signal !== undefined) signal.addEventListener('abort', () => this.removeEventListener(type, listener), { once: true });
    }
    removeEventListener(type, listener) {
      const list = this.#listeners.get(String(type));
      if (!list) return;
      const i = list.findIndex((l) => l.listener === listener);
      if (i >= 0) {
        list[i].removed = true;
        list.splice(i, 1);
      }
    }
    dispatchEvent(event) {
      if (!(event instanceof Event)) {
        throw argTypeError('The "event" argument must be an instance of Event. ' + received(event), 'ERR_INVALID_ARG_TYPE');
      }
      dispatching(event, this);
      const listeners = [...(this.#listeners.get(event.type) || [])];
      for (const entry of listeners) {
        if (entry.removed) continue;
        if (entry.once) this.removeEventListener(event.type, entry.listener);
        try {
          if (typeof entry.listener === 'function') apply(entry.listener, this, [event]);
          else apply(entry.listener.handleEvent, entry.listener, [event]);
        } catch (e) {
          reportUncaught(e);
        }
        if (stopped(event)) break;
      }
      return !event.defaultPrevented;
    }
  }
  addGlobals(['Event', Event], ['EventTarget', EventTarget]);

  // ---- AbortController and AbortSignal
  const signalState = new WeakMap(); // signal -> { aborted, reason, dependents, deadline }
  class AbortSignal extends EventTarget {
    constructor(key) {
      if (key !== ILLEGAL) throw argTypeError('Illegal constructor', 'ERR_ILLEGAL_CONSTRUCTOR');
      super();
      signalState.set(this, { aborted: false, reason: undefined, dependents: [], deadline: Infinity, onabort: null });
    }
    /** An event handler attribute: a listener in the place where it was first set, its function replaceable. */
    get onabort() { return state(this).onabort; }
    set onabort(handler) {
      const s = state(this);
      if (s.onabort === null && typeof handler === 'function') {
        this.addEventListener('abort', function (event) {
          if (typeof s.onabort === 'function') return apply(s.onabort, this, [event]);
        });
      }
      s.onabort = typeof handler === 'function' ? handler : null;
    }
    get aborted() { return state(this).aborted; }
    get reason() { return state(this).reason; }
    throwIfAborted() {
      if (state(this).aborted) throw state(this).reason;
    }
    static abort(reason) {
      const signal = new AbortSignal(ILLEGAL);
      abortSignal(signal, reason);
      return signal;
    }
    static timeout(ms) {
      const delay = Number(ms);
      if (!(delay >= 0) || delay > 2 ** 53 - 1) {
        throw new RangeError('The value of "delay" is out of range. It must be >= 0 && <= 9007199254740991. Received ' + ms);
      }
      const signal = new AbortSignal(ILLEGAL);
      state(signal).deadline = now() + delay;
      addTimer(() => abortSignal(signal, new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
               delay, [], false, true); // kept alive (Node unrefs it, but a program awaiting it waits for it)
      return signal;
    }
    static any(signals) {
      const signal = new AbortSignal(ILLEGAL);
      for (const s of signals) {
        if (!(s instanceof AbortSignal)) {
          throw argTypeError('The "signals[0]" argument must be an instance of AbortSignal. ' + received(s), 'ERR_INVALID_ARG_TYPE');
        }
        if (s.aborted) {
          abortSignal(signal, s.reason);
          return signal;
        }
      }
      for (const s of signals) {
        state(s).dependents.push(signal);
        state(signal).deadline = Math.min(state(signal).deadline, state(s).deadline);
      }
      return signal;
    }
  }
  function state(signal) {
    const s = signalState.get(signal);
    if (!s) throw argTypeError('Value of "this" must be of type AbortSignal', 'ERR_INVALID_THIS');
    return s;
  }
  function abortSignal(signal, reason) {
    const s = state(signal);
    if (s.aborted) return;
    s.aborted = true;
    s.reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    signal.dispatchEvent(new Event('abort'));
    for (const dependent of s.dependents) abortSignal(dependent, s.reason);
  }
  /** When a signal's timeout (its own or one it follows) will abort it, as a performance.now() time; Infinity if never. */
  function abortDeadline(signal) {
    return state(signal).deadline;
  }
  /** Aborts a signal whose deadline has passed, before its timer would: fetch honours the timeout it waited for. */
  function abortNow(signal) {
    if (!signal.aborted && abortDeadline(signal) <= now()) {
      abortSignal(signal, new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    }
  }

  class AbortController {
    #signal = new AbortSignal(ILLEGAL);
    get signal() { return this.#signal; }
    abort(reason) { abortSignal(this.#signal, reason); }
  }
  addGlobals(['AbortController', AbortController], ['AbortSignal', AbortSignal]);
  return freeze({ DOMException, abortDeadline, abortNow });
})();
