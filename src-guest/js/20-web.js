// The web platform programs expect from browsers and Node: DOMException, Event and EventTarget, AbortController and
// AbortSignal, TextEncoder and TextDecoder (UTF-8), atob and btoa, structuredClone, queueMicrotask, timers, crypto,
// URL and URLSearchParams. Errors carry the names and messages Node gives. Nothing here talks to the host but
// through the natives; the timers are run by the engine's own loop through `tick`, which 90-protocol.js returns.
// Shared with the parts after this one: webGlobals (installs them), DOMException, AbortSignal's fetch helpers
// (abortDeadline, abortNow), tick, reportUncaught, vendorLibrary.
const { DOMException, abortDeadline, abortNow, tick, reportUncaught, vendorLibrary, webGlobals } = (() => {
  const apply = Reflect.apply, defineProperty = Object.defineProperty, freeze = Object.freeze;
  const isView = ArrayBuffer.isView, isArray = Array.isArray, getPrototypeOf = Object.getPrototypeOf;
  const fromCharCode = String.fromCharCode, then = Promise.prototype.then, resolved = Promise.resolve();
  const typedArrayPrototype = getPrototypeOf(Uint8Array.prototype);
  const typedArrayTag = Object.getOwnPropertyDescriptor(typedArrayPrototype, Symbol.toStringTag).get;
  const now = native.now_ms;
  const globals = [];

  /** A library from 15-vendor.js, made once: at boot in the guest (see webGlobals), on first use in GraalJS. */
  const made = new Map();
  function vendorLibrary(name) {
    if (!made.has(name)) made.set(name, vendor[name]());
    return made.get(name);
  }

  /** Node's wording for a value of the wrong type: "Received type number (1)". */
  function received(value) {
    if (value === null || value === undefined) return 'Received ' + value;
    if (typeof value === 'function') return 'Received function ' + (value.name || '<anonymous>');
    if (typeof value === 'object') return 'Received an instance of ' + (value.constructor && value.constructor.name || 'Object');
    const shown = typeof value === 'string' ? "'" + (value.length > 25 ? value.slice(0, 25) + '...' : value) + "'" : String(value);
    return 'Received type ' + typeof value + ' (' + shown + ')';
  }
  function argTypeError(message, code) {
    const error = new TypeError(message);
    defineProperty(error, 'code', { value: code, writable: true, enumerable: true, configurable: true });
    return error;
  }
  function requireFunction(value, name) {
    if (typeof value !== 'function') {
      throw argTypeError('The "' + name + '" argument must be of type function. ' + received(value), 'ERR_INVALID_ARG_TYPE');
    }
  }

  // ---- errors an event loop cannot hand to anyone: a throwing timer, microtask or listener ends the program, as an
  // uncaught exception ends Node; the loop takes it from here (tick throws it).
  const NONE = {};
  let uncaught = NONE;
  function reportUncaught(error) {
    if (uncaught === NONE) uncaught = error;
  }

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
  globals.push(['DOMException', DOMException]);

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
  globals.push(['Event', Event], ['EventTarget', EventTarget]);

  // ---- AbortController and AbortSignal
  const ILLEGAL = Symbol('illegal constructor');
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
  globals.push(['AbortController', AbortController], ['AbortSignal', AbortSignal]);

  // ---- TextEncoder and TextDecoder: UTF-8, the WHATWG way (a lone surrogate encodes as U+FFFD; each maximal invalid
  // subsequence decodes as one U+FFFD, or throws when fatal)
  function utf8Length(s) {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xFC00) === 0xDC00) { n += 4; i++; }
      else n += 3;
    }
    return n;
  }
  /** Encodes s into bytes from 0; stops before a character that does not fit. Returns [chars read, bytes written]. */
  function utf8Encode(s, bytes) {
    let j = 0, i = 0;
    const end = bytes.length;
    for (; i < s.length; i++) {
      let c = s.charCodeAt(i), pair = false;
      if (c >= 0xD800 && c <= 0xDFFF) {
        if (c <= 0xDBFF && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xFC00) === 0xDC00) {
          c = 0x10000 + ((c - 0xD800) << 10) + (s.charCodeAt(i + 1) - 0xDC00);
          pair = true;
        } else {
          c = 0xFFFD;
        }
      }
      if (c < 0x80) {
        if (j + 1 > end) break;
        bytes[j++] = c;
      } else if (c < 0x800) {
        if (j + 2 > end) break;
        bytes[j++] = 0xC0 | (c >> 6); bytes[j++] = 0x80 | (c & 63);
      } else if (c < 0x10000) {
        if (j + 3 > end) break;
        bytes[j++] = 0xE0 | (c >> 12); bytes[j++] = 0x80 | ((c >> 6) & 63); bytes[j++] = 0x80 | (c & 63);
      } else {
        if (j + 4 > end) break;
        bytes[j++] = 0xF0 | (c >> 18); bytes[j++] = 0x80 | ((c >> 12) & 63);
        bytes[j++] = 0x80 | ((c >> 6) & 63); bytes[j++] = 0x80 | (c & 63);
      }
      if (pair) i++;
    }
    return [i, j];
  }
  function encodeUtf8(s) {
    const bytes = new Uint8Array(utf8Length(s));
    utf8Encode(s, bytes);
    return bytes;
  }

  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(input = '') { return encodeUtf8(String(input)); }
    encodeInto(source, destination) {
      if (!(destination instanceof Uint8Array)) {
        throw argTypeError('The "dest" argument must be an instance of Uint8Array. ' + received(destination), 'ERR_INVALID_ARG_TYPE');
      }
      const [read, written] = utf8Encode(String(source), destination);
      return { read, written };
    }
  }

  const UTF8_LABELS = ['unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'utf-8', 'utf8', 'x-unicode20utf8'];
  function bytesOf(input, what) {
    if (input instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && input instanceof SharedArrayBuffer)) {
      return new Uint8Array(input);
    }
    if (isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    throw argTypeError('The "' + what + '" argument must be an instance of SharedArrayBuffer, ArrayBuffer or ArrayBufferView.',
                       'ERR_INVALID_ARG_TYPE');
  }
  class TextDecoder {
    #fatal; #ignoreBOM; #pending = []; #bomSeen = false;
    constructor(label = 'utf-8', options = {}) {
      const name = String(label).trim().toLowerCase();
      if (!UTF8_LABELS.includes(name)) {
        const error = new RangeError('The "' + label + '" encoding is not supported');
        defineProperty(error, 'code', { value: 'ERR_ENCODING_NOT_SUPPORTED', writable: true, enumerable: true, configurable: true });
        throw error;
      }
      this.#fatal = Boolean(options && options.fatal);
      this.#ignoreBOM = Boolean(options && options.ignoreBOM);
    }
    get encoding() { return 'utf-8'; }
    get fatal() { return this.#fatal; }
    get ignoreBOM() { return this.#ignoreBOM; }
    decode(input, options) {
      const stream = Boolean(options && options.stream);
      let bytes = input === undefined ? new Uint8Array(0) : bytesOf(input, 'list');
      if (this.#pending.length > 0) {
        const joined = new Uint8Array(this.#pending.length + bytes.length);
        joined.set(this.#pending);
        joined.set(bytes, this.#pending.length);
        bytes = joined;
        this.#pending = [];
      }
      const units = [];
      let out = '', cp = 0, needed = 0, seen = 0, lower = 0x80, upper = 0xBF, start = 0;
      const invalid = () => {
        if (this.#fatal) {
          this.#bomSeen = false;
          throw argTypeError('The encoded data was not valid for encoding utf-8', 'ERR_ENCODING_INVALID_ENCODED_DATA');
        }
        units.push(0xFFFD);
      };
      const emit = (c) => {
        if (c === 0xFEFF && !this.#ignoreBOM && !this.#bomSeen && units.length === 0 && out === '') {
          this.#bomSeen = true;
          return;
        }
        this.#bomSeen = true;
        if (c < 0x10000) units.push(c);
        else units.push(0xD800 + ((c - 0x10000) >> 10), 0xDC00 + ((c - 0x10000) & 0x3FF));
        if (units.length >= 8192) {
          out += apply(fromCharCode, null, units);
          units.length = 0;
        }
      };
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i];
        if (needed === 0) {
          start = i;
          if (b <= 0x7F) emit(b);
          else if (b >= 0xC2 && b <= 0xDF) { needed = 1; cp = b & 0x1F; }
          else if (b >= 0xE0 && b <= 0xEF) {
            if (b === 0xE0) lower = 0xA0;
            if (b === 0xED) upper = 0x9F;
            needed = 2; cp = b & 0xF;
          } else if (b >= 0xF0 && b <= 0xF4) {
            if (b === 0xF0) lower = 0x90;
            if (b === 0xF4) upper = 0x8F;
            needed = 3; cp = b & 0x7;
          } else invalid();
          continue;
        }
        if (b < lower || b > upper) {
          cp = needed = seen = 0; lower = 0x80; upper = 0xBF;
          invalid();
          i--;
          continue;
        }
        lower = 0x80; upper = 0xBF;
        cp = (cp << 6) | (b & 0x3F);
        if (++seen === needed) {
          emit(cp);
          cp = needed = seen = 0;
        }
      }
      if (needed !== 0) {
        if (stream) this.#pending = [...bytes.subarray(start)];
        else invalid();
      }
      if (!stream) this.#bomSeen = false;
      return out + apply(fromCharCode, null, units);
    }
  }
  globals.push(['TextEncoder', TextEncoder], ['TextDecoder', TextDecoder]);

  // ---- atob and btoa (forgiving base64, as Node and browsers decode it)
  const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const BASE64_VALUES = new Map([...BASE64].map((c, i) => [c, i]));
  function btoa(data) {
    if (arguments.length === 0) throw argTypeError('The "data" argument must be specified', 'ERR_MISSING_ARGS');
    const s = `${data}`;
    let out = '';
    for (let i = 0; i < s.length; i += 3) {
      const a = s.charCodeAt(i), b = i + 1 < s.length ? s.charCodeAt(i + 1) : 0, c = i + 2 < s.length ? s.charCodeAt(i + 2) : 0;
      if (a > 0xFF || b > 0xFF || c > 0xFF) throw new DOMException('Invalid character', 'InvalidCharacterError');
      const n = (a << 16) | (b << 8) | c;
      out += BASE64[n >> 18] + BASE64[(n >> 12) & 63] + (i + 1 < s.length ? BASE64[(n >> 6) & 63] : '=')
        + (i + 2 < s.length ? BASE64[n & 63] : '=');
    }
    return out;
  }
  function atob(data) {
    if (arguments.length === 0) throw argTypeError('The "data" argument must be specified', 'ERR_MISSING_ARGS');
    let s = `${data}`.replace(/[\t\n\f\r ]/g, '');
    if (s.length % 4 === 0) s = s.replace(/==?$/, '');
    for (const c of s) {
      if (!BASE64_VALUES.has(c)) throw new DOMException('Invalid character', 'InvalidCharacterError');
    }
    if (s.length % 4 === 1) throw new DOMException('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
    let out = '', bits = 0, buffer = 0;
    for (const c of s) {
      buffer = (buffer << 6) | BASE64_VALUES.get(c);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += fromCharCode((buffer >> bits) & 0xFF);
      }
    }
    return out;
  }
  globals.push(['atob', atob], ['btoa', btoa]);

  // ---- structuredClone: what the HTML serialisation keeps (plain data, wrappers, Date, RegExp, Map, Set, errors,
  // ArrayBuffer and its views, cycles and shared references); a function, symbol or other platform object is a
  // DataCloneError, worded as V8 words it
  const ERROR_TYPES = new Map([['Error', Error], ['EvalError', EvalError], ['RangeError', RangeError],
    ['ReferenceError', ReferenceError], ['SyntaxError', SyntaxError], ['TypeError', TypeError], ['URIError', URIError]]);
  const toStringTag = (v) => Object.prototype.toString.call(v).slice(8, -1);
  function cannotClone(value) {
    const shown = typeof value === 'function' ? Function.prototype.toString.call(value)
      : typeof value === 'symbol' ? value.toString() : '#<' + toStringTag(value) + '>';
    return new DOMException(shown + ' could not be cloned.', 'DataCloneError');
  }
  function structuredClone(value, options) {
    if (arguments.length === 0) throw argTypeError('The "value" argument must be specified', 'ERR_MISSING_ARGS');
    const memory = new Map();
    const clone = (v) => {
      if (typeof v === 'function' || typeof v === 'symbol') throw cannotClone(v);
      if (v === null || typeof v !== 'object') return v;
      if (memory.has(v)) return memory.get(v);
      const remember = (copy) => { memory.set(v, copy); return copy; };
      const tag = toStringTag(v);
      if (isArray(v)) {
        const copy = remember(new Array(v.length));
        for (const key of Object.keys(v)) copy[key] = clone(v[key]);
        return copy;
      }
      if (v instanceof Date) return remember(new Date(Date.prototype.getTime.call(v)));
      if (v instanceof RegExp) return remember(new RegExp(v.source, v.flags));
      if (v instanceof ArrayBuffer) return remember(ArrayBuffer.prototype.slice.call(v, 0));
      if (isView(v)) {
        const buffer = clone(v.buffer);
        if (v instanceof DataView) return remember(new DataView(buffer, v.byteOffset, v.byteLength));
        const Type = globalThis[apply(typedArrayTag, v, [])];
        return remember(new Type(buffer, v.byteOffset, v.length));
      }
      if (v instanceof Map) {
        const copy = remember(new Map());
        for (const [k, val] of v) copy.set(clone(k), clone(val));
        return copy;
      }
      if (v instanceof Set) {
        const copy = remember(new Set());
        for (const k of v) copy.add(clone(k));
        return copy;
      }
      if (v instanceof Error) {
        const name = ERROR_TYPES.has(v.name) ? v.name : 'Error';
        const copy = remember(Object.create(ERROR_TYPES.get(name).prototype));
        const own = (key, x) => defineProperty(copy, key, { value: x, writable: true, configurable: true });
        if (Object.prototype.hasOwnProperty.call(v, 'message')) own('message', String(v.message));
        if (typeof v.stack === 'string') own('stack', v.stack);
        if (Object.prototype.hasOwnProperty.call(v, 'cause')) own('cause', clone(v.cause));
        return copy;
      }
      switch (tag) {
        case 'Boolean': return remember(Object(Boolean.prototype.valueOf.call(v)));
        case 'Number': return remember(Object(Number.prototype.valueOf.call(v)));
        case 'String': return remember(Object(String.prototype.valueOf.call(v)));
        case 'BigInt': return remember(Object(BigInt.prototype.valueOf.call(v)));
        case 'Object': break;
        default: throw cannotClone(v);
      }
      if (v instanceof Promise || v instanceof WeakMap || v instanceof WeakSet) throw cannotClone(v);
      const copy = remember({});
      for (const key of Object.keys(v)) copy[key] = clone(v[key]);
      return copy;
    };
    return clone(value);
  }
  globals.push(['structuredClone', structuredClone]);

  // ---- queueMicrotask and timers. Timers live in a heap by due time (then by order of creation); the engine's loop
  // calls tick() whenever no promise job is left: it runs one due timer (the engine then runs the jobs that timer
  // queued, as Node does between timers) or says how long to sleep until the next one. Timers belong to the
  // execution: the guest's memory is restored and GraalJS's context closed after it, whatever is still pending.
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

  /** What setTimeout returns in Node (browsers return its number, which this converts to). */
  class Timeout {
    #timer;
    constructor(timer) {
      this.#timer = timer;
      timer.handle = this;
    }
    static of(handle) { return handle.#timer; }
    ref() {
      if (!this.#timer.ref && active.get(this.#timer.id) === this.#timer) referenced++;
      this.#timer.ref = true;
      return this;
    }
    unref() {
      if (this.#timer.ref && active.get(this.#timer.id) === this.#timer) referenced--;
      this.#timer.ref = false;
      return this;
    }
    hasRef() { return this.#timer.ref; }
    refresh() {
      if (active.get(this.#timer.id) === this.#timer) schedule(this.#timer);
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
      const timer = active.get(Number(handle));
      if (timer) removeTimer(timer);
    }
  }
  globals.push(['queueMicrotask', queueMicrotask], ['setTimeout', setTimeout], ['setInterval', setInterval],
               ['setImmediate', setImmediate], ['clearTimeout', clearTimer], ['clearInterval', clearTimer],
               ['clearImmediate', clearTimer]);

  // ---- crypto: random values from the natives (the host's CSPRNG, fresh for every execution) and SHA digests
  const INTEGER_ARRAYS = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
                          'Uint32Array', 'BigInt64Array', 'BigUint64Array'];
  const DIGESTS = new Map([['sha-1', 'sha1'], ['sha-256', 'sha256'], ['sha-384', 'sha384'], ['sha-512', 'sha512']]);
  class SubtleCrypto {
    constructor(key) {
      if (key !== ILLEGAL) throw argTypeError('Illegal constructor', 'ERR_ILLEGAL_CONSTRUCTOR');
    }
    async digest(algorithm, data) {
      const name = typeof algorithm === 'string' ? algorithm : algorithm && algorithm.name;
      const hash = DIGESTS.get(String(name).toLowerCase());
      if (hash === undefined) throw new DOMException('Unrecognized algorithm name', 'NotSupportedError');
      const bytes = bytesOf(data, 'data').slice();
      return vendorLibrary('hashes')[hash](bytes).buffer;
    }
  }
  class Crypto {
    #subtle = new SubtleCrypto(ILLEGAL);
    constructor(key) {
      if (key !== ILLEGAL) throw argTypeError('Illegal constructor', 'ERR_ILLEGAL_CONSTRUCTOR');
    }
    get subtle() { return this.#subtle; }
    getRandomValues(array) {
      if (!isView(array) || !INTEGER_ARRAYS.includes(apply(typedArrayTag, array, []))) {
        throw new DOMException('The data argument must be an integer-type TypedArray', 'TypeMismatchError');
      }
      if (array.byteLength > 65536) throw new DOMException('The requested length exceeds 65,536 bytes', 'QuotaExceededError');
      native.random_fill(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      return array;
    }
    randomUUID() {
      const b = new Uint8Array(16);
      native.random_fill(b);
      b[6] = (b[6] & 0x0F) | 0x40;
      b[8] = (b[8] & 0x3F) | 0x80;
      let hex = '';
      for (let i = 0; i < 16; i++) hex += (b[i] + 0x100).toString(16).slice(1) + (i === 3 || i === 5 || i === 7 || i === 9 ? '-' : '');
      return hex;
    }
  }
  globals.push(['crypto', new Crypto(ILLEGAL)], ['Crypto', Crypto], ['SubtleCrypto', SubtleCrypto]);

  // ---- URL and URLSearchParams (core-js), with the inspection Node gives them
  const inspectCustom = Symbol.for('nodejs.util.inspect.custom');
  function makeUrlClasses() {
    const { URL, URLSearchParams } = vendorLibrary('url');
    defineProperty(URL.prototype, inspectCustom, { configurable: true, writable: true, value(depth, options, inspect) {
      if (typeof depth === 'number' && depth < 0) return this;
      const shown = { __proto__: { constructor: URL } };
      for (const key of ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname',
                         'search', 'searchParams', 'hash']) shown[key] = this[key];
      return 'URL ' + inspect(shown, options);
    } });
    defineProperty(URLSearchParams.prototype, inspectCustom, { configurable: true, writable: true, value(depth, options, inspect) {
      if (typeof depth === 'number' && depth < 0) return '[Object]';
      const entries = [...this].map(([k, v]) => inspect(k, options) + ' => ' + inspect(v, options));
      return entries.length === 0 ? 'URLSearchParams {}' : 'URLSearchParams { ' + entries.join(', ') + ' }';
    } });
    return { URL, URLSearchParams };
  }
  /** Groups of globals made together on first use of any of them. */
  const lazyGlobals = [[['URL', 'URLSearchParams'], makeUrlClasses]];

  /**
   * Installs the globals, writable and configurable as in browsers. The lazy ones are made on first use; the guest
   * (eager) makes them at boot, before its snapshot, with the libraries the parts after this one use.
   */
  function webGlobals(more) {
    const define = (name, value) => defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
    for (const [name, value] of [...globals, ...more]) define(name, value);
    for (const [names, make] of lazyGlobals) {
      const makeAll = () => {
        for (const name of names) define(name, undefined); // core-js looks for a native URL while it is made
        const made = make();
        for (const name of names) define(name, made[name]);
        return made;
      };
      for (const name of names) {
        defineProperty(globalThis, name, { enumerable: false, configurable: true,
          get() { return makeAll()[name]; },
          set(value) { makeAll(); define(name, value); } });
      }
    }
    if (native.eager === true) {
      for (const [names] of lazyGlobals) void globalThis[names[0]];
      for (const name of Object.keys(vendor)) vendorLibrary(name);
    }
  }
  return freeze({ DOMException, abortDeadline, abortNow, tick, reportUncaught, vendorLibrary, webGlobals });
})();
