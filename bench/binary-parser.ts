/**
 * binary-parser vs our decoder vs a bare TLV walk, on the same bytes: a Charging state with 15 properties,
 * each a data and a timestamp component (fixture `charging_15_timestamped`, copied here so that nothing
 * outside the project is read at run time).
 *
 *   npx tsx bench/binary-parser.ts
 *
 * Also reports two facts that matter for using binary-parser at all: whether it generates code at run time
 * (new Function), and what it does with truncated input.
 */
import { spawnSync } from 'node:child_process';
import { Parser } from 'binary-parser/dist/binary_parser.js';
import { Bench } from 'tinybench';
import { decode, fromHex, type StateMessage } from '../src/index.js';

// -------------------------------------------------------------------------------------------- the bytes

/** charging_15_timestamped (336 bytes), from the shared benchmark fixtures. */
const FIXTURE_HEX =
  '0d00230102001801000a1204407b01999999999a0200080000016d82cebd500300160100083fe00000000000000200080000016d82cec1380800160100083feccccccccccccd0200080000016d82cec52009001801000a0701404e0000000000000200080000016d82cec9080b000f010001010200080000016d82ceccf00c000f010001010200080000016d82ced0d80e001801000a090040390000000000000200080000016d82ced4c00f000f010001010200080000016d82ced8a810000f010001000200080000016d82cedc901100110100030110200200080000016d82cee0781300110100030011210200080000016d82cee46014001801000a170140433333333333330200080000016d82cee84815001701000900000001598938e7880200080000016d82ceec3016000f010001010200080000016d82cef01817000f010001010200080000016d82cef400';
const BYTES = fromHex(FIXTURE_HEX);

// ---------------------------------------------------------------- (a) binary-parser, framing + data values

// Data values of the 15 Charging properties in the fixture, typed as in spec/capabilities/charging.yml.
// Each is nested under `value`, so a component reads {id, size, value} / {id, size, timestamp} / {id, size, bytes}.
const unit = new Parser().uint8('measurementId').uint8('unitId').doublebe('value'); // unit.*: 10 bytes
const percentage = new Parser().doublebe('value');
const enumByte = new Parser().uint8('value');
const hourMinute = new Parser().uint8('hour').uint8('minute');
const departureTime = new Parser().uint8('activeState').nest('time', { type: hourMinute });
const reductionTime = new Parser().uint8('startStop').nest('time', { type: hourMinute });
const timer = new Parser().uint8('timerType').uint64('date');

const CHARGING_DATA: Record<number, Parser> = {
  0x02: unit, // estimated_range
  0x03: percentage, // battery_level
  0x08: percentage, // charge_limit
  0x09: unit, // time_to_complete_charge
  0x0b: enumByte, // charge_port_state
  0x0c: enumByte, // charge_mode
  0x0e: unit, // max_charging_current
  0x0f: enumByte, // plug_type
  0x10: enumByte, // charging_window_chosen
  0x11: departureTime, // departure_times (multiple)
  0x13: reductionTime, // reduction_times (multiple)
  0x14: unit, // battery_temperature
  0x15: timer, // timers (multiple)
  0x16: enumByte, // plugged_in
  0x17: enumByte, // status
};

// Shared components: timestamp, failure (reason + u16-prefixed UTF-8), availability; anything else stays bytes.
const timestamp = new Parser().uint64('timestamp');
const failure = new Parser().nest('failure', {
  type: new Parser().uint8('reason').uint16('length').string('description', { length: 'length', encoding: 'utf8' }),
});
const availability = new Parser().nest('availability', {
  type: new Parser().uint8('updateRate').nest('rateLimit', { type: unit }).uint8('appliesPer'),
});
// `size` is the component's own size: the choices below are anonymous, so they read in the component's scope.
const rawBytes = new Parser().buffer('bytes', { length: 'size' });

function componentsOf(data: Parser): Parser {
  const component = new Parser()
    .uint8('id')
    .uint16('size')
    .choice({ tag: 'id', choices: { 1: new Parser().nest('value', { type: data }), 2: timestamp, 3: failure, 5: availability }, defaultChoice: rawBytes });
  return new Parser().array('components', { type: component, lengthInBytes: 'size' });
}

const chargingProperty = new Parser()
  .uint8('id')
  .uint16('size')
  .choice({
    tag: 'id',
    choices: Object.fromEntries(Object.entries(CHARGING_DATA).map(([id, data]) => [Number(id), componentsOf(data)])),
    defaultChoice: componentsOf(rawBytes),
  });

const chargingParser = new Parser()
  .uint8('version', { assert: 0x0d })
  .uint16('capabilityId', { assert: 0x0023 })
  .uint8('type', { assert: 0x01 })
  .array('properties', { type: chargingProperty, readUntil: 'eof' });

/** Framing only, every component as bytes: what the truncation checks below use besides the typed parser. */
const framingParser = new Parser()
  .uint8('version', { assert: 0x0d })
  .uint16('capabilityId')
  .uint8('type')
  .array('properties', {
    type: new Parser().uint8('id').uint16('size').array('components', { type: new Parser().uint8('id').uint16('size').buffer('bytes', { length: 'size' }), lengthInBytes: 'size' }),
    readUntil: 'eof',
  });

interface ParsedComponent {
  id: number;
  size: number;
  value?: Record<string, unknown>;
  timestamp?: bigint;
  bytes?: Uint8Array;
}
interface ParsedMessage {
  version: number;
  capabilityId: number;
  type: number;
  properties: Array<{ id: number; size: number; components: ParsedComponent[] }>;
}

// -------------------------------------------------------------------------------------- (c) the floor

/** Ids and sizes only: the least any TLV decoder has to do. Returns a checksum so the work cannot be skipped. */
function tlvWalk(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length;
  let sum = 0;
  let p = 4;
  while (p < end) {
    const propertyEnd = p + 3 + view.getUint16(p + 1);
    sum += view.getUint8(p);
    let c = p + 3;
    while (c < propertyEnd) {
      const size = view.getUint16(c + 1);
      sum += view.getUint8(c) + size;
      c += 3 + size;
    }
    p = propertyEnd;
  }
  return sum;
}

// ----------------------------------------------------------------------- the three read the same thing

function sameReading(): void {
  const parsed = chargingParser.parse(BYTES) as ParsedMessage;
  const ours = decode(BYTES) as StateMessage;
  const ids = parsed.properties.map((p) => p.id);
  if (ids.length !== 15 || ids.join() !== (ours.wireOrder ?? []).join()) {
    throw new Error(`binary-parser read ${ids.join()}, decode read ${(ours.wireOrder ?? []).join()}`);
  }
  const first = parsed.properties[0]!.components;
  if (first[0]?.value?.value !== 432.1 || typeof first[1]?.timestamp !== 'bigint') {
    throw new Error(`binary-parser did not read the values: ${JSON.stringify(first, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
  }
  const expected = ids.reduce((s, id) => s + id, 0) + parsed.properties.reduce((s, p) => s + p.components.reduce((t, c) => t + c.id + c.size, 0), 0);
  if (tlvWalk(BYTES) !== expected) throw new Error('the TLV walk disagrees with binary-parser');
}

// ---------------------------------------------------------------------------------------- measuring

/** Calls per sample: one call is ~1 µs or less, too close to the timer's own cost to time one by one. */
const BATCH = 100;
let sink: unknown;

async function measure(): Promise<void> {
  const bench = new Bench({ time: 3000, warmupTime: 1000, warmupIterations: 1000, throws: true });
  bench
    .add('binary-parser (framing + values)', () => {
      for (let i = 0; i < BATCH; i++) sink = chargingParser.parse(BYTES);
    })
    .add('auto-api-codec decode', () => {
      for (let i = 0; i < BATCH; i++) sink = decode(BYTES);
    })
    .add('TLV walk (floor)', () => {
      for (let i = 0; i < BATCH; i++) sink = tlvWalk(BYTES);
    });
  await bench.run();

  const rows = bench.tasks.map((task) => {
    const r = task.result;
    if (r.state !== 'completed') throw new Error(`${task.name}: ${r.state}`);
    const ns = (r.latency.p50 * 1e6) / BATCH; // ms per batch -> ns per call
    return { name: task.name, ns, samples: r.latency.samplesCount ?? task.runs, rme: r.latency.rme };
  });
  const floor = rows.find((r) => r.name.startsWith('TLV'))!.ns;
  const ours = rows.find((r) => r.name.startsWith('auto-api'))!.ns;
  console.log(`\n${BYTES.length} bytes, 15 properties x (data + timestamp); Node ${process.version}; ${BATCH} calls per sample\n`);
  console.log('| decoder | median ns/op | ops/s | x floor | x decode | samples | ±rme |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const ops = Math.round(1e9 / r.ns).toLocaleString('en-US');
    console.log(`| ${r.name} | ${r.ns.toFixed(0)} | ${ops} | ${(r.ns / floor).toFixed(1)} | ${(r.ns / ours).toFixed(2)} | ${r.samples} | ${r.rme.toFixed(1)}% |`);
  }
}

// ------------------------------------------------------------------------ binary-parser: code generation

function codeGeneration(): void {
  // Parser.compile() builds the parser with new Function; count the calls while a fresh parser compiles.
  const real = globalThis.Function;
  let calls = 0;
  globalThis.Function = new Proxy(real, {
    construct(target, args: string[]) {
      calls++;
      return Reflect.construct(target, args);
    },
  });
  try {
    new Parser().uint8('a').parse(new Uint8Array([1]));
  } finally {
    globalThis.Function = real;
  }
  console.log(`\nbinary-parser code generation: compile() called new Function ${calls} time(s); the typed parser's generated source is ${chargingParser.getCode().length} characters.`);

  // With code generation from strings forbidden (as under a CSP without 'unsafe-eval'), it cannot parse at all.
  const probe = "import { Parser } from 'binary-parser'; console.log(JSON.stringify(new Parser().uint8('a').parse(new Uint8Array([7]))));";
  const run = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', probe], { cwd: import.meta.dirname, encoding: 'utf8' });
  const outcome = run.status === 0 ? `parsed: ${run.stdout.trim()}` : `failed: ${(run.stderr.split('\n').find((l) => /Error/.test(l)) ?? run.stderr).trim()}`;
  console.log(`binary-parser under node --disallow-code-generation-from-strings: ${outcome}`);
}

// ----------------------------------------------------------------------------- binary-parser: truncation

function truncation(): void {
  const hex = FIXTURE_HEX;
  const firstPropertyEnd = 4 + 3 + 0x18; // the first property (0x02) holds 0x18 bytes
  const lastProperty = hex.lastIndexOf('17000f01') / 2;
  // [what, bytes, which property the damage is in]
  const cases: Array<[string, string, 'first' | 'last']> = [
    ['cut inside the last timestamp (-2 bytes)', hex.slice(0, -4), 'last'],
    ['cut inside the last data component', hex.slice(0, (lastProperty + 3 + 3) * 2), 'last'],
    ['cut inside a component header', hex.slice(0, (lastProperty + 3 + 1) * 2), 'last'],
    ['cut inside a property header', hex.slice(0, (lastProperty + 1) * 2), 'last'],
    ['cut inside the first property', hex.slice(0, (firstPropertyEnd - 4) * 2), 'first'],
    ['last property size +2 (runs past the end)', hex.slice(0, (lastProperty + 1) * 2) + '0011' + hex.slice((lastProperty + 3) * 2), 'last'],
    ['last property size 0xffff', hex.slice(0, (lastProperty + 1) * 2) + 'ffff' + hex.slice((lastProperty + 3) * 2), 'last'],
    ['first property size -1 (its components run past it)', hex.slice(0, 8 + 2) + '0017' + hex.slice(8 + 6), 'first'],
  ];
  console.log('\nTruncated / inconsistent input (typed = the Charging parser above; framing = every component as bytes):\n');
  console.log('| input | binary-parser typed | binary-parser framing | our decode |');
  console.log('|---|---|---|---|');
  for (const [label, bad, at] of cases) {
    const bytes = fromHex(bad);
    const row = [() => chargingParser.parse(bytes), () => framingParser.parse(bytes), () => decode(bytes)].map((parse) => outcome(parse, at));
    console.log(`| ${label} (${bytes.length} B) | ${row.join(' | ')} |`);
  }
}

/** "throws <what>" or "accepts: <what was read of the damaged property>" (component id:size/bytes read). */
function outcome(parse: () => unknown, at: 'first' | 'last'): string {
  let result: unknown;
  try {
    result = parse();
  } catch (e) {
    const err = e as Error;
    return `throws ${err.name}: ${err.message.slice(0, 70)}`;
  }
  const m = result as ParsedMessage | StateMessage;
  if ('properties' in m) {
    const p = at === 'first' ? m.properties[0] : m.properties.at(-1);
    const comps = p?.components.map((c) => `${c.id}:${c.size}/${c.bytes ? c.bytes.length : c.timestamp !== undefined ? 'u64' : 'value'}`).join(' ');
    return `**accepts** ${m.properties.length} props; ${at} 0x${p?.id.toString(16)} size ${p?.size} [${comps}]`;
  }
  return `accepts ${(m.wireOrder ?? []).length} props`;
}

sameReading();
codeGeneration();
truncation();
await measure();
