// The toLocaleString family, which models reach for first.
const amount = 1234567.891, when = new Date(Date.UTC(2024, 1, 29, 16, 45, 3));
console.log(amount.toLocaleString(), '|', amount.toLocaleString('en-US', { style: 'currency', currency: 'USD' }), '|',
  amount.toLocaleString('de-DE', { maximumFractionDigits: 1 }), '|', (0.256).toLocaleString('fr-FR', { style: 'percent' }), '|',
  (12345678901234567890n).toLocaleString('en-US'), '|', (42).toLocaleString('ja-JP', { style: 'currency', currency: 'JPY' }));
console.log(when.toLocaleString(), '|', when.toLocaleDateString(), '|', when.toLocaleTimeString(), '|', when.toLocaleDateString('en-GB'), '|',
  when.toLocaleDateString('en-US', { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }), '|',
  when.toLocaleTimeString('en-US', { hour: '2-digit', minute: '2-digit' }), '|', when.toLocaleString('pt-BR', { timeZone: 'America/Sao_Paulo' }));
console.log([1234.5, when].toLocaleString('de-DE'), '|', [0.5, 1000].toLocaleString('en-US', { style: 'percent' }));
const rows = [{ sku: 'KB-1', price: 49.5, sold: when }, { sku: 'MS-2', price: 1299, sold: new Date(Date.UTC(2023, 11, 31, 23, 59)) }];
for (const r of rows) {
  console.log(`${r.sku}: ${r.price.toLocaleString('en-US', { style: 'currency', currency: 'EUR' })} on ${r.sold.toLocaleDateString('de-DE', { day: '2-digit', month: '2-digit', year: 'numeric' })}`);
}
return { invalid: new Date('nope').toLocaleDateString('en-US'), typeofIntl: typeof Intl, formatters: Object.keys(Intl).length >= 0 };
