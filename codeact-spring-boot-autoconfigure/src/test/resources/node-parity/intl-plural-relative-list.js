// Plurals, "3 days ago" and lists, as models write them, in the ten locales.
const locales = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'it-IT', 'pt-BR', 'nl-NL', 'ja-JP', 'zh-CN'];
for (const locale of locales) {
  const rtf = new Intl.RelativeTimeFormat(locale), auto = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const short = new Intl.RelativeTimeFormat(locale, { style: 'short' });
  console.log(locale, '|', rtf.format(-3, 'day'), '|', rtf.format(2, 'hour'), '|', auto.format(-1, 'day'), '|', auto.format(1, 'week'), '|',
    auto.format(0, 'year'), '|', short.format(-5, 'month'), '|', rtf.format(-1, 'minute'), '|', rtf.format(10, 'second'));
  const and = new Intl.ListFormat(locale, { type: 'conjunction' }), or = new Intl.ListFormat(locale, { type: 'disjunction' });
  console.log(locale, '|', and.format(['apples', 'bananas', 'cherries']), '|', and.format(['A', 'B']), '|', or.format(['red', 'green', 'blue']),
    '|', new Intl.ListFormat(locale, { style: 'short', type: 'unit' }).format(['3 ft', '7 in']), '|', and.format(['solo']));
  const cardinal = new Intl.PluralRules(locale), ordinal = new Intl.PluralRules(locale, { type: 'ordinal' });
  console.log(locale, '|', [0, 1, 2, 5, 1.5, 21].map((n) => cardinal.select(n)).join(','), '|', [1, 2, 3, 4, 11, 22].map((n) => ordinal.select(n)).join(','));
}
const suffix = { one: 'st', two: 'nd', few: 'rd', other: 'th' }, pr = new Intl.PluralRules('en-US', { type: 'ordinal' });
const ranks = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101].map((n) => n + suffix[pr.select(n)]);
const items = (n) => `${n} ${new Intl.PluralRules('en-US').select(n) === 'one' ? 'item' : 'items'}`;
const daysAgo = (days) => new Intl.RelativeTimeFormat('en', { numeric: 'auto' }).format(-days, 'day');
return { ranks, counts: [0, 1, 2].map(items), ago: [0, 1, 3].map(daysAgo) };
