/**
 * An independent frame splitter for tests. It is built with binary-parser and knows only the TLV framing of a
 * set message (header, property records, component records), nothing of the spec, so it can check what the
 * decoder in src/ saw without sharing any of its code. binary-parser stays out of src/ on purpose.
 */
// The package's ESM entry (.mjs) ships no .d.mts, so under NodeNext it is untyped; its CommonJS build has its
// .d.ts beside it and is reachable through the package's "./*" export.
import { Parser } from 'binary-parser/dist/binary_parser.js';
import { registry, type StateMessage, type Timestamp } from '../../src/index.js';

export interface ComponentFrame {
  id: number;
  size: number;
  bytes: Uint8Array;
}

export interface PropertyFrame {
  id: number;
  size: number;
  components: ComponentFrame[];
}

export interface SetMessageFrame {
  version: number;
  capabilityId: number;
  type: number;
  properties: PropertyFrame[];
}

// binary-parser defaults to big-endian, which is what the wire format uses.
const componentParser = new Parser().uint8('id').uint16('size').buffer('bytes', { length: 'size' });

const propertyParser = new Parser()
  .uint8('id')
  .uint16('size')
  .array('components', { type: componentParser, lengthInBytes: 'size' });

const setMessageParser = new Parser()
  .uint8('version', { assert: 0x0d })
  .uint16('capabilityId')
  .uint8('type', { assert: 0x01 })
  .array('properties', { type: propertyParser, readUntil: 'eof' });

/**
 * Splits a set message into its records. binary-parser clamps a `buffer` at the end of the input and lets an
 * array with `lengthInBytes` read past that length, so the byte accounting is checked here: every record must
 * take exactly the bytes its size announces, or this throws.
 */
export function splitSetMessage(bytes: Uint8Array): SetMessageFrame {
  const frame = setMessageParser.parse(bytes) as SetMessageFrame;
  let used = 4;
  for (const p of frame.properties) {
    let inside = 0;
    for (const c of p.components) {
      if (c.bytes.length !== c.size) throw new Error(`component 0x${hex2(c.id)} of property 0x${hex2(p.id)} announces ${c.size} bytes, ${c.bytes.length} there`);
      inside += 3 + c.size;
    }
    if (inside !== p.size) throw new Error(`property 0x${hex2(p.id)} announces ${p.size} bytes, its components take ${inside}`);
    used += 3 + p.size;
  }
  if (used !== bytes.length) throw new Error(`records take ${used} bytes, the message has ${bytes.length}`);
  return frame;
}

/** What the decoder holds for one property occurrence, as the framing sees it. */
export interface DecodedOccurrence {
  id: number;
  /** Component ids in the order the decoder says they were on the wire. */
  componentIds: number[];
  /** Component ids that are present, ascending: must agree with `componentIds` as a set. */
  presentIds: number[];
  /** Components the decoder keeps as raw bytes (unknown components, data of unknown properties), by id. */
  raw: Map<number, Uint8Array>;
  timestamp: Timestamp | undefined;
}

interface PropertyLike {
  data?: unknown;
  timestamp?: Timestamp;
  failure?: unknown;
  availability?: unknown;
  unknownComponents?: Array<{ id: number; bytes: Uint8Array }>;
  componentOrder?: number[];
  id?: number;
}

/**
 * The decoded properties of a set message in wire order, following `wireOrder`: the n-th occurrence of an id is
 * the n-th item of a multiple property, or the n-th unknown property of that id.
 */
export function decodedOccurrences(message: StateMessage): DecodedOccurrence[] {
  const cap = registry.byId.get(message.capabilityId);
  const state = message.state as Record<string, unknown>;
  const seen = new Map<number, number>();
  const unknownById = new Map<number, PropertyLike[]>();
  for (const u of message.unknownProperties ?? []) {
    const list = unknownById.get(u.id) ?? [];
    list.push(u);
    unknownById.set(u.id, list);
  }
  return (message.wireOrder ?? []).map((id) => {
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    const codec = cap?.byId[id];
    let prop: PropertyLike | undefined;
    if (codec === undefined) prop = unknownById.get(id)?.[n];
    else if (codec.multiple) prop = (state[codec.key] as PropertyLike[] | undefined)?.[n];
    else prop = n === 0 ? (state[codec.key] as PropertyLike | undefined) : undefined;
    if (prop === undefined) throw new Error(`wireOrder names 0x${hex2(id)} #${n}, the decoded message has no such property`);
    return occurrence(id, prop, codec === undefined);
  });
}

function occurrence(id: number, prop: PropertyLike, unknownProperty: boolean): DecodedOccurrence {
  const present: number[] = [];
  const raw = new Map<number, Uint8Array>();
  if (prop.data !== undefined) present.push(0x01);
  if (prop.timestamp !== undefined) present.push(0x02);
  if (prop.failure !== undefined) present.push(0x03);
  if (prop.availability !== undefined) present.push(0x05);
  for (const c of prop.unknownComponents ?? []) {
    present.push(c.id);
    raw.set(c.id, c.bytes);
  }
  // The data of a property the spec does not define can only be kept as its bytes.
  if (unknownProperty && prop.data !== undefined) raw.set(0x01, (prop.data as { bytes: Uint8Array }).bytes);
  present.sort((a, b) => a - b);
  return { id, componentIds: prop.componentOrder ?? present, presentIds: present, raw, timestamp: prop.timestamp };
}

/** The u64 milliseconds a decoded timestamp stands for. */
export function timestampMillis(t: Timestamp): bigint {
  return typeof t === 'bigint' ? t : BigInt(t.getTime());
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}
