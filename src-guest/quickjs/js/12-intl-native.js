// Where the engine has an Intl of its own (GraalJS, whose ICU4J 78.2 has the CLDR 48 data of Node 20's ICU 78.2):
// what V8 changes in ICU's output, changed here too. V8 replaces U+202F NARROW NO-BREAK SPACE with a plain space in
// date-time formats (crbug.com/1414292: "1:05 PM", not "1:05\u202fPM"); the guest's data does the same (build.mjs).
if (!intlPolyfilled) {
  (() => {
    const replace = String.prototype.replace, apply = Reflect.apply, NNBSP = /\u202f/g;
    const space = (text) => apply(replace, text, [NNBSP, ' ']);
    const spaceParts = (parts) => {
      for (const part of parts) part.value = space(part.value);
      return parts;
    };
    const define = (object, name, value) => Object.defineProperty(object, name, { value, writable: true, configurable: true });
    const wrap = (object, name, after) => {
      const original = object[name];
      define(object, name, { [name](...args) { return after(apply(original, this, args)); } }[name]);
    };
    const proto = Intl.DateTimeFormat.prototype;
    const formatOf = Object.getOwnPropertyDescriptor(proto, 'format').get;
    const bound = new WeakMap(); // dtf.format is one function per formatter, as ECMA-402 says
    Object.defineProperty(proto, 'format', {
      get() {
        const native = apply(formatOf, this, []);
        let f = bound.get(native);
        if (!f) bound.set(native, f = (date) => space(native(date)));
        return f;
      },
      configurable: true,
    });
    wrap(proto, 'formatToParts', spaceParts);
    wrap(proto, 'formatRange', space);
    wrap(proto, 'formatRangeToParts', spaceParts);
    for (const name of ['toLocaleString', 'toLocaleDateString', 'toLocaleTimeString']) wrap(Date.prototype, name, space);
    // ICU4C's collation locales are languages, but en-US and Chinese with their region (ICU4J keeps the region)
    wrap(Intl.Collator.prototype, 'resolvedOptions', (options) => {
      const [, language, region, rest] = /^([a-z]{2,3})(-[A-Z]{2}|-\d{3})?(.*)$/.exec(options.locale) || [];
      if (region && language !== 'zh' && options.locale !== 'en-US') options.locale = language + rest;
      return options;
    });
  })();
}
