from urllib.parse import urlparse, urlunparse, urlsplit, urljoin, urlencode, parse_qs, parse_qsl, quote, unquote, quote_plus, unquote_plus, urldefrag
u = urlparse("https://user:pw@example.com:8443/path/to;params?q=1&q=2&x=%20y#frag")
print(u, u.hostname, u.port, u.username, u.password, u.geturl())
print(urlsplit("http://[::1]:80/a?b#c"), urlunparse(("https", "h.com", "/p", "", "a=1", "f")))
print(urljoin("http://a/b/c/d;p?q", "../g"), urljoin("http://a/b/", "/x"), urljoin("http://a/b", "//other/y"), urldefrag("http://a/b#frag"))
print(urlencode({"q": "café & bar", "n": 1, "l": ["a", "b"]}, doseq=True), parse_qs("a=1&a=2&b=%C3%A9&c="), parse_qsl("a=1&b=&c", keep_blank_values=True))
print(quote("/a b/ü?&"), quote("/a b", safe=""), unquote("%E2%82%AC%20x"), quote_plus("a b+c"), unquote_plus("a+b%2Bc"))
