// URL and URLSearchParams (core-js), with the inspection Node gives them: made on first use (see webGlobals).
(() => {
  const defineProperty = Object.defineProperty;
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
  addLazyGlobals(['URL', 'URLSearchParams'], makeUrlClasses);
})();
