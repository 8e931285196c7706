// Sorting names and words with accents and case, as models sort them.
const names = ['Émile', 'Zoë', 'anna', 'Ängel', 'Bob', 'Øystein', 'chloé', 'Chloe', 'david', 'Łukasz', 'Åsa', 'éva', 'Eva', 'Zoe'];
console.log(names.slice().sort((a, b) => a.localeCompare(b)).join(', '));
console.log(['b', 'a', 'é', 'e', 'Z'].sort((a, b) => a.localeCompare(b)).join(','));
console.log(['résumé', 'resume', 'Resume', 'RESUME', 'cote', 'côte', 'coté', 'côté'].sort(new Intl.Collator('fr').compare).join(' '));
console.log(['straße', 'Strasse', 'strasse', 'Müller', 'Mueller', 'Muller', 'Ärger', 'Zebra', 'apfel'].sort(new Intl.Collator('de').compare).join(' '));
console.log(['ñandú', 'nube', 'Ñu', 'año', 'ano', 'oso'].sort(new Intl.Collator('es').compare).join(' '));
console.log(['item10', 'item2', 'item1', 'Item 3', 'item20'].sort(new Intl.Collator(undefined, { numeric: true }).compare).join(' '));
console.log(['file-10.txt', 'file-9.txt', 'file_1.txt', 'File-2.txt'].sort((a, b) => a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' })).join(' '));
const base = new Intl.Collator('en', { sensitivity: 'base' }), accent = new Intl.Collator('en', { sensitivity: 'accent' });
console.log(['a', 'á', 'A', 'b'].map((x) => [base.compare('a', x), accent.compare('a', x), 'a'.localeCompare(x)].join('/')).join(' '));
console.log(['a-b', 'a b', 'ab', 'a_b', 'aB'].sort(new Intl.Collator('en', { ignorePunctuation: true }).compare).join('|'));
console.log(['Ölçek', 'ola', 'Olá', 'olá', 'Ola'].sort(new Intl.Collator('pt-BR', { caseFirst: 'upper' }).compare).join(' '));
const people = [{ name: 'Ünal' }, { name: 'Ulrich' }, { name: 'Åke' }, { name: 'Adam' }, { name: 'Ørjan' }, { name: 'Oscar' }];
people.sort((p, q) => p.name.localeCompare(q.name, 'en'));
return { order: people.map((p) => p.name), resolved: new Intl.Collator('de-DE', { numeric: true }).resolvedOptions() };
