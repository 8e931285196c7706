// crypto: random values from the natives (the host's CSPRNG, fresh for every execution) and SHA digests.
(() => {
  const apply = Reflect.apply, isView = ArrayBuffer.isView;
  const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get;
  const INTEGER_ARRAYS = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
                          'Uint32Array', 'BigInt64Array', 'BigUint64Array'];
  const DIGESTS = new Map([['sha-1', 'sha1'], ['sha-256', 'sha256'], ['sha-384', 'sha384'], ['sha-512', 'sha512']]);
  class SubtleCrypto {
    constructor(key) {
      if (key !== ILLEGAL) throw argTypeError('Illegal constructor', 'ERR_ILLEGAL_CONSTRUCTOR');
    }
    async digest(algorithm, data) {
      const name = typeof algorithm === 'string' ? algorithm : algorithm && algorithm.name;
      const hash = DIGESTS.get(String(name).toLowerCase());
      if (hash === undefined) throw new DOMException('Unrecognized algorithm name', 'NotSupportedError');
      const bytes = bytesOf(data, 'data').slice();
      return vendorLibrary('hashes')[hash](bytes).buffer;
    }
  }
  class Crypto {
    #subtle = new SubtleCrypto(ILLEGAL);
    constructor(key) {
      if (key !== ILLEGAL) throw argTypeError('Illegal constructor', 'ERR_ILLEGAL_CONSTRUCTOR');
    }
    get subtle() { return this.#subtle; }
    getRandomValues(array) {
      if (!isView(array) || !INTEGER_ARRAYS.includes(apply(typedArrayTag, array, []))) {
        throw new DOMException('The data argument must be an integer-type TypedArray', 'TypeMismatchError');
      }
      if (array.byteLength > 65536) throw new DOMException('The requested length exceeds 65,536 bytes', 'QuotaExceededError');
      native.random_fill(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      return array;
    }
    randomUUID() {
      const b = new Uint8Array(16);
      native.random_fill(b);
      b[6] = (b[6] & 0x0F) | 0x40;
      b[8] = (b[8] & 0x3F) | 0x80;
      let hex = '';
      for (let i = 0; i < 16; i++) hex += (b[i] + 0x100).toString(16).slice(1) + (i === 3 || i === 5 || i === 7 || i === 9 ? '-' : '');
      return hex;
    }
  }
  addGlobals(['crypto', new Crypto(ILLEGAL)], ['Crypto', Crypto], ['SubtleCrypto', SubtleCrypto]);
})();
