// TextEncoder and TextDecoder (UTF-8): byte counts, round trips, invalid input, streaming.
const encoder = new TextEncoder();
const samples = ['hello', 'héllo wörld', '€ 100', '日本語', '👋🏽 family 👨‍👩‍👧', '\u0000', 'a\uD800b'];
for (const s of samples) {
  const bytes = encoder.encode(s);
  console.log(JSON.stringify(s), bytes.length, Array.from(bytes.slice(0, 8)).join(' '));
}
const decoder = new TextDecoder();
console.log(decoder.encoding, decoder.fatal, decoder.ignoreBOM);
console.log(decoder.decode(encoder.encode('round trip ✓ 🚀')));
console.log(JSON.stringify(decoder.decode(new Uint8Array([0x61, 0xff, 0x62, 0xe2, 0x82, 0x63, 0xf0, 0x9f, 0x98]))));
console.log(JSON.stringify(decoder.decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]))));
console.log(JSON.stringify(new TextDecoder('utf-8', { ignoreBOM: true }).decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x68]))));
try {
  new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xc3]));
} catch (e) {
  console.log(e.name, e.message);
}
const streaming = new TextDecoder();
const euro = encoder.encode('€uro');
console.log(JSON.stringify(streaming.decode(euro.slice(0, 2), { stream: true }) + streaming.decode(euro.slice(2))));
const target = new Uint8Array(5);
console.log(JSON.stringify(encoder.encodeInto('añb€', target)), Array.from(target).join(','));
console.log(decoder.decode(encoder.encode('buffer').buffer), decoder.decode(new DataView(encoder.encode('view').buffer)));
console.log(new TextDecoder('UTF8').encoding, decoder.decode());
return Array.from(encoder.encode('ok'));
