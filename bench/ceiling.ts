/**
 * `npx tsx bench/ceiling.ts`: how close the generic codec is to code written by hand for one message shape.
 *
 * The hand-written fromJSON + encode below knows the Doors fixture's shape in advance: five properties, each
 * data then a timestamp, data a Lock, a DoorPosition or a LockState. It still checks what ours checks (keys,
 * enum names, the ISO timestamp, through the same parser) and builds the same typed message with Dates, so it
 * is the least a typed JSON -> bytes path can cost in V8. It is a measuring stick only: it is in no entry point.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { decode, encode, fromHex, fromJSON, toHex, toJSON } from '../dist/index.js';
import { timestampFromJson } from '../dist/runtime/index.js';
import { alternatingRounds, median } from './rounds.js';

const require = createRequire(import.meta.url);
const { Command } = require('@highmobility/auto-api-javascript') as {
  Command: { fromJSON(json: unknown): { encode(): number[] } };
};

const fixture = (JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures.json'), 'utf8')) as { fixtures: Array<{ name: string; hex: string }> }).fixtures.find(
  (f) => f.name === 'doors_multiple',
)!;
const json = toJSON(decode(fromHex(fixture.hex))) as Record<string, unknown>;

const LOCATION = new Map([['front_left', 0], ['front_right', 1], ['rear_right', 2], ['rear_left', 3], ['all', 5]]); // prettier-ignore
const LOCK_STATE = new Map([['unlocked', 0], ['locked', 1]]);
const POSITION = new Map([['closed', 0], ['open', 1]]);

function checked(names: Map<string, number>, name: unknown): string {
  if (!names.has(name as string)) throw new Error(`bad enum ${String(name)}`);
  return name as string;
}
function exactly(o: Record<string, unknown>, a: string, b: string): Record<string, unknown> {
  let n = 0;
  for (const k in o) {
    if (k !== a && k !== b) throw new Error(`bad key ${k}`);
    n++;
  }
  if (n !== 2) throw new Error('missing key');
  return o;
}
type Prop = { data: unknown; timestamp: Date };
const prop = (j: Record<string, unknown>, data: (d: unknown) => unknown): Prop => {
  exactly(j, 'data', 'timestamp');
  return { data: data(j.data), timestamp: timestampFromJson(j.timestamp) as Date };
};
const lock = (d: unknown) => {
  const o = exactly(d as Record<string, unknown>, 'location', 'lock_state');
  return { location: checked(LOCATION, o.location), lockState: checked(LOCK_STATE, o.lock_state) };
};
const position = (d: unknown) => {
  const o = exactly(d as Record<string, unknown>, 'location', 'position');
  return { location: checked(LOCATION, o.location), position: checked(POSITION, o.position) };
};
const lockState = (d: unknown) => checked(LOCK_STATE, d);

function handFromJson(j: Record<string, unknown>) {
  const body = (j.set as Record<string, Record<string, unknown>>).doors!;
  const state: Record<string, unknown> = {};
  const wireOrder: number[] = [];
  for (const key in body) {
    const v = body[key] as Record<string, unknown>[] & Record<string, unknown>;
    switch (key) {
      case 'inside_locks':
        state.insideLocks = v.map((x) => prop(x, lock));
        for (let i = 0; i < v.length; i++) wireOrder.push(0x02);
        break;
      case 'locks':
        state.locks = v.map((x) => prop(x, lock));
        for (let i = 0; i < v.length; i++) wireOrder.push(0x03);
        break;
      case 'positions':
        state.positions = v.map((x) => prop(x, position));
        for (let i = 0; i < v.length; i++) wireOrder.push(0x04);
        break;
      case 'inside_locks_state':
        state.insideLocksState = prop(v, lockState);
        wireOrder.push(0x05);
        break;
      case 'locks_state':
        state.locksState = prop(v, lockState);
        wireOrder.push(0x06);
        break;
      default:
        throw new Error(`bad property ${key}`);
    }
  }
  return { type: 'set', capability: 'doors', capabilityId: 0x20, state, wireOrder };
}

const out = new Uint8Array(4096);
const view = new DataView(out.buffer);
function writeProp(p: Prop, id: number, at: number, writeData: (d: unknown, at: number) => number): number {
  out[at] = id;
  out[at + 3] = 0x01;
  const dataEnd = writeData(p.data, at + 6);
  view.setUint16(at + 4, dataEnd - at - 6);
  out[dataEnd] = 0x02;
  view.setUint16(dataEnd + 1, 8);
  const ms = p.timestamp.getTime();
  view.setUint32(dataEnd + 3, Math.floor(ms / 0x1_0000_0000));
  view.setUint32(dataEnd + 7, ms >>> 0);
  view.setUint16(at + 1, dataEnd + 11 - at - 3);
  return dataEnd + 11;
}
const writeLock = (d: unknown, at: number) => {
  const l = d as { location: string; lockState: string };
  out[at] = LOCATION.get(l.location)!;
  out[at + 1] = LOCK_STATE.get(l.lockState)!;
  return at + 2;
};
const writePosition = (d: unknown, at: number) => {
  const l = d as { location: string; position: string };
  out[at] = LOCATION.get(l.location)!;
  out[at + 1] = POSITION.get(l.position)!;
  return at + 2;
};
const writeLockState = (d: unknown, at: number) => {
  out[at] = LOCK_STATE.get(d as string)!;
  return at + 1;
};
function handEncode(m: ReturnType<typeof handFromJson>): Uint8Array {
  const s = m.state as Record<string, Prop & Prop[]>;
  out.set([0x0d, 0x00, 0x20, 0x01]);
  let p = 4;
  const used = [0, 0, 0, 0, 0, 0, 0];
  for (const id of m.wireOrder) {
    if (id === 0x02) p = writeProp(s.insideLocks![used[2]!++]!, id, p, writeLock);
    else if (id === 0x03) p = writeProp(s.locks![used[3]!++]!, id, p, writeLock);
    else if (id === 0x04) p = writeProp(s.positions![used[4]!++]!, id, p, writePosition);
    else if (id === 0x05) p = writeProp(s.insideLocksState!, id, p, writeLockState);
    else p = writeProp(s.locksState!, id, p, writeLockState);
  }
  return out.slice(0, p);
}

if (toHex(handEncode(handFromJson(json))) !== fixture.hex) throw new Error('the hand-written path does not give the fixture bytes');

const tasks = {
  'hand-written': () => handEncode(handFromJson(json)),
  'auto-api-codec': () => encode(fromJSON(json)),
  'official 1.6.1': () => Command.fromJSON(json).encode(),
};
const samples = await alternatingRounds(tasks, 45);
const official = median(samples['official 1.6.1']!);
console.log(`Doors fixture, fromJSON + encode, medians of 45 alternating rounds (Node ${process.version})\n`);
console.log('| implementation | time | official / this |');
console.log('|---|---:|---:|');
for (const name of Object.keys(tasks)) {
  const ns = median(samples[name]!);
  console.log(`| ${name} | ${(ns / 1000).toFixed(2)} µs | ${(official / ns).toFixed(1)}x |`);
}
