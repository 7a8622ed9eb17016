/** Hex, base64 and UTF-8 helpers that work the same in Node and browsers. */
import { AutoApiError } from './errors.js';

const HEX = '0123456789abcdef';
const HEX_PAIRS: string[] = /*@__PURE__*/ Array.from({ length: 256 }, (_, i) => HEX[i >> 4]! + HEX[i & 15]!);

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX_PAIRS[bytes[i]!];
  return out;
}

/** Parses hex case-insensitively; whitespace and a 0x prefix are allowed. */
export function fromHex(text: string): Uint8Array {
  const clean = text.trim().replace(/^0x/i, '').replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new AutoApiError('INVALID_INPUT', -1, 'not an even-length hex string');
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard or URL-safe base64, padding optional. */
export function fromBase64(text: string): Uint8Array {
  const clean = text.trim().replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(clean) || clean.length % 4 === 1) {
    throw new AutoApiError('INVALID_INPUT', -1, 'not a base64 string');
  }
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let n = 0;
  for (let i = 0; i < clean.length; i++) {
    acc = (acc << 6) | B64.indexOf(clean[i]!);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    out += B64[a >> 2]! + B64[((a & 3) << 4) | ((b ?? 0) >> 4)]!;
    out += b === undefined ? '=' : B64[((b & 15) << 2) | ((c ?? 0) >> 6)]!;
    out += c === undefined ? '=' : B64[c & 63]!;
  }
  return out;
}

// ignoreBOM keeps a leading EF BB BF as U+FEFF instead of dropping it, so decoding stays lossless.
const utf8Decoder = /*@__PURE__*/ new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = /*@__PURE__*/ new TextEncoder();

/** Decodes UTF-8, or returns undefined when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string | undefined {
  // Short ASCII strings (codes, short names) are cheaper to build by hand, up to about 12 characters: past that
  // each concatenation makes a rope, which costs more to build and then flatten than one TextDecoder call.
  if (end - start <= 12) {
    let s = '';
    for (let i = start; i < end; i++) {
      const b = bytes[i]!;
      if (b >= 0x80) return decodeUtf8Slow(bytes, start, end);
      s += String.fromCharCode(b);
    }
    return s;
  }
  return decodeUtf8Slow(bytes, start, end);
}

function decodeUtf8Slow(bytes: Uint8Array, start: number, end: number): string | undefined {
  try {
    return utf8Decoder.decode(bytes.subarray(start, end));
  } catch {
    return undefined;
  }
}

export function encodeUtf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}
