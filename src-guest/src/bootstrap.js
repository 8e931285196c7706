// Evaluated once at boot. Installs the program-facing API (console, call_tool, performance) over the
// native functions it is handed, and returns the encoder that turns an outcome into the JSON the host reads.
(function install(native) {
  'use strict';
  const stringify = JSON.stringify, parse = JSON.parse;
  const STDOUT = 1, STDERR = 2;

  function formatValue(value, nested) {
    switch (typeof value) {
      case 'string': return nested ? stringify(value) : value;
      case 'bigint': return value + 'n';
      case 'symbol': return value.toString();
      case 'function': return '[Function: ' + (value.name || 'anonymous') + ']';
      case 'undefined': return 'undefined';
      case 'object':
        if (value === null) return 'null';
        if (value instanceof Error) return value.stack ? value.name + ': ' + value.message + '\n' + value.stack : String(value);
        try {
          const json = stringify(value, (k, v) => typeof v === 'bigint' ? v.toString() + 'n' : v);
          return json === undefined ? String(value) : json;
        } catch (e) {
          return '[object ' + (value.constructor && value.constructor.name || 'Object') + ']';
        }
      default: return String(value);
    }
  }
  const formatLine = (args) => args.map((a) => formatValue(a, false)).join(' ') + '\n';
  const toStdout = (...args) => native.write(STDOUT, formatLine(args));
  const toStderr = (...args) => native.write(STDERR, formatLine(args));
  const console = Object.freeze({ log: toStdout, info: toStdout, debug: toStdout, warn: toStderr, error: toStderr });

  class ToolError extends Error {
    constructor(message, tool) {
      super(message);
      this.name = 'ToolError';
      this.tool = tool;
    }
  }

  function call_tool(name, args) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError('call_tool(name, args): name must be a non-empty string');
    }
    let request;
    try {
      request = stringify({ name, args: args === undefined ? {} : args });
    } catch (e) {
      throw new TypeError('call_tool(' + stringify(name) + '): arguments are not JSON-serialisable: ' + e.message);
    }
    const [ok, reply] = native.host_call(request);
    if (!ok) throw new ToolError(reply, name);
    if (reply.length === 0) return null;
    try {
      return parse(reply);
    } catch (e) {
      throw new ToolError('tool ' + stringify(name) + ' returned a result that is not JSON: ' + e.message, name);
    }
  }

  // Host services: the host decides what is allowed and says why when it is not; these only shape the calls.
  class FileSystemError extends Error {
    constructor(message) {
      super(message);
      this.name = 'FileSystemError';
    }
  }

  function hostService(name, args, ErrorClass) {
    const [ok, reply] = native.host_call(stringify({ name, args }));
    if (!ok) throw new ErrorClass(reply);
    return reply.length === 0 ? null : parse(reply);
  }

  class Headers {
    constructor(init) {
      this._values = new Map();
      const pairs = init instanceof Headers ? [...init] : Array.isArray(init) ? init : Object.entries(init || {});
      for (const [name, value] of pairs) this._values.set(String(name).toLowerCase(), String(value));
    }
    get(name) {
      const value = this._values.get(String(name).toLowerCase());
      return value === undefined ? null : value;
    }
    has(name) { return this._values.has(String(name).toLowerCase()); }
    forEach(callback) { this._values.forEach((value, name) => callback(value, name, this)); }
    entries() { return this._values.entries(); }
    [Symbol.iterator]() { return this._values.entries(); }
  }

  class Response {
    constructor(reply) {
      this.status = reply.status;
      this.ok = reply.status >= 200 && reply.status < 300;
      this.url = reply.url;
      this.redirected = Boolean(reply.redirected);
      this.headers = new Headers(reply.headers);
      this._body = reply.body;
    }
    async text() { return this._body; }
    async json() { return parse(this._body); }
  }

  async function fetch(resource, init) {
    const options = init || {};
    const body = options.body === undefined || options.body === null ? null
      : typeof options.body === 'string' ? options.body : stringify(options.body);
    return new Response(hostService('codeact.fetch', {
      url: String(resource),
      method: String(options.method || 'GET').toUpperCase(),
      headers: Object.fromEntries(new Headers(options.headers)),
      body,
    }, TypeError));
  }

  const fs = Object.freeze({
    readFile: (path) => hostService('codeact.fs.readFile', { path: String(path) }, FileSystemError),
    writeFile: (path, content) => {
      hostService('codeact.fs.writeFile', { path: String(path), content: typeof content === 'string' ? content : stringify(content) },
                  FileSystemError);
    },
    readdir: (path) => hostService('codeact.fs.readdir', { path: String(path) }, FileSystemError),
    stat: (path) => hostService('codeact.fs.stat', { path: String(path) }, FileSystemError),
    exists: (path) => hostService('codeact.fs.exists', { path: String(path) }, FileSystemError),
  });

  const performance = Object.freeze({ now: native.now_ms, timeOrigin: Date.now() });
  for (const [key, value] of [['console', console], ['call_tool', call_tool], ['performance', performance],
                               ['ToolError', ToolError], ['fetch', fetch], ['Headers', Headers], ['Response', Response],
                               ['fs', fs], ['FileSystemError', FileSystemError]]) {
    Object.defineProperty(globalThis, key, { value, writable: false, enumerable: false, configurable: false });
  }
  Object.defineProperty(Math, 'random', { value: native.random, writable: false, configurable: false });

  function errorType(phase, error) {
    if (phase === 'interrupted') return 'INTERRUPTED';
    if (phase === 'out-of-memory') return 'OUT_OF_MEMORY';
    if (phase === 'pending') return 'RUNTIME';
    if (!(error instanceof Error)) return 'RUNTIME';
    // QuickJS reports stack exhaustion as an InternalError, or a SyntaxError from its parsers
    if (error.message === 'stack overflow') return 'STACK_OVERFLOW';
    if (phase === 'compile' && error.name === 'SyntaxError') return 'SYNTAX';
    if (error.name === 'InternalError' && error.message === 'out of memory') return 'OUT_OF_MEMORY';
    if (error.name === 'InternalError' && error.message === 'interrupted') return 'INTERRUPTED';
    if (error instanceof ToolError) return 'TOOL_ERROR';
    return 'RUNTIME';
  }

  function describeFailure(phase, error) {
    const outcome = { ok: false, type: errorType(phase, error) };
    if (phase === 'pending') {
      outcome.name = 'Error';
      outcome.message = 'the program awaited a promise that never settled';
    } else if (phase === 'out-of-memory') {
      outcome.name = 'InternalError';
      outcome.message = 'out of memory';
    } else if (error instanceof Error) {
      outcome.name = String(error.name);
      outcome.message = String(error.message);
      if (error.stack) outcome.stack = String(error.stack);
      if (error instanceof ToolError) outcome.tool = error.tool;
    } else {
      outcome.name = 'Error';
      outcome.message = 'Uncaught ' + formatValue(error, true);
    }
    return outcome;
  }

  return function encodeOutcome(phase, ok, value) {
    if (!ok) return stringify(describeFailure(phase, value));
    try {
      const json = stringify(value);
      return '{"ok":true,"result":' + (json === undefined ? 'null' : json) + '}';
    } catch (e) {
      return stringify({ ok: false, type: 'RUNTIME', name: 'TypeError',
                         message: 'the returned value is not JSON-serialisable: ' + e.message });
    }
  };
})
