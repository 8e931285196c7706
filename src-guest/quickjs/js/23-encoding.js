// TextEncoder and TextDecoder: UTF-8, the WHATWG way (a lone surrogate encodes as U+FFFD; each maximal invalid
// subsequence decodes as one U+FFFD, or throws when fatal); atob and btoa (forgiving base64, as Node and browsers
// decode it). Shared with the parts after this one: bytesOf (the bytes of a buffer or view argument).
const { bytesOf } = (() => {
  const apply = Reflect.apply, defineProperty = Object.defineProperty, isView = ArrayBuffer.isView;
  const fromCharCode = String.fromCharCode;

  function utf8Length(s) {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xFC00) === 0xDC00) { n += 4; i++; }
      else n += 3;
    }
    return n;
  }
  /** Encodes s into bytes from 0; stops before a character that does not fit. Returns [chars read, bytes written]. */
  function utf8Encode(s, bytes) {
    let j = 0, i = 0;
    const end = bytes.length;
    for (; i < s.length; i++) {
      let c = s.charCodeAt(i), pair = false;
      if (c >= 0xD800 && c <= 0xDFFF) {
        if (c <= 0xDBFF && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xFC00) === 0xDC00) {
          c = 0x10000 + ((c - 0xD800) << 10) + (s.charCodeAt(i + 1) - 0xDC00);
          pair = true;
        } else {
          c = 0xFFFD;
        }
      }
      if (c < 0x80) {
        if (j + 1 > end) break;
        bytes[j++] = c;
      } else if (c < 0x800) {
        if (j + 2 > end) break;
        bytes[j++] = 0xC0 | (c >> 6); bytes[j++] = 0x80 | (c & 63);
      } else if (c < 0x10000) {
        if (j + 3 > end) break;
        bytes[j++] = 0xE0 | (c >> 12); bytes[j++] = 0x80 | ((c >> 6) & 63); bytes[j++] = 0x80 | (c & 63);
      } else {
        if (j + 4 > end) break;
        bytes[j++] = 0xF0 | (c >> 18); bytes[j++] = 0x80 | ((c >> 12) & 63);
        bytes[j++] = 0x80 | ((c >> 6) & 63); bytes[j++] = 0x80 | (c & 63);
      }
      if (pair) i++;
    }
    return [i, j];
  }
  function encodeUtf8(s) {
    const bytes = new Uint8Array(utf8Length(s));
    utf8Encode(s, bytes);
    return bytes;
  }

  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(input = '') { return encodeUtf8(String(input)); }
    encodeInto(source, destination) {
      if (!(destination instanceof Uint8Array)) {
        throw argTypeError('The "dest" argument must be an instance of Uint8Array. ' + received(destination), 'ERR_INVALID_ARG_TYPE');
      }
      const [read, written] = utf8Encode(String(source), destination);
      return { read, written };
    }
  }

  const UTF8_LABELS = ['unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'utf-8', 'utf8', 'x-unicode20utf8'];
  function bytesOf(input, what) {
    if (input instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && input instanceof SharedArrayBuffer)) {
      return new Uint8Array(input);
    }
    if (isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    throw argTypeError('The "' + what + '" argument must be an instance of SharedArrayBuffer, ArrayBuffer or ArrayBufferView.',
                       'ERR_INVALID_ARG_TYPE');
  }
  class TextDecoder {
    #fatal; #ignoreBOM; #pending = []; #bomSeen = false;
    constructor(label = 'utf-8', options = {}) {
      const name = String(label).trim().toLowerCase();
      if (!UTF8_LABELS.includes(name)) {
        const error = new RangeError('The "' + label + '" encoding is not supported');
        defineProperty(error, 'code', { value: 'ERR_ENCODING_NOT_SUPPORTED', writable: true, enumerable: true, configurable: true });
        throw error;
      }
      this.#fatal = Boolean(options && options.fatal);
      this.#ignoreBOM = Boolean(options && options.ignoreBOM);
    }
    get encoding() { return 'utf-8'; }
    get fatal() { return this.#fatal; }
    get ignoreBOM() { return this.#ignoreBOM; }
    decode(input, options) {
      const stream = Boolean(options && options.stream);
      let bytes = input === undefined ? new Uint8Array(0) : bytesOf(input, 'list');
      if (this.#pending.length > 0) {
        const joined = new Uint8Array(this.#pending.length + bytes.length);
        joined.set(this.#pending);
        joined.set(bytes, this.#pending.length);
        bytes = joined;
        this.#pending = [];
      }
      const units = [];
      let out = '', cp = 0, needed = 0, seen = 0, lower = 0x80, upper = 0xBF, start = 0;
      const invalid = () => {
        if (this.#fatal) {
          this.#bomSeen = false;
          throw argTypeError('The encoded data was not valid for encoding utf-8', 'ERR_ENCODING_INVALID_ENCODED_DATA');
        }
        units.push(0xFFFD);
      };
      const emit = (c) => {
        if (c === 0xFEFF && !this.#ignoreBOM && !this.#bomSeen && units.length === 0 && out === '') {
          this.#bomSeen = true;
          return;
        }
        this.#bomSeen = true;
        if (c < 0x10000) units.push(c);
        else units.push(0xD800 + ((c - 0x10000) >> 10), 0xDC00 + ((c - 0x10000) & 0x3FF));
        if (units.length >= 8192) {
          out += apply(fromCharCode, null, units);
          units.length = 0;
        }
      };
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i];
        if (needed === 0) {
          start = i;
          if (b <= 0x7F) emit(b);
          else if (b >= 0xC2 && b <= 0xDF) { needed = 1; cp = b & 0x1F; }
          else if (b >= 0xE0 && b <= 0xEF) {
            if (b === 0xE0) lower = 0xA0;
            if (b === 0xED) upper = 0x9F;
            needed = 2; cp = b & 0xF;
          } else if (b >= 0xF0 && b <= 0xF4) {
            if (b === 0xF0) lower = 0x90;
            if (b === 0xF4) upper = 0x8F;
            needed = 3; cp = b & 0x7;
          } else invalid();
          continue;
        }
        if (b < lower || b > upper) {
          cp = needed = seen = 0; lower = 0x80; upper = 0xBF;
          invalid();
          i--;
          continue;
        }
        lower = 0x80; upper = 0xBF;
        cp = (cp << 6) | (b & 0x3F);
        if (++seen === needed) {
          emit(cp);
          cp = needed = seen = 0;
        }
      }
      if (needed !== 0) {
        if (stream) this.#pending = [...bytes.subarray(start)];
        else invalid();
      }
      if (!stream) this.#bomSeen = false;
      return out + apply(fromCharCode, null, units);
    }
  }
  addGlobals(['TextEncoder', TextEncoder], ['TextDecoder', TextDecoder]);

  // ---- atob and btoa (forgiving base64, as Node and browsers decode it)
  const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const BASE64_VALUES = new Map([...BASE64].map((c, i) => [c, i]));
  function btoa(data) {
    if (arguments.length === 0) throw argTypeError('The "data" argument must be specified', 'ERR_MISSING_ARGS');
    const s = `${data}`;
    let out = '';
    for (let i = 0; i < s.length; i += 3) {
      const a = s.charCodeAt(i), b = i + 1 < s.length ? s.charCodeAt(i + 1) : 0, c = i + 2 < s.length ? s.charCodeAt(i + 2) : 0;
      if (a > 0xFF || b > 0xFF || c > 0xFF) throw new DOMException('Invalid character', 'InvalidCharacterError');
      const n = (a << 16) | (b << 8) | c;
      out += BASE64[n >> 18] + BASE64[(n >> 12) & 63] + (i + 1 < s.length ? BASE64[(n >> 6) & 63] : '=')
        + (i + 2 < s.length ? BASE64[n & 63] : '=');
    }
    return out;
  }
  function atob(data) {
    if (arguments.length === 0) throw argTypeError('The "data" argument must be specified', 'ERR_MISSING_ARGS');
    let s = `${data}`.replace(/[\t\n\f\r ]/g, '');
    if (s.length % 4 === 0) s = s.replace(/==?$/, '');
    for (const c of s) {
      if (!BASE64_VALUES.has(c)) throw new DOMException('Invalid character', 'InvalidCharacterError');
    }
    if (s.length % 4 === 1) throw new DOMException('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
    let out = '', bits = 0, buffer = 0;
    for (const c of s) {
      buffer = (buffer << 6) | BASE64_VALUES.get(c);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += fromCharCode((buffer >> bits) & 0xFF);
      }
    }
    return out;
  }
  addGlobals(['atob', atob], ['btoa', btoa]);
  return Object.freeze({ bytesOf });
})();
