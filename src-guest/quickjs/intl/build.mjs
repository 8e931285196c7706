// Builds target/js/10-intl.js, the guest's Intl: FormatJS's polyfills (pinned in package-lock.json, installed with
// `npm ci`) with their CLDR data for the locales below, trimmed, packed and bundled by esbuild into one ES2020
// function that runs only where Intl is missing (the QuickJS guest; GraalJS has its own).
// usage: node build.mjs NODE_MODULES_DIR RUNTIME_PART BUNDLE
//   RUNTIME_PART (target/js/10-intl.js): runtime.js's part, which says whether Intl is the bundle's;
//   BUNDLE: what the guest evaluates on its own before runtime.js (see runtime.c). GraalJS keeps its own Intl.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const [modulesDir, outFile, bundleFile] = process.argv.slice(2).map((p) => path.resolve(p));
if (!bundleFile) throw new Error('usage: node build.mjs NODE_MODULES_DIR RUNTIME_PART BUNDLE');
const here = path.dirname(fileURLToPath(import.meta.url));
const esbuild = createRequire(path.join(modulesDir, 'noop.js'))('esbuild');
const formatjs = (file) => path.join(modulesDir, '@formatjs', file);

// CLDR's locales for the ten the README promises (pt is pt-BR, es is es-ES, zh is zh-Hans-CN: CLDR's default
// content). Other tags resolve to their language if it is here (fr-CA -> fr), else to en-US.
const LOCALES = ['en', 'en-GB', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'ja', 'zh'];
// Currencies with their symbols and names; any other code formats as the code itself, as ECMA-402 says
// when data is missing. CLDR has 300 (most of them historical), which would be a third of all the data.
const CURRENCIES = `USD EUR GBP JPY CNY CHF CAD AUD NZD HKD SGD TWD KRW INR IDR MYR THB VND PHP PKR BDT LKR NPR AED SAR
  QAR KWD BHD OMR JOD ILS TRY EGP MAD NGN KES GHS ZAR ETB TZS UGX XOF XAF SEK NOK DKK ISK PLN CZK HUF RON BGN RSD UAH
  RUB KZT GEL BRL MXN ARS CLP COP PEN UYU BOB PYG VES CRC DOP GTQ JMD TTD`.split(/\s+/);

/** What a FormatJS locale-data script hands to its constructor's __addLocaleData. */
function localeData(pkg, constructor, locale) {
  const captured = [];
  const add = { __addLocaleData: (...data) => captured.push(...data), __addTZData: (data) => captured.push(data) };
  vm.runInNewContext(readFileSync(formatjs(`${pkg}/${locale}`), 'utf8'), { Intl: { [constructor]: add } });
  if (captured.length !== 1) throw new Error(`${pkg}/${locale}: expected one locale data entry, got ${captured.length}`);
  return captured[0];
}

const only = (object, keys) => Object.fromEntries(keys.filter((k) => k in object).map((k) => [k, object[k]]));
/** The same structure with every string (and key) passed through f. */
const mapStrings = (value, f) => typeof value === 'string' ? f(value)
  : Array.isArray(value) ? value.map((v) => mapStrings(v, f))
  : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [f(k), mapStrings(v, f)]))
  : value;

// Latin digits only: the numbering systems of other scripts are most of the number symbols and patterns.
function numberFormat(locale) {
  const entry = localeData('intl-numberformat/locale-data', 'NumberFormat', `${locale}.js`);
  const { numbers } = entry.data;
  if (numbers.nu[0] !== 'latn') throw new Error(`${locale}: its default numbering system is ${numbers.nu[0]}`);
  return {
    locale: entry.locale,
    data: {
      ...entry.data,
      nu: ['latn'],
      currencies: only(entry.data.currencies, CURRENCIES),
      numbers: {
        nu: ['latn'],
        decimal: only(numbers.decimal, ['latn']), percent: only(numbers.percent, ['latn']),
        currency: only(numbers.currency, ['latn']), symbols: only(numbers.symbols, ['latn']),
        minimumGroupingDigits: numbers.minimumGroupingDigits,
      },
    },
  };
}

// The Gregorian calendar and Latin digits. Three changes bring the patterns to what ICU (Node) prints:
// - V8 replaces U+202F NARROW NO-BREAK SPACE with a plain space in every date-time pattern (crbug.com/1414292,
//   "1:05 PM"): so do the patterns here;
// - ICU 72+ joins a date and a time with CLDR's dateTimeFormats-atTime ("January 15, 2024 at 1:05 PM"), which
//   FormatJS's data lacks: its date-and-time combinations are rebuilt here with these (CLDR 48.0, the version of
//   Node 20's ICU 78), chosen by the date's month width and weekday as ICU and FormatJS choose them;
// - ICU builds patterns for option bags from CLDR's availableFormats only, FormatJS also from the date and time
//   style patterns, and takes the first of equally good matches: the style patterns go last ("2024/1/15" in ja,
//   not "2024年1月15日");
// - hour12 picks the hour cycle as Node 20 (V8 11) does, by the older ECMA-402 rule: in a 24-hour locale
//   hour12: true is h11 ("0:05 am"), in a 12-hour one hour12: false is h24 ("24:05").
// FormatJS parses every pattern of a locale on its first use, and matches options against all of them each time a
// DateTimeFormat is made: of its date-and-time combinations, those with an era (G) or a flexible day period (B),
// a third of them, are left out (an era or a dayPeriod then comes with the date or the time alone). Interval
// formats are left out too (formatRange writes "start – end", each in full), for the same reasons.
const AT_TIME = {
  en: ["{1} 'at' {0}", "{1} 'at' {0}", '{1}, {0}', '{1}, {0}'],
  'en-GB': ["{1} 'at' {0}", "{1} 'at' {0}", '{1}, {0}', '{1}, {0}'],
  de: ["{1} 'um' {0}", "{1} 'um' {0}", '{1}, {0}', '{1}, {0}'],
  fr: ["{1} 'à' {0}", "{1} 'à' {0}", '{1}, {0}', '{1} {0}'],
  es: ['{1}, {0}', "{1} 'a' 'las' {0}", '{1}, {0}', '{1}, {0}'],
  it: ["{1} 'alle' 'ore' {0}", "{1} 'alle' 'ore' {0}", '{1}, {0}', '{1}, {0}'],
  pt: ["{1} 'às' {0}", "{1} 'às' {0}", '{1}, {0}', '{1}, {0}'],
  nl: ["{1} 'om' {0}", "{1} 'om' {0}", '{1}, {0}', '{1}, {0}'],
  ja: ['{1} {0}', '{1} {0}', '{1} {0}', '{1} {0}'],
  zh: ['{1} {0}', '{1} {0}', '{1} {0}', '{1} {0}'],
};
// The zone-specific names CLDR 48.0 has beside its metazones' (timeZoneNames.json "zone"), which FormatJS's data
// lacks: summer time in London and Dublin (the metazone, GMT, has none).
const ZONE_DAYLIGHT = {
  en: ['British Summer Time', 'Irish Standard Time'], 'en-GB': ['British Summer Time', 'Irish Standard Time', 'BST'],
  de: ['Britische Sommerzeit', 'Irische Sommerzeit'], fr: ['heure d’été britannique', 'heure d’été irlandaise'],
  es: ['hora de verano británica', 'hora de verano de Irlanda'], it: ['Ora legale del Regno Unito', 'Ora legale dell’Irlanda'],
  pt: ['Horário de Verão Britânico', 'Horário Padrão Irlandês'], nl: ['Britse zomertijd', 'Ierse standaardtijd'],
  ja: ['英国夏時間', 'アイルランド標準時'], zh: ['英国夏令时间', '爱尔兰标准时间'],
};
const STYLES = ['full', 'long', 'medium', 'short'];
const FIELD = {
  G: 'era', y: 'year', Y: 'year', u: 'year', U: 'year', r: 'year', M: 'month', L: 'month', d: 'day', D: 'day', F: 'day',
  g: 'day', E: 'weekday', e: 'weekday', c: 'weekday', a: 'hour12', b: 'hour12', B: 'dayPeriod', h: 'hour', H: 'hour',
  K: 'hour', k: 'hour', m: 'minute', s: 'second', S: 'second', A: 'second', z: 'timeZoneName', Z: 'timeZoneName',
  O: 'timeZoneName', v: 'timeZoneName', V: 'timeZoneName', X: 'timeZoneName', x: 'timeZoneName',
};
/** The fields of a skeleton or pattern (quoted text left out), and the length of its month field. */
function fieldsOf(pattern) {
  const unquoted = pattern.replace(/'[^']*'/g, '');
  const fields = new Set([...unquoted].map((c) => FIELD[c]).filter(Boolean));
  return { fields, month: (unquoted.match(/[ML]+/) || [''])[0].length };
}
const DATE_FIELDS = ['year', 'era', 'month', 'day', 'weekday'], TIME_FIELDS = ['hour', 'minute', 'second', 'timeZoneName', 'hour12'];
/** FormatJS's combinations of a date and a time (its extract-dates script): key -> [date style index, date, time]. */
function combinations(available, dateFormat, timeFormat) {
  const dates = Object.fromEntries(STYLES.map((s) => [dateFormat[s], dateFormat[s]]));
  const times = Object.fromEntries(STYLES.map((s) => [timeFormat[s], timeFormat[s]]));
  for (const [skeleton, pattern] of Object.entries(available)) {
    const { fields } = fieldsOf(skeleton);
    if (!TIME_FIELDS.some((f) => fields.has(f)) && !fields.has('dayPeriod')) dates[skeleton] = pattern;
    else if (!DATE_FIELDS.some((f) => fields.has(f)) && TIME_FIELDS.some((f) => fields.has(f))) times[skeleton] = pattern;
  }
  const result = new Map();
  for (const [timeKey, timePattern] of Object.entries(times)) {
    for (const [dateKey, datePattern] of Object.entries(dates)) {
      const { fields, month } = fieldsOf(dateKey);
      const style = month === 4 ? (fields.has('weekday') ? 0 : 1) : month === 3 ? 2 : 3;
      result.set(JSON.stringify([style, dateKey, timeKey]), [style, datePattern, timePattern]);
    }
  }
  return result;
}
const COMBINED_WITH_ERA_OR_DAY_PERIOD = (skeleton) => {
  const { fields } = fieldsOf(skeleton);
  return (fields.has('era') || fields.has('dayPeriod')) && DATE_FIELDS.some((f) => f !== 'era' && fields.has(f))
    && TIME_FIELDS.some((f) => fields.has(f));
};
function dateTimeFormat(locale) {
  const entry = localeData('intl-datetimeformat/locale-data', 'DateTimeFormat', `${locale}.js`);
  const data = mapStrings(entry.data, (s) => s.replaceAll('\u202f', ' '));
  const all = data.formats.gregory, glue = data.dateTimeFormat, atTime = AT_TIME[locale];
  const styles = new Set([...STYLES.map((s) => data.dateFormat[s]), ...STYLES.map((s) => data.timeFormat[s])]);
  const available = Object.fromEntries(Object.entries(all).filter(([k]) => /^[A-Za-z]+$/.test(k) && !styles.has(k)));
  // rebuild FormatJS's combinations with its own glue first: they must be exactly its keys and patterns
  const combos = new Map();
  for (const [key, [style, datePattern, timePattern]] of combinations(available, data.dateFormat, data.timeFormat)) {
    const [, dateKey, timeKey] = JSON.parse(key);
    const join = (g, date, time) => g.replace('{0}', time).replace('{1}', date);
    combos.set(join(glue[STYLES[style]], dateKey, timeKey), [join(glue[STYLES[style]], datePattern, timePattern),
      join(atTime[style], datePattern, timePattern), styles.has(dateKey) || styles.has(timeKey)]);
  }
  // ... except en-GB's, which also has en's style patterns and their combinations: those are left out
  if ([...combos].some(([k, [pattern]]) => all[k] !== pattern)) {
    throw new Error(`${locale}: FormatJS's date-time combinations are not built as build.mjs expects`);
  }
  const gregory = {};
  const add = (entries) => entries.filter(([k]) => !COMBINED_WITH_ERA_OR_DAY_PERIOD(k)).forEach(([k, v]) => { gregory[k] = v; });
  add(Object.entries(available));
  add([...combos].filter(([, [, , fromStyle]]) => !fromStyle).map(([k, [, pattern]]) => [k, pattern]));
  add([...styles].map((k) => [k, all[k]]));
  add([...combos].filter(([, [, , fromStyle]]) => fromStyle).map(([k, [, pattern]]) => [k, pattern]));
  const [london, dublin, londonShort] = ZONE_DAYLIGHT[locale];
  const timeZoneName = { ...data.timeZoneName };
  for (const [zone, daylight, short] of [['Europe/London', london, londonShort], ['Europe/Dublin', dublin]]) {
    const names = timeZoneName[zone];
    timeZoneName[zone] = { ...names, long: [names.long[0], daylight], ...(short ? { short: [names.short[0], short] } : {}) };
  }
  return {
    locale: entry.locale,
    data: {
      ...data, ca: ['gregory'], nu: ['latn'], formats: { gregory }, timeZoneName,
      dateTimeFormat: Object.fromEntries(STYLES.map((s, i) => [s, atTime[i]])),
      hourCycle12: ['h11', 'h23'].includes(data.hourCycle) ? 'h11' : 'h12',
      hourCycle24: ['h11', 'h23'].includes(data.hourCycle) ? 'h23' : 'h24',
      intervalFormats: { intervalFormatFallback: data.intervalFormats.intervalFormatFallback },
    },
  };
}

function relativeTimeFormat(locale) {
  const entry = localeData('intl-relativetimeformat/locale-data', 'RelativeTimeFormat', `${locale}.js`);
  return { locale: entry.locale, data: { ...entry.data, nu: ['latn'] } };
}

const listFormat = (locale) => localeData('intl-listformat/locale-data', 'ListFormat', `${locale}.js`);

// ---- time zones: every zone of FormatJS's data (add-all-tz.js), as packed strings that tz.js decodes

const REFERENCE_START = 2010, REFERENCE_END = 2038; // 28 years: every kind of calendar year, 3 of most
const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
const yearStart = (year) => Date.UTC(year, 0, 1) / 1000;
const calendarType = (year) => new Date(Date.UTC(year, 0, 1)).getUTCDay() * 2 + (new Date(Date.UTC(year, 1, 29)).getUTCDate() === 29 ? 1 : 0);

function varint(value) {
  let text = '';
  do {
    const digit = value % 32;
    value = Math.floor(value / 32);
    text += DIGITS[digit + (value > 0 ? 32 : 0)];
  } while (value > 0);
  return text;
}
const zigzag = (n) => n < 0 ? -2 * n - 1 : 2 * n;

function timeZones() {
  const tz = localeData('intl-datetimeformat', 'DateTimeFormat', 'add-all-tz.js');
  const offsets = tz.offsets.split('|').map((n) => parseInt(n, 36));
  const periodIndex = new Map(); // "offset seconds * 2 + dst" in base 36 -> global index
  const packed = [];
  let yearly = 0, kept = 0, dropped = 0;
  for (const zone of tz.zones) {
    const [name, ...entries] = zone.split('|');
    // [time in seconds (-Infinity first), period key]; FormatJS lists each transition twice (a second apart) and
    // ends with NaN (the last period, forever): keep each change of period once.
    const transitions = [];
    for (const entry of entries) {
      const [ts, , offsetIndex, dst] = entry.split(',');
      const key = (offsets[+offsetIndex] * 2 + (dst === '1' ? 1 : 0)).toString(36);
      if (ts === 'NaN' || (transitions.length > 0 && transitions.at(-1)[1] === key)) continue;
      transitions.push([ts === '' ? -Infinity : parseInt(ts, 36), key]);
    }
    const periodAt = (s) => transitions.findLast(([t]) => t <= s)[1];
    // Does every year from REFERENCE_END to 2099 repeat the reference year of the same calendar? Then those
    // transitions are left out and tz.js looks them up in that year.
    const reference = [];
    for (let y = REFERENCE_END - 1; y >= REFERENCE_START; y--) reference[calendarType(y)] = y;
    const inYear = (y) => transitions.filter(([t]) => t >= yearStart(y) && t < yearStart(y + 1));
    let repeats = transitions.at(-1)[0] >= yearStart(REFERENCE_END);
    for (let y = REFERENCE_END; repeats && y < 2100; y++) {
      const r = reference[calendarType(y)], shift = yearStart(y) - yearStart(r);
      const mine = inYear(y), theirs = inYear(r);
      repeats = periodAt(yearStart(y)) === periodAt(yearStart(r)) && mine.length === theirs.length
        && mine.every(([t, k], i) => t === theirs[i][0] + shift && k === theirs[i][1]
          && t - yearStart(y) > 7 * 86400 && yearStart(y + 1) - t > 7 * 86400); // not near 1 January
    }
    const stored = repeats ? transitions.filter(([t]) => t < yearStart(REFERENCE_END)) : transitions;
    yearly += repeats ? 1 : 0;
    kept += stored.length - 1;
    dropped += transitions.length - stored.length;
    const local = [...new Set(stored.map(([, k]) => k))];
    if (local.length > 32) throw new Error(`${name}: ${local.length} periods`);
    for (const k of local) if (!periodIndex.has(k)) periodIndex.set(k, periodIndex.size);
    // the initial period is the zone's first (local index 0); each transition is a zigzag varint of the seconds since
    // the previous one and the digit of its period
    let text = '', previous = 0;
    for (const [t, k] of stored.slice(1)) {
      text += varint(zigzag(t - previous)) + DIGITS[local.indexOf(k)];
      previous = t;
    }
    packed.push([name, local.map((k) => periodIndex.get(k).toString(36)).join(','), repeats ? 'Y' : 'N',
      (stored.length - 1).toString(36), text].join('|'));
  }
  console.error(`intl: ${tz.zones.length} time zones, ${kept} transitions kept, ${dropped} left to the yearly rule of ${yearly} zones`);
  return { periods: [...periodIndex.keys()].join(','), zones: packed };
}

// ---- the data module: shared structure (zones in one metazone, patterns two locales agree on) emitted once

function emitModule(exports) {
  const json = new Map(); // object -> its JSON, computed once
  const jsonOf = (v) => {
    let j = json.get(v);
    if (j === undefined) json.set(v, j = JSON.stringify(v));
    return j;
  };
  const counts = new Map();
  const visit = (v) => {
    if (v === null || typeof v !== 'object') return;
    const j = jsonOf(v), n = (counts.get(j) || 0) + 1;
    counts.set(j, n);
    if (n === 1) Object.values(v).forEach(visit);
  };
  Object.values(exports).forEach(visit);
  const declarations = [], names = new Map();
  // A subtree that shares nothing is JSON.parse'd from a string: object literals would compile to bytecode several
  // times their size, all of it live at once while the guest boots.
  const sharesSomething = new Map();
  const shares = (v) => {
    if (v === null || typeof v !== 'object') return false;
    if (!sharesSomething.has(v)) {
      sharesSomething.set(v, Object.values(v).some((x) => (x !== null && typeof x === 'object' && counts.get(jsonOf(x)) >= 2) || shares(x)));
    }
    return sharesSomething.get(v);
  };
  const expr = (v) => {
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    const j = jsonOf(v);
    if (names.has(j)) return names.get(j);
    const text = !shares(v) && j.length > 64 ? `JSON.parse(${JSON.stringify(j)})`
      : Array.isArray(v) ? `[${v.map(expr).join(',')}]`
      : `{${Object.entries(v).map(([k, x]) => (k === '__proto__' ? '["__proto__"]' : JSON.stringify(k)) + ':' + expr(x)).join(',')}}`;
    if (counts.get(j) < 2) return text;
    const name = `$${names.size}`;
    names.set(j, name);
    declarations.push(`const ${name} = ${text};`);
    return name;
  };
  const body = Object.entries(exports).map(([k, v]) => `export const ${k} = ${expr(v)};`);
  return [...declarations, ...body].join('\n');
}

const zones = timeZones();
const dataModule = emitModule({
  LOCALES,
  NUMBER_FORMAT: LOCALES.map(numberFormat),
  DATE_TIME_FORMAT: LOCALES.map(dateTimeFormat),
  RELATIVE_TIME_FORMAT: LOCALES.map(relativeTimeFormat),
  LIST_FORMAT: LOCALES.map(listFormat),
  TZ_PERIODS: zones.periods,
  TZ_ZONES: zones.zones,
  TZ_REFERENCE_START: REFERENCE_START,
  TZ_REFERENCE_END: REFERENCE_END,
});
// Plural rules are functions in FormatJS's data: imported as they are (en covers en-GB).
const pluralRules = LOCALES.filter((l) => l !== 'en-GB').map((l) => `import '@formatjs/intl-pluralrules/locale-data/${l}.js';`).join('\n');

// Changes to FormatJS's DateTimeFormat code, each of which must apply exactly once:
const DATE_TIME_FORMAT_PATCHES = [
  // its zone offsets come from tz.js instead of its own per-transition arrays
  ['\tconst zoneData = tzData[timeZone];\n\tif (!zoneData) return [0, false];\n',
    '\treturn codeactZoneOffset(t, timeZone);\n\tconst zoneData = tzData[timeZone];\n\tif (!zoneData) return [0, false];\n'],
  // ICU (with V8's options) matches the date and the time of the options separately and keeps a pattern's field
  // widths only where the options ask for exactly the fields and widths of its skeleton; elsewhere numeric fields
  // take the widths asked for ({hour: 'numeric', minute: '2-digit'} is "9:45" in de, {hour: 'numeric', minute:
  // 'numeric'} is "09:45")
  ['\tconst skeletonFormat = { ...bestFormat };\n',
    '\tconst skeletonFormat = { ...bestFormat };\n\tconst dateProps = ["weekday", "era", "year", "month", "day"];\n'
    + '\tconst exact = (date) => DATE_TIME_PROPS.every((p) => dateProps.includes(p) !== date || bestFormat[p] === options[p]);\n'
    + '\tconst exactDate = exact(true), exactTime = exact(false);\n'],
  // with no interval formats every pattern's range patterns are the locale's fallback: one object per fallback,
  // not ten per pattern (some 50,000 objects, written at boot and held by every sandbox)
  ['\t\tconst patternParts = splitFallbackRangePattern(intervalFormatFallback);\n\t\tresult.rangePatterns.default = { patternParts };\n'
    + '\t\tresult.rangePatterns12.default = { patternParts };\n',
    '\t\tif (!codeactFallbackRanges.has(intervalFormatFallback)) codeactFallbackRanges.set(intervalFormatFallback, '
    + '{ patternParts: splitFallbackRangePattern(intervalFormatFallback) });\n'
    + '\t\tresult.rangePatterns.default = result.rangePatterns12.default = codeactFallbackRanges.get(intervalFormatFallback);\n'],
  // Node's message for a zone it does not know
  ['\t\t})) throw new RangeError("Invalid timeZoneName");\n\t\ttimeZone = CanonicalizeTimeZoneName(timeZone, {\n\t\t\tzoneNames: Object.keys(tzData),',
    '\t\t})) throw new RangeError("Invalid time zone specified: " + timeZone);\n\t\ttimeZone = CanonicalizeTimeZoneName(timeZone, {\n\t\t\tzoneNames: Object.keys(tzData),'],
  ['\t\tif (skeletonValue === requestedValue) continue;\n',
    '\t\tif (skeletonValue === requestedValue && (dateProps.includes(prop) ? exactDate : exactTime)) continue;\n'],
];
function patch(file, source, patches) {
  for (const [from, to] of patches) {
    if (source.split(from).length !== 2) throw new Error(`${file}: expected exactly one ${JSON.stringify(from)}`);
    source = source.replace(from, () => to);
  }
  return source;
}
const plugin = {
  name: 'codeact-intl',
  setup(build) {
    build.onResolve({ filter: /^codeact:/ }, (args) => ({ path: args.path, namespace: 'codeact' }));
    build.onLoad({ filter: /.*/, namespace: 'codeact' }, (args) => ({
      contents: args.path === 'codeact:intl-data' ? dataModule : pluralRules, resolveDir: modulesDir, loader: 'js',
    }));
    build.onLoad({ filter: /intl-datetimeformat[\\/]polyfill-force\.js$/ }, (args) => ({
      contents: `import { zoneOffset as codeactZoneOffset } from ${JSON.stringify(path.join(here, 'tz.js'))};\n`
        + 'const codeactFallbackRanges = new Map();\n'
        + patch(args.path, readFileSync(args.path, 'utf8'), DATE_TIME_FORMAT_PATCHES),
      loader: 'js',
    }));
  },
};

const result = await esbuild.build({
  entryPoints: [path.join(here, 'entry.js')],
  bundle: true,
  write: false,
  format: 'iife',
  target: 'es2020',
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: false,
  legalComments: 'none',
  charset: 'utf8',
  nodePaths: [modulesDir],
  plugins: [plugin],
  logLevel: 'warning',
});
const lock = JSON.parse(readFileSync(path.join(here, 'package-lock.json'), 'utf8'));
const versions = Object.entries(lock.packages).filter(([p]) => p.startsWith('node_modules/@formatjs/'))
  .map(([p, v]) => `${p.slice('node_modules/'.length)}@${v.version}`).join(', ');
const header = `// Generated by src-guest/quickjs/intl/build.mjs; do not edit. FormatJS (MIT, https://formatjs.github.io): ${versions}.
// Unicode CLDR data (Unicode License v3). Installed only where the engine has no Intl of its own.
`;
// Whether Intl is this bundle's, which the guest has evaluated before runtime.js (runtime.c); an engine with an Intl
// of its own (GraalJS) never sees the bundle.
const flag = "const intlPolyfilled = typeof Intl === 'undefined' || Intl.DateTimeFormat.polyfilled === true;\n";
const bundle = result.outputFiles[0].text.trim();
for (const file of [outFile, bundleFile]) mkdirSync(path.dirname(file), { recursive: true });
writeFileSync(outFile, `${header}// The guest evaluated the bundle itself before this script (runtime.c); GraalJS has its own Intl.\n${flag}`);
writeFileSync(bundleFile, `${header}${bundle}\n`);
