// Numbers as models format them: prices, percentages, units, big numbers, in the ten locales the guest carries.
const locales = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'it-IT', 'pt-BR', 'nl-NL', 'ja-JP', 'zh-CN'];
const order = { total: 1234567.891, discount: 0.125, items: 3, weightKg: 2.5 };
for (const locale of locales) {
  const money = (amount, currency, extra) => new Intl.NumberFormat(locale, { style: 'currency', currency, ...extra }).format(amount);
  console.log(locale, '|', money(order.total, 'USD'), '|', money(order.total, 'EUR'), '|', money(-42.5, 'GBP'), '|',
    money(order.total, 'JPY'), '|', money(99.99, 'CHF', { currencyDisplay: 'code' }), '|', money(2, 'BRL', { currencyDisplay: 'name' }), '|',
    money(1, 'EUR', { currencyDisplay: 'name' }), '|', money(-3.5, 'USD', { currencySign: 'accounting' }));
  console.log(locale, '|', new Intl.NumberFormat(locale, { style: 'percent' }).format(order.discount), '|',
    new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1 }).format(0.25678), '|',
    new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilogram' }).format(order.weightKg), '|',
    new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilometer-per-hour', unitDisplay: 'long' }).format(88), '|',
    new Intl.NumberFormat(locale, { style: 'unit', unit: 'celsius', unitDisplay: 'narrow' }).format(21.5), '|',
    new Intl.NumberFormat(locale, { style: 'unit', unit: 'megabyte', unitDisplay: 'short' }).format(512));
  console.log(locale, '|', new Intl.NumberFormat(locale, { notation: 'compact' }).format(1234567), '|',
    new Intl.NumberFormat(locale, { notation: 'compact', compactDisplay: 'long' }).format(2500000000), '|',
    new Intl.NumberFormat(locale, { notation: 'compact', style: 'currency', currency: 'USD' }).format(45300), '|',
    new Intl.NumberFormat(locale, { notation: 'scientific' }).format(123456), '|',
    new Intl.NumberFormat(locale, { maximumSignificantDigits: 3 }).format(123456.789), '|',
    new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(1234.5), '|',
    new Intl.NumberFormat(locale, { useGrouping: false }).format(1234567.5), '|',
    new Intl.NumberFormat(locale, { signDisplay: 'always' }).format(5), '|', new Intl.NumberFormat(locale).format(-0.5));
}
const parts = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }).formatToParts(1234.5);
console.log(parts.map((p) => `${p.type}:${p.value}`).join(' '));
const totals = [19.99, 5, 120.5].map((v) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(v));
return { totals, resolved: new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).resolvedOptions().locale };
