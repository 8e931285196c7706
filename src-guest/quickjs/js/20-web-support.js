// The web platform programs expect from browsers and Node, in parts 20 to 27: what they share (this part: Node's
// wording of argument errors, the vendored libraries, the globals they install), the event loop's timers and uncaught
// errors (21), DOMException, Event, EventTarget, AbortController and AbortSignal (22), TextEncoder and TextDecoder
// (UTF-8), atob and btoa (23), structuredClone (24), queueMicrotask and the timer functions (25), crypto (26), URL and
// URLSearchParams (27). Errors carry the names and messages Node gives. Nothing here talks to the host but through the
// natives. Shared with the parts after this one: received, argTypeError, requireFunction, ILLEGAL, vendorLibrary,
// addGlobals and addLazyGlobals (each part adds its globals, in the order they are installed), webGlobals (installs
// them; 90-protocol.js calls it).
const { received, argTypeError, requireFunction, ILLEGAL, vendorLibrary, addGlobals, addLazyGlobals, webGlobals } = (() => {
  const defineProperty = Object.defineProperty, freeze = Object.freeze;
  const globals = [];
  /** Groups of globals made together on first use of any of them. */
  const lazyGlobals = [];

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
  /** The key of the constructors programs may not call. */
  const ILLEGAL = Symbol('illegal constructor');

  function addGlobals(...entries) {
    globals.push(...entries);
  }
  function addLazyGlobals(names, make) {
    lazyGlobals.push([names, make]);
  }

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
  return freeze({ received, argTypeError, requireFunction, ILLEGAL, vendorLibrary, addGlobals, addLazyGlobals, webGlobals });
})();
