// What console.log prints. Plain data (objects and arrays of strings, finite numbers, booleans and null) prints as
// compact JSON, as the instructions promise; a string prints as itself; anything JSON would misrepresent or drop (a
// Map, Set, Date, Error, undefined, BigInt, symbol, function, typed array, class instance, NaN, -0, a cycle), at top
// level or nested in plain data, prints the whole argument as Node's util.inspect shows it, without its elisions
// (depth 2, 100 items, 10,000 characters): the console shows data in full, as JSON would. A format string in the
// first argument (%s %d %i %f %j %o %O %c) is applied as Node applies it.
// Shared with the parts after this one: formatLogLine(args) and formatForMessage(value).
const { formatLogLine, formatForMessage } = (() => {
  const stringify = JSON.stringify, apply = Reflect.apply, isArray = Array.isArray, getPrototypeOf = Object.getPrototypeOf;
  const ownKeys = Reflect.ownKeys, getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const arrayPrototype = Array.prototype, objectPrototype = Object.prototype;
  const setAdd = Set.prototype.add, setDelete = Set.prototype.delete, setHas = Set.prototype.has;
  const OPTIONS = { depth: Infinity, maxArrayLength: Infinity, maxStringLength: Infinity };

  /** Whether JSON.stringify shows the value as it is: only plain data, with no cycle. */
  function plainData(value, ancestors) {
    switch (typeof value) {
      case 'string': case 'boolean': return true;
      case 'number': return Number.isFinite(value) && !Object.is(value, -0);
      case 'object': break;
      default: return false;
    }
    if (value === null) return true;
    if (apply(setHas, ancestors, [value])) return false;
    const proto = getPrototypeOf(value), keys = ownKeys(value);
    if (isArray(value)) {
      if (proto !== arrayPrototype || keys.length !== value.length + 1) return false; // holes or extra properties
    } else if (proto !== objectPrototype) { // a null prototype too: Node says so
      return false;
    }
    apply(setAdd, ancestors, [value]);
    try {
      for (const key of keys) {
        if (typeof key !== 'string') return false;
        const d = getOwnPropertyDescriptor(value, key);
        if (!('value' in d)) return false; // a getter: JSON would call it, Node shows [Getter]
        if (!d.enumerable) continue; // neither JSON nor Node shows it (an array's length included)
        if (!plainData(d.value, ancestors)) return false;
      }
      return true;
    } finally {
      apply(setDelete, ancestors, [value]);
    }
  }

  function inspect(value) {
    return vendorLibrary('inspect').inspect(value, OPTIONS);
  }
  function formatArgument(value) {
    if (typeof value === 'string') return value;
    if (value !== null && typeof value === 'object' && plainData(value, new Set())) return stringify(value);
    return inspect(value);
  }

  const SPECIFIER = /%[sdifjoOc%]/g;
  function formatLogLine(args) {
    let consumed = 0;
    if (typeof args[0] === 'string' && args.length > 1 && args[0].includes('%')) {
      const specifiers = args[0].match(SPECIFIER) || [];
      consumed = Math.min(args.length - 1, specifiers.filter((s) => s !== '%%').length);
    }
    const parts = [];
    if (consumed > 0) parts.push(vendorLibrary('inspect').format(...args.slice(0, consumed + 1)));
    for (let i = consumed > 0 ? consumed + 1 : 0; i < args.length; i++) parts.push(formatArgument(args[i]));
    return parts.join(' ') + '\n';
  }

  /**
   * A thrown value that is not an Error, for the outcome's message: a string quoted, an object as its JSON (its own
   * toJSON included: it is the program's value, and runs under the program's limits), else as console.log shows it.
   */
  function formatForMessage(value) {
    if (typeof value === 'string') return stringify(value);
    if (value === null || typeof value !== 'object') return formatArgument(value);
    try {
      const json = stringify(value, (k, v) => (typeof v === 'bigint' ? v.toString() + 'n' : v));
      return json === undefined ? String(value) : json;
    } catch (e) {
      return '[object ' + (value.constructor && value.constructor.name || 'Object') + ']';
    }
  }
  return Object.freeze({ formatLogLine, formatForMessage });
})();
