/**
 * `npm run bench`: auto-api-codec against @highmobility/auto-api-javascript@1.6.1, side by side in one process,
 * on the same bytes (bench/fixtures.json). Prints a table and writes bench/results/latest.json.
 *
 * Operations: decode; decode + toJSON; encode (of a decoded message); fromJSON + encode. For the nested
 * fixtures the official library returns nested states as bytes, so its decode + toJSON also parses each
 * nested state again, since we decode them fully. The floor is a raw walk over the TLV framing, nothing else.
 * Then: per-property cost of decode and encode for Doors messages of N timestamped positions.
 */
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
// The built package, as users run it (npm ci builds dist/).
import { decode, encode, fromHex, fromJSON, toJSON } from '../dist/index.js';
import { sideBySide } from './rounds.js';

const require = createRequire(import.meta.url);
// The official library, as a devDependency; its Command class is the whole API used here.
const { Command } = require('@highmobility/auto-api-javascript') as {
  Command: {
    parse(bytes: number[] | Uint8Array): OfficialCommand;
    fromJSON(json: unknown): OfficialCommand;
  };
};
interface OfficialCommand {
  toJSON(): unknown;
  encode(): number[];
}

const here = import.meta.dirname;
const fixtures = (JSON.parse(readFileSync(join(here, 'fixtures.json'), 'utf8')) as { fixtures: Array<{ name: string; hex: string }> }).fixtures;
const quick = process.argv.includes('--quick');
/** Rounds per comparison (bench/rounds.ts): 20 ms a side each. */
const rounds = quick ? 9 : 45;

/** Nested capability states the official library leaves as bytes. */
const NESTED = new Set(['states', 'multi_states', 'multi_commands']);

type OfficialJson = Record<string, Record<string, Record<string, unknown>>>;

/** The nested states' byte arrays inside the official library's JSON of a message. */
function nestedItems(json: OfficialJson): Array<{ data: unknown }> {
  const out: Array<{ data: unknown }> = [];
  for (const body of Object.values(json)) {
    for (const props of Object.values(body)) {
      for (const [name, value] of Object.entries(props)) {
        if (NESTED.has(name) && Array.isArray(value)) for (const item of value as Array<{ data?: unknown }>) if (item?.data) out.push(item as { data: unknown });
      }
    }
  }
  return out;
}

/** Official decode, parsing each nested state again (it returns them as bytes; we decode them fully). */
function officialDecode(bytes: Uint8Array | number[]): OfficialCommand[] {
  const outer = Command.parse(bytes);
  const all = [outer];
  for (const item of nestedItems(outer.toJSON() as OfficialJson)) all.push(...officialDecode(item.data as number[]));
  return all;
}

function officialDecodeToJson(bytes: Uint8Array | number[]): unknown {
  const json = Command.parse(bytes).toJSON() as OfficialJson;
  for (const item of nestedItems(json)) item.data = officialDecodeToJson(item.data as number[]);
  return json;
}

/** Official encode of a fully decoded message: the nested states' commands, then the outer one. */
function officialEncode(commands: OfficialCommand[]): number[] {
  for (let i = 1; i < commands.length; i++) commands[i]!.encode();
  return commands[0]!.encode();
}

/** Official fromJSON + encode of a message whose nested states are JSON too (the shape ours produces). */
function officialFromJsonEncode(json: OfficialJson, nested: OfficialJson[]): number[] {
  for (const n of nested) Command.fromJSON(n).encode();
  return Command.fromJSON(json).encode();
}

/** Capability and property ids whose data is a nested message (types.capability_state). */
const NESTED_IDS = new Set([0x0012_01, 0x0011_99, 0x0013_01, 0x0013_02]);

/**
 * The floor: walk header, properties and components, reading only ids and sizes, and into nested messages,
 * since our decode goes there too.
 */
function tlvWalk(bytes: Uint8Array, view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), start = 0, stop = bytes.length): number {
  const cap = view.getUint16(start + 1);
  let sum = 0;
  let p = start + 4;
  while (p < stop) {
    const end = p + 3 + view.getUint16(p + 1);
    const nested = NESTED_IDS.has(cap * 256 + bytes[p]!);
    sum += bytes[p]!;
    for (let c = p + 3; c < end; c += 3 + view.getUint16(c + 1)) {
      sum += bytes[c]!;
      if (nested && bytes[c] === 0x01) sum += tlvWalk(bytes, view, c + 3, c + 3 + view.getUint16(c + 1));
    }
    p = end;
  }
  return sum;
}

type Row = { fixture: string; operation: string; oursNs: number; officialNs: number; ratio: number };
const rows: Row[] = [];
const floors: Array<{ fixture: string; floorNs: number; decodeNs: number; multiple: number }> = [];
const ops = ['decode', 'decode + toJSON', 'encode', 'fromJSON + encode'] as const;

for (const f of fixtures) {
  const bytes = fromHex(f.hex);
  const plain = Array.from(bytes);
  const message = decode(bytes);
  const json = toJSON(message);
  const officialCommands = officialDecode(plain);
  const officialJson = officialCommands[0]!.toJSON() as OfficialJson;
  const officialNestedJson = officialCommands.slice(1).map((c) => c.toJSON() as OfficialJson);
  const pairs: Record<(typeof ops)[number], [() => unknown, () => unknown]> = {
    decode: [() => decode(bytes), () => officialDecode(plain)],
    'decode + toJSON': [() => toJSON(decode(bytes)), () => officialDecodeToJson(plain)],
    encode: [() => encode(message), () => officialEncode(officialCommands)],
    'fromJSON + encode': [() => encode(fromJSON(json)), () => officialFromJsonEncode(officialJson, officialNestedJson)],
  };
  for (const op of ops) {
    const [ours, official] = pairs[op];
    const r = await sideBySide(ours, official, rounds);
    rows.push({ fixture: f.name, operation: op, oursNs: r.aNs, officialNs: r.bNs, ratio: r.ratio });
  }
  const floor = await sideBySide(() => tlvWalk(bytes), () => decode(bytes), rounds);
  floors.push({ fixture: f.name, floorNs: floor.aNs, decodeNs: floor.bNs, multiple: floor.ratio });
}

/** A Doors message with n positions, each with data and a timestamp component. */
function doorsMessage(n: number): Uint8Array {
  const stride = 19; // id, size, data component (3 + 2), timestamp component (3 + 8)
  const out = new Uint8Array(4 + n * stride);
  out.set([0x0d, 0x00, 0x20, 0x01]);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const p = 4 + i * stride;
    out.set([0x04, 0x00, 0x10, 0x01, 0x00, 0x02, i % 4, i % 2, 0x02, 0x00, 0x08], p);
    view.setBigUint64(p + 11, 1569857650000n + BigInt(i) * 1000n);
  }
  return out;
}

/** Cost per property as throughput: total time over many calls, garbage collection included. */
function perProperty(fn: () => unknown, n: number, budget: number): number {
  const calls = Math.max(3, Math.ceil(budget / n));
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) fn();
  return Number(process.hrtime.bigint() - start) / calls / n;
}

/**
 * Best of five rounds per N (a median of single calls would hide or exaggerate the collector, depending on where
 * it falls). The rounds go over every N in turn, so that a change in the machine's speed hits all N alike.
 */
const sizes = [10, 100, 1000, 3000, 55_000]; // 55,000 positions is about 1 MB
const cases = sizes.map((n) => {
  const bytes = doorsMessage(n);
  return { n, bytes, message: decode(bytes), plain: Array.from(bytes) };
});
const best = cases.map(() => ({ decode: Infinity, encode: Infinity, official: Infinity }));
const budget = quick ? 300_000 : 3_000_000;
for (let round = 0; round < 5; round++) {
  cases.forEach(({ n, bytes, message, plain }, i) => {
    const b = best[i]!;
    b.decode = Math.min(b.decode, perProperty(() => decode(bytes), n, budget));
    b.encode = Math.min(b.encode, perProperty(() => encode(message), n, budget));
    // Quadratic: 3,000 positions take seconds per call.
    if (n <= 1000) b.official = Math.min(b.official, perProperty(() => Command.parse(plain), n, 3_000));
  });
}
const scaling: Array<{ n: number; decodeNsPerProperty: number; encodeNsPerProperty: number; officialDecodeNsPerProperty?: number }> = cases.map(({ n }, i) => ({
  n,
  decodeNsPerProperty: best[i]!.decode,
  encodeNsPerProperty: best[i]!.encode,
  officialDecodeNsPerProperty: Number.isFinite(best[i]!.official) ? best[i]!.official : undefined,
}));

const fmt = (ns: number) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);
console.log(`\nNode ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}; medians\n`);
console.log('| fixture | operation | auto-api-codec | official 1.6.1 | ratio |');
console.log('|---|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.fixture} | ${r.operation} | ${fmt(r.oursNs)} | ${fmt(r.officialNs)} | ${r.ratio.toFixed(0)}x |`);
console.log('\n| fixture | raw TLV walk (floor) | our decode | decode / floor |');
console.log('|---|---:|---:|---:|');
for (const f of floors) console.log(`| ${f.fixture} | ${fmt(f.floorNs)} | ${fmt(f.decodeNs)} | ${f.multiple.toFixed(1)}x |`);
console.log('\n| Doors positions N | decode per property | encode per property | official decode per property |');
console.log('|---:|---:|---:|---:|');
for (const s of scaling) {
  console.log(`| ${s.n} | ${fmt(s.decodeNsPerProperty)} | ${fmt(s.encodeNsPerProperty)} | ${s.officialDecodeNsPerProperty ? fmt(s.officialDecodeNsPerProperty) : 'not run'} |`);
}
const at100 = scaling.find((s) => s.n === 100)!;
const at3000 = scaling.find((s) => s.n === 3000)!;
console.log(`\nper-property cost at 3,000 vs 100: decode ${(at3000.decodeNsPerProperty / at100.decodeNsPerProperty).toFixed(2)}x, encode ${(at3000.encodeNsPerProperty / at100.encodeNsPerProperty).toFixed(2)}x`);
console.log(`slowest ratio against the official library: ${Math.min(...rows.map((r) => r.ratio)).toFixed(0)}x`);

mkdirSync(join(here, 'results'), { recursive: true });
const file = join(here, 'results', 'latest.json');
writeFileSync(file, `${JSON.stringify({ node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, date: new Date().toISOString(), rows, floors, scaling }, null, 2)}\n`);
console.log(`wrote ${file}`);
