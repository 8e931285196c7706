// What every engine already agrees on: the baseline of the parity suite.
const words = ['delta', 'alpha', 'charlie', 'bravo'];
console.log(words.sort().join(', '));
console.log((0.1 + 0.2).toFixed(2), 2 ** 53 + 1, 7n ** 20n);
console.log(JSON.stringify({ a: [1, 2, { b: null }], c: 'é' }));
console.log(new Date(Date.UTC(2024, 1, 29, 13, 5)).toISOString());
console.log('x'.padStart(5, '-'), 'Straße'.toUpperCase(), [...'héllo'].reverse().join(''));
const total = await Promise.all([1, 2, 3].map(async (n) => n * 2));
return { total, max: Math.max(...total) };
