// fetch and its WHATWG shapes: Headers, Request, Response. Bodies are text (the host sends and receives text); a
// plain object body is sent as JSON, a convenience models rely on. An AbortSignal is honoured: an aborted one rejects
// before the call, and a timeout one (AbortSignal.timeout, or any() of one) bounds the host's wait and rejects with
// its TimeoutError. The host call goes through hostService (90-protocol.js), whose arguments are built here from
// prototype-less objects and strings only. Shared with the parts after this one: Headers, Request, Response, fetch.
const { Headers, Request, Response, fetch } = (() => {
  const parse = JSON.parse, stringify = JSON.stringify, defineProperty = Object.defineProperty, now = native.now_ms;
  const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const normalizeValue = (value) => String(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');

  class Headers {
    #list = []; // [lower-case name, value], in order of insertion
    constructor(init) {
      if (init === undefined || init === null) return;
      if (init instanceof Headers) {
        for (const [name, value] of init.#list) this.#list.push([name, value]);
      } else if (typeof init === 'object' && typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          const entry = [...pair];
          if (entry.length !== 2) {
            throw new TypeError('Headers constructor: expected name/value pair to be length 2, found ' + entry.length + '.');
          }
          this.append(entry[0], entry[1]);
        }
      } else if (typeof init === 'object') {
        for (const name of Object.keys(init)) this.append(name, init[name]);
      } else {
        throw new TypeError("Headers constructor: Argument 1 could not be converted to any of: sequence<sequence<ByteString>>, "
          + 'record<ByteString, ByteString>.');
      }
    }
    static #name(name, method) {
      const n = String(name);
      if (!TOKEN.test(n)) throw new TypeError('Headers.' + method + ': "' + n + '" is an invalid header name.');
      return n.toLowerCase();
    }
    append(name, value) {
      this.#list.push([Headers.#name(name, 'append'), normalizeValue(value)]);
    }
    delete(name) {
      const n = Headers.#name(name, 'delete');
      this.#list = this.#list.filter(([k]) => k !== n);
    }
    get(name) {
      const n = Headers.#name(name, 'get');
      const values = this.#list.filter(([k]) => k === n).map(([, v]) => v);
      return values.length === 0 ? null : values.join(', ');
    }
    getSetCookie() {
      return this.#list.filter(([k]) => k === 'set-cookie').map(([, v]) => v);
    }
    has(name) {
      const n = Headers.#name(name, 'has');
      return this.#list.some(([k]) => k === n);
    }
    set(name, value) {
      const n = Headers.#name(name, 'set'), v = normalizeValue(value);
      const i = this.#list.findIndex(([k]) => k === n);
      if (i < 0) {
        this.#list.push([n, v]);
      } else {
        this.#list[i][1] = v;
        this.#list = this.#list.filter(([k], j) => j <= i || k !== n);
      }
    }
    /** Sorted by name, values of one name combined (set-cookie apart), as the Fetch standard iterates them. */
    *entries() {
      const names = [...new Set(this.#list.map(([k]) => k))].sort();
      for (const name of names) {
        if (name === 'set-cookie') {
          for (const value of this.getSetCookie()) yield [name, value];
        } else {
          yield [name, this.get(name)];
        }
      }
    }
    *keys() {
      for (const [name] of this.entries()) yield name;
    }
    *values() {
      for (const [, value] of this.entries()) yield value;
    }
    forEach(callback, thisArg) {
      for (const [name, value] of this.entries()) callback.call(thisArg, value, name, this);
    }
    [Symbol.iterator]() { return this.entries(); }
    get [Symbol.toStringTag]() { return 'Headers'; }
    /** The headers as a prototype-less object for the host call (names are unique after combining). */
    static toHost(headers) {
      const out = Object.create(null);
      for (const [name, value] of headers.#list) out[name] = name in out ? out[name] + ', ' + value : value;
      return out;
    }
  }
  const headersToHost = Headers.toHost;
  delete Headers.toHost;

  /** A body as the text the host sends, and the content type it implies. */
  function extractBody(body) {
    if (body === undefined || body === null) return [null, null];
    if (typeof body === 'string') return [body, 'text/plain;charset=UTF-8'];
    if (body instanceof URLSearchParams) return [body.toString(), 'application/x-www-form-urlencoded;charset=UTF-8'];
    if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return [new TextDecoder().decode(body), null];
    return [stringify(body), 'application/json'];
  }

  /** Body reading, shared by Request and Response: text once, as text, JSON, bytes or an ArrayBuffer. */
  class Body {
    #text; #used = false;
    constructor(text) {
      this.#text = text;
    }
    get bodyUsed() { return this.#used; }
    static #consume(body) {
      if (body.#used) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
      body.#used = true;
      return Promise.resolve(body.#text === null ? '' : body.#text);
    }
    text() { return Body.#consume(this); }
    async json() { return parse(await Body.#consume(this)); }
    async arrayBuffer() { return new TextEncoder().encode(await Body.#consume(this)).buffer; }
    async bytes() { return new TextEncoder().encode(await Body.#consume(this)); }
    static textOf(body) { return body.#text; }
  }
  const textOf = Body.textOf;
  delete Body.textOf;

  const METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH'];
  class Request extends Body {
    #url; #method; #headers; #signal;
    constructor(input, init = {}) {
      const from = input instanceof Request ? input : null;
      let url;
      try {
        url = new URL(from ? from.url : String(input)).href;
      } catch (e) {
        throw new TypeError('Failed to parse URL from ' + (from ? from.url : String(input)));
      }
      const [text, type] = init.body !== undefined ? extractBody(init.body) : [from ? textOf(from) : null, null];
      super(text);
      const method = init.method !== undefined ? String(init.method) : from ? from.method : 'GET';
      if (!TOKEN.test(method)) throw new TypeError("'" + method + "' is not a valid HTTP method.");
      this.#method = METHODS.includes(method.toUpperCase()) ? method.toUpperCase() : method;
      if (text !== null && (this.#method === 'GET' || this.#method === 'HEAD')) {
        throw new TypeError('Request with GET/HEAD method cannot have body.');
      }
      this.#url = url;
      this.#headers = new Headers(init.headers !== undefined ? init.headers : from ? from.headers : undefined);
      if (type !== null && !this.#headers.has('content-type')) this.#headers.set('content-type', type);
      this.#signal = init.signal !== undefined && init.signal !== null ? init.signal : from ? from.signal : new AbortController().signal;
    }
    get url() { return this.#url; }
    get method() { return this.#method; }
    get headers() { return this.#headers; }
    get signal() { return this.#signal; }
    get redirect() { return 'follow'; }
    clone() {
      if (this.bodyUsed) throw new TypeError('Request.clone: Body has already been consumed.');
      return new Request(this);
    }
    get [Symbol.toStringTag]() { return 'Request'; }
  }

  const FROM_HOST = Symbol('from host');
  class Response extends Body {
    #status; #statusText; #headers; #url; #redirected; #type;
    constructor(body = null, init = {}, reply) {
      const [text, type] = extractBody(body);
      super(text);
      const status = init.status === undefined ? 200 : Number(init.status);
      if (reply !== FROM_HOST && !(status >= 200 && status <= 599)) {
        throw new RangeError('init["status"] must be in the range of 200 to 599, inclusive.');
      }
      this.#status = status;
      this.#statusText = init.statusText === undefined ? '' : String(init.statusText);
      this.#headers = new Headers(init.headers);
      if (type !== null && !this.#headers.has('content-type')) this.#headers.set('content-type', type);
      this.#url = reply === FROM_HOST ? init.url : '';
      this.#redirected = reply === FROM_HOST && Boolean(init.redirected);
      this.#type = reply === FROM_HOST ? (init.status === 0 ? 'error' : 'basic') : 'default';
    }
    get status() { return this.#status; }
    get statusText() { return this.#statusText; }
    get ok() { return this.#status >= 200 && this.#status <= 299; }
    get headers() { return this.#headers; }
    get url() { return this.#url; }
    get redirected() { return this.#redirected; }
    get type() { return this.#type; }
    get body() { return null; }
    clone() {
      if (this.bodyUsed) throw new TypeError('Response.clone: Body has already been consumed.');
      return new Response(textOf(this), { status: this.#status, statusText: this.#statusText, headers: this.#headers,
                                          url: this.#url, redirected: this.#redirected }, FROM_HOST);
    }
    static json(data, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      return new Response(stringify(data), { ...init, headers });
    }
    static error() {
      return new Response(null, { status: 0 }, FROM_HOST);
    }
    static redirect(url, status = 302) {
      if (![301, 302, 303, 307, 308].includes(status)) throw new RangeError('Invalid status code ' + status);
      return new Response(null, { status, headers: { location: new URL(String(url)).href } });
    }
    get [Symbol.toStringTag]() { return 'Response'; }
  }

  async function fetch(resource, init) {
    const request = new Request(resource, init === undefined || init === null ? {} : init);
    const signal = request.signal;
    signal.throwIfAborted();
    const args = { __proto__: null, url: request.url, method: request.method, headers: headersToHost(request.headers),
                   body: textOf(request) };
    const deadline = abortDeadline(signal);
    if (deadline !== Infinity) args.timeoutMs = Math.max(0, Math.ceil(deadline - now()));
    let reply;
    try {
      reply = hostService('codeact.fetch', args, TypeError);
    } catch (e) {
      abortNow(signal); // the host gave up at the signal's timeout: the signal says why
      signal.throwIfAborted();
      throw e;
    }
    abortNow(signal);
    signal.throwIfAborted();
    const headers = Object.create(null);
    if (reply.headers !== null && typeof reply.headers === 'object') {
      for (const name of Object.keys(reply.headers)) headers[name] = reply.headers[name];
    }
    return new Response(reply.body, { status: reply.status, headers, url: reply.url, redirected: reply.redirected }, FROM_HOST);
  }
  return Object.freeze({ Headers, Request, Response, fetch });
})();
