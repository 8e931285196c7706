// Dates and times as models format them, with options, styles and time zones, in the ten locales.
const locales = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'it-IT', 'pt-BR', 'nl-NL', 'ja-JP', 'zh-CN'];
const meeting = new Date(Date.UTC(2024, 0, 15, 13, 5, 9));
const summer = new Date(Date.UTC(2025, 6, 20, 9, 45, 30));
const bags = [
  { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }, { year: 'numeric', month: 'short', day: 'numeric' },
  { month: 'long', day: 'numeric' }, { month: 'long', year: 'numeric' }, { year: 'numeric', month: '2-digit', day: '2-digit' },
  { weekday: 'long' }, { month: 'short' }, { hour: '2-digit', minute: '2-digit' }, { hour: 'numeric', minute: '2-digit' },
  { year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit' },
  { dateStyle: 'full' }, { dateStyle: 'medium' }, { dateStyle: 'short' }, { timeStyle: 'short' },
  { dateStyle: 'long', timeStyle: 'short' }, { dateStyle: 'medium', timeStyle: 'medium' },
];
for (const locale of locales) {
  console.log(locale, '|', bags.map((o) => new Intl.DateTimeFormat(locale, o).format(meeting)).join(' | '));
  console.log(locale, '|', meeting.toLocaleDateString(locale), '|', summer.toLocaleTimeString(locale), '|', summer.toLocaleString(locale),
    '|', summer.toLocaleString(locale, { timeZone: 'America/New_York' }), '|',
    meeting.toLocaleString(locale, { timeZone: 'Asia/Tokyo', dateStyle: 'medium', timeStyle: 'short' }), '|',
    summer.toLocaleTimeString(locale, { timeZone: 'Europe/London', timeStyle: 'full' }));
}
for (const zone of ['UTC', 'America/Los_Angeles', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Sydney', 'Etc/GMT-5']) {
  console.log(zone, '|', summer.toLocaleString('en-US', { timeZone: zone, timeZoneName: 'short' }), '|',
    meeting.toLocaleString('de-DE', { timeZone: zone, hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }));
}
console.log(new Date(Date.UTC(2090, 6, 1, 12)).toLocaleString('en-US', { timeZone: 'America/New_York', timeZoneName: 'long' }));
console.log(new Date(Date.UTC(1985, 0, 1, 12)).toLocaleString('en-US', { timeZone: 'Europe/Paris' }));
console.log(new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric' }).formatToParts(meeting).map((p) => p.type + ':' + p.value).join(' '));
console.log(new Intl.DateTimeFormat().resolvedOptions().timeZone, new Intl.DateTimeFormat('de-DE').resolvedOptions().locale);
try {
  new Intl.DateTimeFormat('en-US', { timeZone: 'Mars/Olympus' });
} catch (e) {
  console.log(e.name);
}
return new Date(NaN).toLocaleString('en-US');
