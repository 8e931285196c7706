// Intl for the QuickJS guest, which has none: FormatJS's polyfills with the CLDR data build.mjs trimmed and
// packed. build.mjs bundles this file into target/js/10-intl.js, which installs it only where Intl is missing
// (GraalJS keeps its own, see the README). Everything is loaded and used once here, at boot, so that the guest's
// snapshot holds the data and FormatJS's lazily parsed patterns: no execution pays for them.
import '@formatjs/intl-getcanonicallocales/polyfill-force.js';
import '@formatjs/intl-locale/polyfill-force.js';
import '@formatjs/intl-pluralrules/polyfill-force.js';
import '@formatjs/intl-numberformat/polyfill-force.js';
import '@formatjs/intl-datetimeformat/polyfill-force.js';
import '@formatjs/intl-relativetimeformat/polyfill-force.js';
import '@formatjs/intl-listformat/polyfill-force.js';
import 'codeact:plural-rules'; // the locales' plural rules are code, imported as FormatJS ships them
import { LOCALES, NUMBER_FORMAT, DATE_TIME_FORMAT, RELATIVE_TIME_FORMAT, LIST_FORMAT } from 'codeact:intl-data';
import { zones } from './tz.js';

Intl.NumberFormat.__addLocaleData(...NUMBER_FORMAT);
Intl.DateTimeFormat.__addLocaleData(...DATE_TIME_FORMAT);
Intl.RelativeTimeFormat.__addLocaleData(...RELATIVE_TIME_FORMAT);
Intl.ListFormat.__addLocaleData(...LIST_FORMAT);
// Its keys are the zones DateTimeFormat accepts; the offsets come from zoneOffset (see tz.js).
Intl.DateTimeFormat.tzData = zones;

// The default locale is Node's (and the JDK's) with LANG=C.UTF-8: en-US, whatever locale data came first. CLDR's
// zh is zh-Hans-CN, which ICU also answers to as zh-CN; ICU's plural rules are per language (de-DE resolves to de),
// but for en-US.
for (const constructor of [Intl.NumberFormat, Intl.DateTimeFormat, Intl.PluralRules, Intl.RelativeTimeFormat, Intl.ListFormat]) {
  constructor.__defaultLocale = 'en-US';
  if (constructor === Intl.PluralRules) {
    for (const tag of [...constructor.availableLocales]) {
      if (tag.includes('-') && tag !== 'en-US') {
        constructor.availableLocales.delete(tag);
        delete constructor.localeData[tag];
      }
    }
  } else {
    constructor.localeData['zh-CN'] = constructor.localeData.zh;
    constructor.availableLocales.add('zh-CN');
  }
}

// QuickJS's Array.prototype.toLocaleString passes no locales or options to the elements' toLocaleString.
Object.defineProperty(Array.prototype, 'toLocaleString', {
  value: { toLocaleString(locales, options) {
    const array = Object(this), length = Math.min(Number(array.length) || 0, Number.MAX_SAFE_INTEGER);
    let text = '';
    for (let i = 0; i < length; i++) {
      if (i > 0) text += ',';
      const element = array[i];
      if (element !== undefined && element !== null) text += String(element.toLocaleString(locales, options));
    }
    return text;
  } }.toLocaleString,
  writable: true, configurable: true,
});

// toLocaleString and its kin make a formatter per call, as ECMA-402 says: some milliseconds in QuickJS. Formatters
// are kept per method, locales and options when those are plain data (what a second call with the same arguments
// would build is the same formatter), so that formatting a list of values costs one formatter.
const formatters = new Map();
const plain = (value) => value === undefined || value === null || typeof value !== 'object'
  || (Array.isArray(value) ? value.every(plain) : Object.getPrototypeOf(value) === Object.prototype
    && Object.values(Object.getOwnPropertyDescriptors(value)).every((d) => 'value' in d && plain(d.value)));
function formatter(kind, locales, options, make) {
  if (!plain(locales) || !plain(options)) return make();
  const key = kind + JSON.stringify([locales, options]);
  let f = formatters.get(key);
  if (f === undefined) formatters.set(key, f = make());
  return f;
}
// ECMA-402's ToDateTimeOptions: which fields a Date method shows when the options name none
function dateTimeOptions(options, required, defaults) {
  const o = Object.create(options === undefined ? null : Object(options));
  let needDefaults = o.dateStyle === undefined && o.timeStyle === undefined;
  if (required !== 'time' && ['weekday', 'year', 'month', 'day'].some((p) => o[p] !== undefined)) needDefaults = false;
  if (required !== 'date' && ['dayPeriod', 'hour', 'minute', 'second', 'fractionalSecondDigits'].some((p) => o[p] !== undefined)) needDefaults = false;
  if (required === 'date' && o.timeStyle !== undefined) throw new TypeError('Invalid option : timeStyle');
  if (required === 'time' && o.dateStyle !== undefined) throw new TypeError('Invalid option : dateStyle');
  if (needDefaults && defaults !== 'time') o.year = o.month = o.day = 'numeric';
  if (needDefaults && defaults !== 'date') o.hour = o.minute = o.second = 'numeric';
  return o;
}
const timeValue = Function.prototype.call.bind(Date.prototype.getTime);
for (const [name, required, defaults] of [['toLocaleString', 'any', 'all'], ['toLocaleDateString', 'date', 'date'],
  ['toLocaleTimeString', 'time', 'time']]) {
  Object.defineProperty(Date.prototype, name, {
    value: { [name](locales, options) {
      const t = timeValue(this);
      if (Number.isNaN(t)) return 'Invalid Date';
      return formatter(name, locales, options, () => new Intl.DateTimeFormat(locales, dateTimeOptions(options, required, defaults))).format(t);
    } }[name],
    writable: true, configurable: true,
  });
}
for (const type of [Number, BigInt]) {
  const value = Function.prototype.call.bind(type.prototype.valueOf);
  Object.defineProperty(type.prototype, 'toLocaleString', {
    value: { toLocaleString(locales, options) {
      return formatter('number', locales, options, () => new Intl.NumberFormat(locales, options)).format(value(this));
    } }.toLocaleString,
    writable: true, configurable: true,
  });
}

// Warm-up: what FormatJS builds on first use (parsed date patterns, memoized formatters) goes into the snapshot.
const date = new Date(Date.UTC(2024, 0, 15, 13, 5, 9));
for (const locale of LOCALES) {
  for (const options of [{}, { style: 'currency', currency: 'USD' }, { style: 'currency', currency: 'EUR', currencyDisplay: 'name' },
    { style: 'percent' }, { notation: 'compact' }, { notation: 'compact', compactDisplay: 'long' }, { style: 'unit', unit: 'kilometer' },
    { maximumSignificantDigits: 3 }]) {
    new Intl.NumberFormat(locale, options).format(1234.5);
  }
  (1234.5).toLocaleString(locale);
  formatters.clear();
  for (const options of [{}, { dateStyle: 'full', timeStyle: 'long' }, { dateStyle: 'short', timeStyle: 'short' },
    { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }, { hour: '2-digit', minute: '2-digit' },
    { timeZone: 'America/New_York', timeZoneName: 'short' }]) {
    new Intl.DateTimeFormat(locale, options).format(date);
  }
  date.toLocaleString(locale);
  date.toLocaleDateString(locale);
  date.toLocaleTimeString(locale);
  formatters.clear(); // the snapshot keeps what FormatJS built, not these
  new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(-1, 'day');
  new Intl.ListFormat(locale).format(['a', 'b', 'c']);
  new Intl.PluralRules(locale).select(1);
  new Intl.PluralRules(locale, { type: 'ordinal' }).select(2);
}


// Each parsed date pattern has its own copy of the same range patterns (the fallback "{0} – {1}": no interval
// formats are carried); one shared copy each is some 50,000 objects less in every sandbox.
const shared = new Map();
const intern = (value) => {
  const key = JSON.stringify(value);
  if (!shared.has(key)) shared.set(key, value);
  return shared.get(key);
};
for (const data of new Set(Object.values(Intl.DateTimeFormat.localeData))) {
  for (const format of data.formats.gregory) {
    format.rangePatterns = intern(format.rangePatterns);
    format.rangePatterns12 = intern(format.rangePatterns12);
  }
}
