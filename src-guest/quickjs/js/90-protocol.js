// The host protocol: console, call_tool, the host services (fs, tool discovery; fetch is 40-fetch.js) and the
// encoder that turns an outcome into the JSON the host reads, which this part returns with the event loop's tick
// (the last part of runtime.js).
  // What the host receives is built only from what is captured here, before any program runs: a program may replace
  // globals and prototypes (JSON, Object.prototype.toJSON, Array.prototype[Symbol.iterator], Symbol.hasInstance), and
  // none of that may shape a host call or the outcome. Envelopes are concatenated strings, never objects given to
  // JSON.stringify; only the program's own values go through the program's own toJSON.
  const stringify = JSON.stringify, parse = JSON.parse, apply = Reflect.apply, defineProperty = Object.defineProperty;
  const freeze = Object.freeze, toText = String, sliceString = String.prototype.slice;
  const weakSetAdd = WeakSet.prototype.add, weakSetHas = WeakSet.prototype.has;
  const STDOUT = 1, STDERR = 2;
  const MAX_TEXT_CHARS = 16384; // of an error's name, message or stack in the outcome

  const toStdout = (...args) => native.write(STDOUT, formatLogLine(args));
  const toStderr = (...args) => native.write(STDERR, formatLogLine(args));
  const console = Object.freeze({ log: toStdout, info: toStdout, debug: toStdout, warn: toStderr, error: toStderr });

  const ownField = (object, key, value) =>
    defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });

  class ToolError extends Error {
    constructor(message, tool) {
      super(message);
      ownField(this, 'name', 'ToolError');
      ownField(this, 'tool', tool);
    }
  }
  freeze(ToolError);
  freeze(ToolError.prototype);
  // The ToolErrors call_tool threw: an uncaught one is TOOL_ERROR, whatever else claims to be a ToolError.
  const toolErrors = new WeakSet();
  function toolError(message, name) {
    const error = new ToolError(message, name);
    apply(weakSetAdd, toolErrors, [error]);
    return error;
  }

  /** A host call: the request is {"name": ..., "args": argsJson}; returns [ok, reply text]. */
  function hostCall(name, argsJson) {
    return native.host_call('{"name":' + stringify(name) + ',"args":' + argsJson + '}');
  }

  function call_tool(name, args) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError('call_tool(name, args): name must be a non-empty string');
    }
    let argsJson;
    try {
      argsJson = args === undefined ? '{}' : stringify(args);
    } catch (e) {
      throw new TypeError('call_tool(' + stringify(name) + '): arguments are not JSON-serialisable: ' + thrownMessage(e));
    }
    const reply = hostCall(name, argsJson === undefined ? '{}' : argsJson);
    if (!reply[0]) throw toolError(reply[1], name);
    if (reply[1].length === 0) return null;
    try {
      return parse(reply[1]);
    } catch (e) {
      throw toolError('tool ' + stringify(name) + ' returned a result that is not JSON: ' + thrownMessage(e), name);
    }
  }

  // Tool discovery, for catalogs too large to declare: both are host services whose failures are ToolErrors.
  function toolService(service, args, what) {
    const reply = hostCall(service, stringify(args));
    if (!reply[0]) throw toolError(reply[1], what);
    return parse(reply[1]);
  }
  function search_tools(query, limit) {
    if (typeof query !== 'string') throw new TypeError('search_tools(query, limit?): query must be a string');
    return toolService('codeact.tools.search', { __proto__: null, query, limit: limit === undefined ? 5 : limit }, 'search_tools');
  }
  function describe_tool(name) {
    if (typeof name !== 'string') throw new TypeError('describe_tool(name): name must be a string');
    return toolService('codeact.tools.describe', { __proto__: null, name }, 'describe_tool');
  }

  // Host services: the host decides what is allowed and says why when it is not; these only shape the calls.
  class FileSystemError extends Error {
    constructor(message) {
      super(message);
      this.name = 'FileSystemError';
    }
  }

  /** A host service call; args is built here, with no prototype, so no program toJSON reaches it. */
  function hostService(name, args, ErrorClass) {
    const reply = hostCall(name, stringify(args));
    if (!reply[0]) throw new ErrorClass(reply[1]);
    return reply[1].length === 0 ? null : parse(reply[1]);
  }

  const fs = Object.freeze({
    readFile: (path) => hostService('codeact.fs.readFile', { __proto__: null, path: String(path) }, FileSystemError),
    writeFile: (path, content) => {
      hostService('codeact.fs.writeFile', { __proto__: null, path: String(path), content: typeof content === 'string' ? content : stringify(content) },
                  FileSystemError);
    },
    readdir: (path) => hostService('codeact.fs.readdir', { __proto__: null, path: String(path) }, FileSystemError),
    stat: (path) => hostService('codeact.fs.stat', { __proto__: null, path: String(path) }, FileSystemError),
    exists: (path) => hostService('codeact.fs.exists', { __proto__: null, path: String(path) }, FileSystemError),
  });

  const performance = freeze({ now: native.now_ms, get timeOrigin() { return native.time_origin(); } });
  for (const [key, value] of [['console', console], ['call_tool', call_tool], ['performance', performance],
                               ['ToolError', ToolError], ['fetch', fetch], ['fs', fs], ['FileSystemError', FileSystemError],
                               ['search_tools', search_tools], ['describe_tool', describe_tool]]) {
    Object.defineProperty(globalThis, key, { value, writable: false, enumerable: false, configurable: false });
  }
  webGlobals([['Headers', Headers], ['Request', Request], ['Response', Response]]);
  Object.defineProperty(Math, 'random', { value: native.random, writable: false, configurable: false });

  // ---- the outcome: what the host reads when the program has ended

  function clip(text) {
    return text.length <= MAX_TEXT_CHARS ? text
      : apply(sliceString, text, [0, MAX_TEXT_CHARS]) + '... (' + (text.length - MAX_TEXT_CHARS) + ' more characters)';
  }

  /** A property of a program value as text, or the fallback when reading or converting it throws. */
  function textOf(value, key, fallback) {
    try {
      const v = value[key];
      return v === undefined || v === null ? fallback : toText(v);
    } catch (e) {
      return fallback;
    }
  }

  function thrownMessage(e) {
    if (native.is_error(e)) return textOf(e, 'message', '');
    try {
      return toText(e);
    } catch (ignored) {
      return 'a value that cannot be shown';
    }
  }

  function failureType(phase, error, isError) {
    if (phase === 'pending') return 'RUNTIME';
    // the engine's own stack overflow, not an error a program made with the same message
    if (isError && native.stack_overflowed() && textOf(error, 'message', '') === 'stack overflow') return 'STACK_OVERFLOW';
    if (phase === 'compile') return isError && textOf(error, 'name', '') === 'SyntaxError' ? 'SYNTAX' : 'RUNTIME';
    if (apply(weakSetHas, toolErrors, [error])) return 'TOOL_ERROR';
    return 'RUNTIME';
  }

  function failure(type, name, message, stack, tool) {
    return '{"ok":false,"type":"' + type + '","name":' + stringify(clip(name)) + ',"message":' + stringify(clip(message))
      + (stack === null ? '' : ',"stack":' + stringify(clip(stack)))
      + (tool === null ? '' : ',"tool":' + stringify(clip(tool))) + '}';
  }

  function describeFailure(phase, error) {
    if (phase === 'pending') {
      return failure('RUNTIME', 'Error', 'the program awaited a promise that never settled', null, null);
    }
    const isError = native.is_error(error);
    const type = failureType(phase, error, isError);
    if (!isError) {
      let shown;
      try {
        shown = formatForMessage(error);
      } catch (e) {
        shown = 'a value that cannot be shown';
      }
      return failure(type, 'Error', 'Uncaught ' + shown, null, null);
    }
    return failure(type, textOf(error, 'name', 'Error'), textOf(error, 'message', ''), textOf(error, 'stack', null),
                   type === 'TOOL_ERROR' ? textOf(error, 'tool', null) : null);
  }

  function encodeOutcome(phase, ok, value) {
    if (!ok) return describeFailure(phase, value);
    let json;
    try {
      json = stringify(value);
    } catch (e) {
      // the stack limit is a limit wherever it is hit, the result's own toJSON included
      const type = failureType('run', e, native.is_error(e)) === 'STACK_OVERFLOW' ? 'STACK_OVERFLOW' : 'RUNTIME';
      return failure(type, 'TypeError', 'the returned value is not JSON-serialisable: ' + thrownMessage(e), null, null);
    }
    return '{"ok":true,"result":' + (json === undefined ? 'null' : json) + '}';
  }

  // What the engine calls: the outcome encoder, tick() for its event loop (20-web.js): run one due timer and
  // return 0, or return the milliseconds to sleep until the next one, or -1 when none is pending; and forgetPending()
  // as an execution starts (21-event-loop.js).
  return freeze({ __proto__: null, encode: encodeOutcome, tick, forgetPending });
