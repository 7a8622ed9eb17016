/**
 * A small, slow interpreter of the resolved model: decodes data-component bytes into the value form the YAML
 * examples use ({kilowatts: 35} for units, nested {capability: {...}} for states). The generator uses it to
 * check examples and the linter to compare them with their documented values. It shares no code with the
 * generated codecs, so tests also use it as an independent second opinion.
 */
import type { Model, PropertyDef, TypeRef } from './model.js';

export class InterpretError extends Error {}

interface Cursor {
  b: Uint8Array;
  pos: number;
}

export function hexToBytes(hex: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new InterpretError(`"${hex}" is not hex`);
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
}

/** Decodes a whole data component of type `t`. */
export function interpret(model: Model, t: TypeRef, hex: string): unknown {
  const c: Cursor = { b: hexToBytes(hex), pos: 0 };
  const v = value(model, t, c, c.b.length, true);
  if (c.pos !== c.b.length) throw new InterpretError(`${c.b.length - c.pos} bytes left over`);
  return v;
}

function take(c: Cursor, n: number, end: number): number {
  if (end - c.pos < n) throw new InterpretError(`needs ${n} bytes at ${c.pos}, ${end - c.pos} left`);
  const at = c.pos;
  c.pos += n;
  return at;
}

function uint(c: Cursor, n: number, end: number): number {
  const at = take(c, n, end);
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + c.b[at + i]!;
  return v;
}

function prefixedEnd(c: Cursor, end: number): number {
  const size = uint(c, 2, end);
  if (c.pos + size > end) throw new InterpretError('length runs past the end');
  return c.pos + size;
}

function value(model: Model, t: TypeRef, c: Cursor, end: number, top: boolean): unknown {
  const view = new DataView(c.b.buffer, c.b.byteOffset, c.b.byteLength);
  switch (t.kind) {
    case 'uinteger':
      return uint(c, t.size, end);
    case 'integer': {
      const v = uint(c, t.size, end);
      return v >= 2 ** (t.size * 8 - 1) ? v - 2 ** (t.size * 8) : v;
    }
    case 'float':
      return view.getFloat32(take(c, 4, end));
    case 'double':
      return view.getFloat64(take(c, 8, end));
    case 'timestamp': {
      const at = take(c, 8, end);
      return new Date(view.getUint32(at) * 2 ** 32 + view.getUint32(at + 4)).toISOString();
    }
    case 'enum': {
      const id = c.b[take(c, 1, end)]!;
      const hit = t.def.cases.find((k) => k.id === id);
      if (!hit) throw new InterpretError(`0x${id.toString(16)} is no case of ${t.def.ref}`);
      return hit.name;
    }
    case 'unit': {
      const at = take(c, 10, end);
      if (c.b[at] !== t.def.id) throw new InterpretError(`measurement 0x${c.b[at]!.toString(16)} is not ${t.def.name}`);
      const unit = t.def.units.find((u) => u.id === c.b[at + 1]);
      if (!unit) throw new InterpretError(`unit 0x${c.b[at + 1]!.toString(16)} is not a unit of ${t.def.name}`);
      return { [unit.name]: view.getFloat64(at + 2) };
    }
    case 'string':
    case 'bytes':
    case 'capability_state': {
      const stop = top ? end : prefixedEnd(c, end);
      const slice = c.b.subarray(c.pos, stop);
      c.pos = stop;
      if (t.kind === 'string') return new TextDecoder('utf-8', { fatal: true }).decode(slice);
      if (t.kind === 'bytes') return Array.from(slice);
      return state(model, slice);
    }
    case 'custom': {
      const stop = top || t.def.size !== undefined ? end : prefixedEnd(c, end);
      const out: Record<string, unknown> = {};
      for (const item of t.def.items) out[item.name] = value(model, item.type, c, stop, false);
      if (!top && t.def.size === undefined && c.pos !== stop) throw new InterpretError(`${stop - c.pos} bytes left inside ${t.def.ref}`);
      return out;
    }
  }
}

/** A nested message in the examples' form: {capability: {property: value, multiple: [values]}}. */
function state(model: Model, b: Uint8Array): unknown {
  if (b.length < 4 || b[0] !== model.version || b[3] !== 0x01) throw new InterpretError('not a state message');
  const id = (b[1]! << 8) | b[2]!;
  const cap = model.capabilities.find((k) => k.id === id);
  if (!cap) throw new InterpretError(`unknown capability 0x${id.toString(16)}`);
  const props: Record<string, unknown> = {};
  const c: Cursor = { b, pos: 4 };
  while (c.pos < b.length) {
    const pid = b[take(c, 1, b.length)]!;
    const psize = uint(c, 2, b.length);
    const pend = c.pos + psize;
    if (pend > b.length) throw new InterpretError('property runs past the end');
    const def: PropertyDef | undefined = cap.properties.find((p) => p.id === pid) ?? model.universal.find((p) => p.id === pid);
    if (!def) throw new InterpretError(`unknown property 0x${pid.toString(16)} in ${cap.name}`);
    while (c.pos < pend) {
      const cid = b[take(c, 1, pend)]!;
      const csize = uint(c, 2, pend);
      const cend = c.pos + csize;
      if (cend > pend) throw new InterpretError('component runs past its property');
      if (cid === 1) {
        const v = value(model, def.type, c, cend, true);
        if (c.pos !== cend) throw new InterpretError('bytes left in a component');
        if (def.multiple) ((props[def.name] ??= []) as unknown[]).push(v);
        else props[def.name] = v;
      }
      c.pos = cend;
    }
  }
  return { [cap.name]: props };
}
