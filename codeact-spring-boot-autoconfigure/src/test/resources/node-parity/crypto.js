// crypto: what can be compared across engines (digests of known input, formats, lengths, errors).
const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
const data = new TextEncoder().encode('The quick brown fox jumps over the lazy dog');
for (const algorithm of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512', { name: 'sha-256' }]) {
  const digest = await crypto.subtle.digest(algorithm, data);
  console.log(JSON.stringify(algorithm), digest instanceof ArrayBuffer, digest.byteLength, hex(digest));
}
console.log(hex(await crypto.subtle.digest('SHA-256', new Uint8Array(0))));
console.log(hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('a'.repeat(1000)))));
try {
  await crypto.subtle.digest('MD5', data);
} catch (e) {
  console.log(e.name, e.message);
}
const uuid = crypto.randomUUID();
console.log(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuid), uuid.length);
const ids = new Set(Array.from({ length: 100 }, () => crypto.randomUUID()));
console.log('unique', ids.size);
for (const array of [new Uint8Array(16), new Uint32Array(4), new Int16Array(3), new BigUint64Array(2), new Uint8Array(65536)]) {
  const same = crypto.getRandomValues(array) === array;
  console.log(array.constructor.name, array.length, same);
}
const bytes = crypto.getRandomValues(new Uint8Array(4096));
console.log('not all zero', bytes.some((b) => b !== 0), 'spread', new Set(bytes).size > 200);
for (const bad of [new Float64Array(2), new Uint8Array(65537), [1, 2]]) {
  try {
    crypto.getRandomValues(bad);
  } catch (e) {
    console.log(e.name, e.message, e.code);
  }
}
const token = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
console.log(token.length, typeof crypto.subtle, typeof crypto.subtle.digest);
return hex(await crypto.subtle.digest('SHA-1', new TextEncoder().encode('abc')));
