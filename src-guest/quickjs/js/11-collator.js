// Intl.Collator and String.prototype.localeCompare where the engine has none (the QuickJS guest; FormatJS has no
// Collator): CLDR's root collation in compact form. Strings are compared as ICU compares them, level by level:
// primary (base letters: "a" < "b", punctuation < digits < letters), secondary (accents, in CLDR's order),
// tertiary (lower case before upper case; ligatures and compatibility forms after both). Canonical decomposition
// (NFD) gives the accents of precomposed letters, compatibility decomposition (NFKD) the letters of "ﬁ" or "²".
// The tables below are CLDR 48's root order (as ICU 78 sorts them) for the characters programs meet most: ASCII,
// Latin-1, Latin with extra letters, Greek, Cyrillic, kana; any other character sorts by its code point within its
// class (symbols, other scripts, Hangul, kana, Han), which is root order for Han but not pinyin (zh) or Japanese
// order (ja). Only Spanish's tailoring (ñ a letter after n) is carried.
if (intlPolyfilled) {
  (() => {
    // punctuation and symbols in root order; characters of one group share a primary weight. Up to "`" they are
    // punctuation, which ignorePunctuation ignores (CLDR's variable range), from there on symbols, which it keeps.
    const PUNCTUATION = ['\t', '\n', '\r', ' \u00a0', '_', '-', '–', '—', ',', ';', ':', '!', '¡', '?', '¿', '.', '·',
      "'‘’‚", '‹', '›', '"“”„', '«', '»', '(', ')', '[', ']', '{', '}', '§', '¶', '@', '*', '/', '\\', '&', '#', '%', '‰',
      '†', '‡', '•', '′', '″', '`', '´', '^', '¯', '¨', '¸', '°', '©', '®', '+', '±', '÷', '×', '<', '=', '>', '¬', '|', '¦',
      '~', '¤', '¢', '$', '£', '¥', '₩', '₪', '₫', '€', '₹', '₺', '₽', '™'];
    // combining marks by secondary weight (code points in hex); a group shares one weight
    const MARKS = ['332', '313,343', '314', '301,341', '300,340', '306', '302', '30c', '30a', '342', '308', '344', '30b', '303',
      '307', '338', '327', '328', '304', '30d,30e,312,315,31a,33d,33e,33f,346,34a,34b,34c,350,351,352,357,35b,35d,35e',
      '316,317,318,319,31c,31d,31e,31f,320,329,32a,32b,32c,32f,333,33a,33b,33c,347,348,349,34d,34e,353,354,355,356,359,35a,35c,35f,362',
      '336,337', '335', '305', '309', '30f', '310', '311', '31b', '321', '322', '323', '324', '325', '326', '32d', '32e', '330',
      '331', '334', '339', '345', '358', '360', '361', '363', '368', '369', '364', '36a', '365', '36b', '366', '36c', '36d',
      '367', '36e', '36f'];
    const LATIN = 'abcdeǝəɛfƒgɣhƕiıɨjklƚmnɲŋoɵpƥqĸrʀsʃtƭuʉɯʊvʋwxyƴzʒþ';
    const LATIN_ES = LATIN.replace('n', 'nñ');
    const GREEK = 'αβγδεζηθικλμνξοπρσςτυφχψω';
    const CYRILLIC = 'абвгдђеєжзѕиійјклљмнњопрстћуфхцчџшщъыьэюя';
    // a letter and an accent that are one letter of their own: й everywhere, ñ in Spanish
    const CONTRACTIONS = { 0x306: ['и', 'й'] }, SPANISH_CONTRACTIONS = { 0x306: ['и', 'й'], 0x303: ['n', 'ñ'] };
    // letters that are a Latin letter with a secondary difference (its accent, in hex)
    const STROKED = { ø: ['o', '338'], đ: ['d', '335'], ł: ['l', '335'], ħ: ['h', '335'], ð: ['d', '36f'] };
    // ligatures that expand, with a secondary weight of their own between the letters (after every accent)
    const EXPANSIONS = { æ: ['ae', 1], œ: ['oe', 1], ß: ['ss', 2], ẞ: ['ss', 2] };
    const SMALL_KANA = 'ぁぃぅぇぉっゃゅょゎゕゖ';

    // weights are string characters, so that a level compares as one string: primary classes take ranges
    const PUNCTUATION_BASE = 0x100, SYMBOL = 0x1ff, DIGIT_BASE = 0x300, NUMBER_BASE = 0x310, LATIN_BASE = 0x400,
      GREEK_BASE = 0x500, CYRILLIC_BASE = 0x600, OTHER = 0x700, HANGUL = 0x800, KANA = 0x900, HAN = 0xa00;
    const COMMON = 0x20, LOWER = 0x20, UPPER = 0x21, VARIANT_LOWER = 0x22, VARIANT_UPPER = 0x23;
    const ch = String.fromCharCode;
    const primaryOf = new Map(), markWeight = new Map();
    // [primary, tertiary, secondary]: quotation marks differ from the ASCII ones by a secondary weight, NBSP from SPACE
    // by a tertiary one
    PUNCTUATION.forEach((group, i) => [...group].forEach((c, j) => primaryOf.set(c,
      [PUNCTUATION_BASE + i, c === '\u00a0' ? UPPER : LOWER, j > 0 && c !== '\u00a0' ? ch(0x1000 + j) : ''])));
    const FIRST_SYMBOL = PUNCTUATION_BASE + PUNCTUATION.indexOf('`');
    MARKS.forEach((group, i) => group.split(',').forEach((hex) => markWeight.set(parseInt(hex, 16), COMMON + 1 + i)));

    /** [primary, secondary, tertiary] key strings of s. */
    function keys(s, spanish, numeric, ignorePunctuation) {
      let primary = '', secondary = '', tertiary = '';
      const element = (p, t, accents) => {
        primary += p;
        secondary += ch(COMMON) + (accents || '');
        tertiary += ch(t);
      };
      const latin = spanish ? LATIN_ES : LATIN;
      const chars = [...s.normalize('NFD')];
      for (let i = 0; i < chars.length; i++) {
        let c = chars[i], cp = c.codePointAt(0);
        const mark = markWeight.get(cp) || (/\p{M}/u.test(c) ? COMMON + 1 + MARKS.length : 0);
        if (mark) { // an accent of the previous element, or with it a letter of its own
          const contraction = (spanish ? SPANISH_CONTRACTIONS : CONTRACTIONS)[cp];
          const letters = contraction && (contraction[0] === 'и' ? CYRILLIC : latin);
          const base = contraction && ch((letters === latin ? LATIN_BASE : CYRILLIC_BASE) + letters.indexOf(contraction[0]));
          if (contraction && primary.endsWith(base) && secondary.endsWith(ch(COMMON))) {
            primary = primary.slice(0, -1) + ch((letters === latin ? LATIN_BASE : CYRILLIC_BASE) + letters.indexOf(contraction[1]));
          } else {
            secondary += ch(mark);
          }
          continue;
        }
        if (numeric && c >= '0' && c <= '9') {
          let j = i;
          while (j < chars.length && chars[j] >= '0' && chars[j] <= '9') j++;
          const digits = chars.slice(i, j).join('').replace(/^0+/, '');
          element(ch(NUMBER_BASE + Math.min(digits.length, 0xef)) + [...digits].map((d) => ch(DIGIT_BASE + +d)).join(''), LOWER);
          i = j - 1;
          continue;
        }
        const lower = c.toLowerCase(), upper = lower !== c;
        const compat = c.normalize('NFKD');
        if (compat !== c && !primaryOf.has(c)) { // "ﬁ", "²", "ſ": the decomposition's elements, a tertiary variant
          const [p, sec, t] = keys(compat, spanish, false, ignorePunctuation);
          primary += p;
          secondary += sec;
          tertiary += [...t].map((w) => ch(w.charCodeAt(0) === UPPER ? VARIANT_UPPER : VARIANT_LOWER)).join('');
          continue;
        }
        if (primaryOf.has(c)) {
          const [p, t, accent] = primaryOf.get(c);
          if (!ignorePunctuation || p >= FIRST_SYMBOL) element(ch(p), t, accent);
        } else if (c >= '0' && c <= '9') {
          element(ch(DIGIT_BASE + +c), LOWER);
        } else if (EXPANSIONS[lower]) {
          const [letters, ligature] = EXPANSIONS[lower], t = upper ? VARIANT_UPPER : VARIANT_LOWER;
          element(ch(LATIN_BASE + latin.indexOf(letters[0])), t, ch(COMMON + 1 + MARKS.length + ligature));
          element(ch(LATIN_BASE + latin.indexOf(letters[1])), t);
        } else if (STROKED[lower]) {
          element(ch(LATIN_BASE + latin.indexOf(STROKED[lower][0])), upper ? UPPER : LOWER, ch(markWeight.get(parseInt(STROKED[lower][1], 16)) || COMMON + 1 + MARKS.length));
        } else if (latin.includes(lower)) {
          element(ch(LATIN_BASE + latin.indexOf(lower)), upper ? UPPER : LOWER);
        } else if (GREEK.includes(lower)) {
          element(ch(GREEK_BASE + GREEK.indexOf(lower === 'ς' ? 'σ' : lower)), upper ? UPPER : lower === 'ς' ? VARIANT_LOWER : LOWER);
        } else if (CYRILLIC.includes(lower)) {
          element(ch(CYRILLIC_BASE + CYRILLIC.indexOf(lower)), upper ? UPPER : LOWER);
        } else if (/[\p{P}\p{Z}\p{Cc}]/u.test(c)) {
          if (!ignorePunctuation) element(ch(SYMBOL - 1) + ch(cp >> 16) + ch(cp & 0xffff), LOWER);
        } else if (/\p{S}/u.test(c)) {
          element(ch(SYMBOL) + ch(cp >> 16) + ch(cp & 0xffff), LOWER);
        } else {
          const katakana = cp >= 0x30a1 && cp <= 0x30f6;
          const kana = katakana ? cp - 0x60 : cp;
          const small = SMALL_KANA.includes(ch(kana));
          const cls = (cp >= 0x1100 && cp <= 0x11ff) || (cp >= 0x3130 && cp <= 0x318f) || (cp >= 0xac00 && cp <= 0xd7af) ? HANGUL
            : kana >= 0x3041 && kana <= 0x309f ? KANA
            : (cp >= 0x3400 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff) || cp >= 0x20000 ? HAN : OTHER;
          const p = cls === KANA ? kana + (small ? 1 : 0) : cp;
          element(ch(cls) + ch(p >> 16) + ch(p & 0xffff), cls === KANA ? 0x10 + (katakana ? 2 : 0) + (small ? 0 : 1) : upper ? UPPER : LOWER);
        }
      }
      return [primary, secondary, tertiary];
    }

    const SENSITIVITIES = ['base', 'accent', 'case', 'variant'];
    const slots = new WeakMap();
    const option = (options, name, values, fallback) => {
      const value = options[name];
      if (value === undefined) return fallback;
      const text = values === Boolean ? Boolean(value) : String(value);
      if (values !== Boolean && !values.includes(text)) throw new RangeError(`Value ${text} out of range for Intl.Collator options property ${name}`);
      return text;
    };
    /** The locale ICU reports: its collation locales are languages, but en-US and Chinese with a region. */
    function resolveLocale(locales) {
      const requested = Intl.getCanonicalLocales(locales === undefined ? [] : locales);
      if (requested.length === 0) return 'en-US';
      const tag = requested[0].replace(/-u-.*$/, '').replace(/-x-.*$/, '');
      const language = tag.split('-')[0];
      return tag === 'en-US' || language === 'zh' ? tag.split('-').slice(0, 2).join('-') : language;
    }

    class Collator {
      constructor(locales, options) {
        const o = options === undefined ? {} : Object(options);
        const usage = option(o, 'usage', ['sort', 'search'], 'sort');
        const locale = resolveLocale(locales);
        const numeric = option(o, 'numeric', Boolean, false);
        const caseFirst = option(o, 'caseFirst', ['upper', 'lower', 'false'], 'false');
        const sensitivity = option(o, 'sensitivity', SENSITIVITIES, 'variant');
        const ignorePunctuation = option(o, 'ignorePunctuation', Boolean, false);
        const cache = new Map();
        const keyOf = (s) => {
          let k = cache.get(s);
          if (k === undefined) {
            k = keys(s, locale.split('-')[0] === 'es', numeric, ignorePunctuation);
            if (caseFirst === 'upper') k[2] = k[2].replace(/[\u0020-\u0023]/g, (w) => ch(w.charCodeAt(0) ^ 1));
            if (sensitivity === 'case') k[2] = k[2].replace(/[\u0022\u0023]/g, (w) => ch(w.charCodeAt(0) - 2));
            cache.set(s, k);
          }
          return k;
        };
        const levels = sensitivity === 'base' ? [0] : sensitivity === 'accent' ? [0, 1] : sensitivity === 'case' ? [0, 2] : [0, 1, 2];
        const compare = (x, y) => {
          const a = keyOf(String(x)), b = keyOf(String(y));
          for (const level of levels) {
            if (a[level] !== b[level]) return a[level] < b[level] ? -1 : 1;
          }
          return 0;
        };
        slots.set(this, { compare, resolved: { locale, usage, sensitivity, ignorePunctuation, collation: 'default', numeric, caseFirst } });
      }
      get compare() {
        const s = slots.get(this);
        if (!s) throw new TypeError('Method get Intl.Collator.prototype.compare called on incompatible receiver');
        return s.compare;
      }
      resolvedOptions() {
        const s = slots.get(this);
        if (!s) throw new TypeError('Method Intl.Collator.prototype.resolvedOptions called on incompatible receiver');
        return { ...s.resolved };
      }
      static supportedLocalesOf(locales) {
        return Intl.getCanonicalLocales(locales === undefined ? [] : locales);
      }
    }
    Object.defineProperty(Collator.prototype, Symbol.toStringTag, { value: 'Intl.Collator', configurable: true });
    Object.defineProperty(Intl, 'Collator', { value: Collator, writable: true, configurable: true });

    // localeCompare: one collator per locales and options, so that repeated comparisons reuse their keys
    const collators = new Map();
    Object.defineProperty(String.prototype, 'localeCompare', {
      value: function localeCompare(that, locales, options) {
        if (this === null || this === undefined) throw new TypeError('String.prototype.localeCompare called on null or undefined');
        let key;
        try {
          key = JSON.stringify([locales, options]);
        } catch (e) {
          key = undefined; // options that are not plain data get a collator of their own
        }
        let collator = key === undefined ? undefined : collators.get(key);
        if (!collator) {
          collator = new Collator(locales, options);
          if (key !== undefined) collators.set(key, collator);
        }
        return collator.compare(String(this), String(that));
      },
      writable: true,
      configurable: true,
    });
  })();
}
