// Headers, Request and Response as the Fetch standard shapes them (no network: fetch itself is the host's).
const headers = new Headers({ 'Content-Type': 'application/json', 'X-Trace': 'a' });
headers.append('x-trace', 'b');
headers.append('Set-Cookie', 'a=1');
headers.append('Set-Cookie', 'b=2');
headers.set('Accept', 'text/plain');
console.log(headers.get('x-trace'), headers.get('content-type'), headers.has('ACCEPT'), headers.get('missing'));
console.log(JSON.stringify([...headers]), JSON.stringify(headers.getSetCookie()));
headers.delete('x-trace');
const seen = [];
headers.forEach((value, name) => seen.push(name + '=' + value));
console.log(seen.join('; '), [...headers.keys()].length);
console.log(JSON.stringify(Object.fromEntries(new Headers([['a', '1'], ['b', ' 2 ']]))));
try {
  new Headers({ 'bad name': 'x' });
} catch (e) {
  console.log(e.name, e.message);
}
const request = new Request('https://api.example.com/items?x=1', {
  method: 'post', headers: { Authorization: 'Bearer t' }, body: JSON.stringify({ a: 1 }),
});
console.log(request.method, request.url, request.headers.get('authorization'), request.headers.get('content-type'));
console.log(JSON.stringify(await request.clone().json()), request.bodyUsed);
console.log(await request.text(), request.bodyUsed);
try {
  await request.text();
} catch (e) {
  console.log(e.name);
}
try {
  new Request('/relative');
} catch (e) {
  console.log(e.name, e.message);
}
const response = new Response('{"ok":true,"items":[1,2]}', { status: 201, headers: { 'content-type': 'application/json' } });
console.log(response.status, response.ok, response.statusText === '', response.headers.get('content-type'));
const body = await response.json();
console.log(JSON.stringify(body), response.bodyUsed);
const json = Response.json({ hello: 'world' }, { status: 202 });
console.log(json.status, json.headers.get('content-type'), await json.text());
console.log(new Response(null, { status: 404 }).ok, await new Response('text').text(), new Response('x').status);
const bytes = await new Response('héllo').arrayBuffer();
console.log(bytes.byteLength, bytes instanceof ArrayBuffer);
try {
  new Response('x', { status: 99 });
} catch (e) {
  console.log(e.name, e.message);
}
const form = new Request('https://a.example/form', { method: 'POST', body: new URLSearchParams({ q: 'a b' }) });
console.log(form.headers.get('content-type'), await form.text());
return [typeof fetch, typeof Headers, typeof Request, typeof Response];
