import html
from html.parser import HTMLParser
print(html.escape('<a href="x">Tom & Jerry\'s</a>'), html.escape("<&>", quote=False), html.unescape("&lt;p&gt; &amp; &eacute; &#8364; &#x1F600; &nbsp;|&notit;"))
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.events = []
    def handle_starttag(self, tag, attrs): self.events.append(("start", tag, attrs))
    def handle_endtag(self, tag): self.events.append(("end", tag))
    def handle_data(self, data):
        if data.strip(): self.events.append(("data", data.strip()))
    def handle_comment(self, data): self.events.append(("comment", data))
p = P(); p.feed('<html><body class="main" id=x><p>Hello <b>world</b> &amp; more</p><!-- note --><br/><img src="a.png" alt=""></body></html>'); p.close()
for e in p.events:
    print(e)
