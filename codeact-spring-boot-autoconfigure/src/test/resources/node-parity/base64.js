// atob and btoa, including the Unicode round trip models write by hand.
console.log(btoa('hello world'), atob('aGVsbG8gd29ybGQ='), btoa(''), atob(''));
console.log(atob(' aGVs\nbG8= '), atob('YQ'), btoa(String.fromCharCode(0, 255, 128)));
const toBase64 = (s) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));
const fromBase64 = (b) => new TextDecoder().decode(Uint8Array.from(atob(b), (c) => c.charCodeAt(0)));
const encoded = toBase64('héllo 👋');
console.log(encoded, fromBase64(encoded));
const basic = btoa('user:secret');
console.log('Authorization: Basic ' + basic);
const jwtPayload = 'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ';
console.log(JSON.parse(atob(jwtPayload.replace(/-/g, '+').replace(/_/g, '/'))).name);
for (const bad of [() => btoa('€'), () => atob('a'), () => atob('ab$c'), () => atob('YQ=')]) {
  try {
    bad();
  } catch (e) {
    console.log(e.name, e.message, e instanceof DOMException, e instanceof Error, e.code);
  }
}
return [btoa('x'), atob('eA==')];
