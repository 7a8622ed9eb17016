/**
 * `npm run fuzz [-- --seconds N --seed S]`: a long mutation fuzzer, outside CI. Seeds are every documented
 * example (as a message) and the benchmark fixtures. Mutations: bit flips, byte insert/delete/overwrite,
 * truncation, size fields set to 0/1/0xffff, splices of two messages. For every input:
 *   decode returns a message or throws AutoApiError (never anything else);
 *   what decodes re-encodes to the same bytes, and survives toJSON -> JSON text -> fromJSON -> encode;
 *   lenient decoding never throws anything but AutoApiError either.
 * A failing input is written to test/fuzz-crashes/ and the run exits 1.
 *
 * (@jazzer.js/core, a coverage-guided fuzzer, installs here but its prebuilt native part needs GLIBC 2.38,
 * newer than this Debian's 2.36, and the package has no sources to rebuild it.)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoApiError, decode, encode, fromHex, fromJSON, toHex, toJSON } from '../src/index.js';
import { exampleMessage, propertyExamples } from './support/spec.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg('--seconds', 60);
let seed = arg('--seed', Date.now() % 2 ** 31);
console.log(`fuzzing for ${seconds} s, seed ${seed}`);

// xorshift32: a seeded, reproducible random source.
const random = (): number => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const int = (n: number) => Math.floor(random() * n);

const fixtures = (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'bench', 'fixtures.json'), 'utf8')) as { fixtures: Array<{ hex: string }> }).fixtures;
const corpus: Uint8Array[] = [...propertyExamples().map((e) => fromHex(exampleMessage(e))), ...fixtures.map((f) => fromHex(f.hex))];

function mutate(input: Uint8Array): Uint8Array {
  const b = Array.from(input);
  const times = 1 + int(4);
  for (let t = 0; t < times; t++) {
    const at = int(b.length + 1);
    switch (int(7)) {
      case 0:
        if (b.length) b[at % b.length]! ^= 1 << int(8);
        break;
      case 1:
        b.splice(at, 0, int(256));
        break;
      case 2:
        b.splice(at, 1);
        break;
      case 3:
        b.length = int(b.length + 1);
        break;
      case 4: {
        const v = [0, 1, 0xffff][int(3)]!;
        if (at + 1 < b.length) [b[at], b[at + 1]] = [v >> 8, v & 0xff];
        break;
      }
      case 5: {
        const other = corpus[int(corpus.length)]!;
        b.splice(at, int(8), ...other.subarray(4 + int(Math.max(1, other.length - 4))));
        break;
      }
      default:
        if (b.length) b[at % b.length] = int(256);
    }
  }
  return Uint8Array.from(b);
}

function check(bytes: Uint8Array): string | undefined {
  let message;
  try {
    message = decode(bytes);
  } catch (e) {
    if (!(e instanceof AutoApiError)) return `decode threw ${String(e)}`;
  }
  try {
    decode(bytes, { lenient: true });
  } catch (e) {
    if (!(e instanceof AutoApiError)) return `lenient decode threw ${String(e)}`;
  }
  if (!message) return undefined;
  try {
    if (toHex(encode(message)) !== toHex(bytes)) return 'encode(decode(b)) differs from b';
    const again = encode(fromJSON(JSON.parse(JSON.stringify(toJSON(message)))));
    decode(again);
  } catch (e) {
    return `round trip threw ${String(e)}`;
  }
  return undefined;
}

const until = Date.now() + seconds * 1000;
let runs = 0;
let decoded = 0;
while (Date.now() < until) {
  for (let i = 0; i < 1000; i++) {
    const input = mutate(corpus[int(corpus.length)]!);
    runs++;
    const failure = check(input);
    if (failure) {
      const dir = join(import.meta.dirname, 'fuzz-crashes');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${toHex(input).slice(0, 16)}-${runs}.hex`);
      writeFileSync(file, `${toHex(input)}\n`);
      console.error(`FAILED after ${runs} runs: ${failure}\n  input written to ${file}`);
      process.exit(1);
    }
    try {
      decode(input);
      decoded++;
      if (corpus.length < 20_000 && random() < 0.05) corpus.push(input); // keep some valid mutants to go deeper
    } catch {
      // malformed: expected for most mutants
    }
  }
}
console.log(`${runs} inputs, ${decoded} decoded, ${runs - decoded} refused with AutoApiError, no failures`);
