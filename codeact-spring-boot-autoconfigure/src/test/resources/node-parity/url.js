// URL and URLSearchParams the way models use them: building API URLs, reading parts, query strings.
const base = 'https://api.example.com/v1/';
const url = new URL('orders/42?expand=items', base);
url.searchParams.set('page', '2');
url.searchParams.append('tag', 'a b&c');
url.hash = 'top';
console.log(url.href);
console.log(url.origin, url.host, url.pathname, url.search, url.hash);
console.log([...url.searchParams.keys()].join(','), url.searchParams.get('tag'), url.searchParams.has('nope'));
const relative = ['../v2/users', '/root', '//cdn.example.org/x.js', '?q=1', '#frag', 'https://other.test:8443/p'];
console.log(JSON.stringify(relative.map((r) => new URL(r, url).href)));
console.log(new URL('HTTP://User:Pass@EXAMPLE.com:80/a/./b/../c%20d?x=é#ü').href);
console.log(new URL('http://münchen.de/straße').href, new URL('http://[::1]:3000/').host, new URL('http://127.1/').hostname);
const params = new URLSearchParams({ q: 'coffee & tea', limit: 10, sort: 'price' });
params.sort();
console.log(params.toString(), params.size);
console.log(JSON.stringify(Object.fromEntries(new URLSearchParams('a=1&b=2&a=3'))), new URLSearchParams('a=1&a=2').getAll('a').join('|'));
for (const bad of ['not a url', 'http://exa mple.com', 'https://x:99999/']) {
  try {
    new URL(bad);
    console.log('parsed', bad);
  } catch (e) {
    console.log(e.name, e instanceof TypeError);
  }
}
console.log(URL.canParse('mailto:x@y.z'), URL.canParse('/relative'), new URL('file:///tmp/a.txt').pathname);
console.log(new URL('https://example.com/search?q=1'));
console.log(String(new URL('blob:https://a.test/uuid')), new URL('data:text/plain,hi').protocol);
return { href: url.toString(), json: JSON.stringify({ url }) };
