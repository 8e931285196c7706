// structuredClone: what the HTML serialisation keeps (plain data, wrappers, Date, RegExp, Map, Set, errors,
// ArrayBuffer and its views, cycles and shared references); a function, symbol or other platform object is a
// DataCloneError, worded as V8 words it.
(() => {
  const apply = Reflect.apply, defineProperty = Object.defineProperty, isView = ArrayBuffer.isView, isArray = Array.isArray;
  const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get;
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
  addGlobals(['structuredClone', structuredClone]);
})();
