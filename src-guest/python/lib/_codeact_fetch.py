"""fetch(url, method="GET", headers=None, body=None, timeout=None) for programs: one request through the host's
egress service (codeact.fetch, the one the JavaScript guest's fetch uses), which applies the egress rules, follows
redirects and bounds the call by the execution's deadline. Bodies are text both ways, as the host carries them: a
bytes body is sent as UTF-8 text (invalid bytes replaced), a dict or list as JSON. A refusal or a failure raises
FetchError with the host's message (the message JavaScript's TypeError carries); a timeout= the host gave up at raises
TimeoutError. Everything used here is bound at boot, so a program that replaces json or str methods does not shape the
host call."""
import _codeact
from json import dumps as _dumps, loads as _loads

_host_call = _codeact.host_call
_str, _to_bytes, _isinstance, _dict, _list, _tuple = str, bytes, isinstance, dict, list, tuple
_bytes = (bytes, bytearray, memoryview)


class FetchError(Exception):
    """A fetch the host refused or could not complete; the message says why."""


class Headers:
    """Response headers: a read-only mapping whose names match in any case, as HTTP's do."""

    def __init__(self, pairs):
        self._by_name = {}
        for name, value in pairs:
            self._by_name[_str(name).lower()] = (_str(name), _str(value))

    def __getitem__(self, name):
        return self._by_name[_str(name).lower()][1]

    def get(self, name, default=None):
        found = self._by_name.get(_str(name).lower())
        return default if found is None else found[1]

    def __contains__(self, name):
        return _isinstance(name, _str) and name.lower() in self._by_name

    def __iter__(self):
        return (name for name, _ in self._by_name.values())

    def __len__(self):
        return len(self._by_name)

    def keys(self):
        return list(self)

    def items(self):
        return list(self._by_name.values())

    def values(self):
        return [value for _, value in self._by_name.values()]

    def __repr__(self):
        return "Headers(%r)" % dict(self._by_name.values())


class Response:
    """What fetch returns: status, ok, headers, url, redirected, and the body as text(), json() or content (bytes)."""

    def __init__(self, status, url, redirected, headers, text):
        self.status = status
        self.url = url
        self.redirected = redirected
        self.headers = headers
        self._text = text

    @property
    def ok(self):
        return 200 <= self.status <= 299

    def text(self):
        return self._text

    def json(self):
        return _loads(self._text)

    @property
    def content(self):
        return self._text.encode("utf-8")

    def __repr__(self):
        return "<Response [%d] %s>" % (self.status, self.url)


def _header_pairs(headers):
    if headers is None:
        return []
    items = headers.items() if hasattr(headers, "items") else headers
    pairs = []
    for pair in items:
        name, value = pair
        if not _isinstance(name, _str):
            raise TypeError("fetch(headers=...): header names must be strings, not %s" % type(name).__name__)
        pairs.append((name, value if _isinstance(value, _str) else _str(value)))
    return pairs


def _body_text(body, pairs):
    if body is None:
        return None
    if _isinstance(body, _str):
        return body
    if _isinstance(body, _bytes):
        return _to_bytes(body).decode("utf-8", "replace")
    if _isinstance(body, (_dict, _list, _tuple)):
        if not any(name.lower() == "content-type" for name, _ in pairs):
            pairs.append(("Content-Type", "application/json"))
        return _dumps(body)
    raise TypeError("fetch(body=...): a body is str, bytes, or a dict or list sent as JSON; not %s" % type(body).__name__)


def fetch(url, method="GET", headers=None, body=None, timeout=None):
    """Sends one HTTP request through the host's egress rules and returns its Response (any status)."""
    pairs = _header_pairs(headers)
    text = _body_text(body, pairs)
    combined = {}
    for name, value in pairs:  # one value per name, as the host takes them; repeated names are joined
        key = name.lower()
        combined[key] = combined[key] + ", " + value if key in combined else value
    args = '{"url":' + _dumps(_str(url)) + ',"method":' + _dumps(_str(method)) + ',"headers":' + _dumps(combined) \
        + ',"body":' + _dumps(text)
    if timeout is not None:
        if not _isinstance(timeout, (int, float)) or timeout < 0:
            raise ValueError("fetch(timeout=...): a number of seconds, 0 or more")
        args += ',"timeoutMs":' + _str(int(timeout * 1000))
    ok, reply = _host_call('{"name":"codeact.fetch","args":' + args + "}}")
    if not ok:
        if timeout is not None and reply.startswith("fetch timed out after "):
            raise TimeoutError(reply)
        raise FetchError(reply)
    answer = _loads(reply)
    header_object = answer.get("headers")
    return Response(answer["status"], answer.get("url"), bool(answer.get("redirected")),
                    Headers(header_object.items() if _isinstance(header_object, _dict) else ()), answer.get("body") or "")
