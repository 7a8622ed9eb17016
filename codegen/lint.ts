/**
 * `auto-api lint`: what would make a spec unsound. Everything the generator refuses (unknown types, duplicate
 * ids, sizes that contradict types, enum ids used twice, examples that do not fit), plus examples whose bytes
 * decode to something other than their documented value, and ids in `state` or setters that name no property.
 */
import { interpret, InterpretError } from './interpret.js';
import { SpecError } from './load.js';
import { join, relative } from 'node:path';
import { describeType, loadModel, type CapabilityDef, type Model, type TypeRef } from './model.js';

/** Returns problems as `file:line: key: message`; empty when the spec is sound. */
export function lint(dir: string): string[] {
  let model: Model;
  try {
    model = loadModel(dir);
  } catch (e) {
    if (e instanceof SpecError) return e.problems;
    throw e;
  }
  const problems: string[] = [];
  const shown = (file: string) => relative(process.cwd(), join(dir, file));
  const checkExample = (label: string, type: TypeRef, ex: { hex: string; value: unknown; file: string; line: number }): void => {
    let got: unknown;
    try {
      got = interpret(model, type, ex.hex);
    } catch (e) {
      if (!(e instanceof InterpretError)) throw e;
      problems.push(`${shown(ex.file)}:${ex.line}: data_component: ${label}: "${ex.hex}" does not fit ${describeType(type)}: ${e.message}`);
      return;
    }
    const difference = differ(ex.value, got, '');
    if (difference !== undefined) {
      problems.push(`${shown(ex.file)}:${ex.line}: data_component: ${label}: the bytes say ${difference}`);
    }
  };
  for (const p of model.universal) for (const ex of p.examples) checkExample(p.name, p.type, ex);
  for (const c of model.components.examples) checkExample(c.name, c.type, c.example);
  for (const cap of model.capabilities) {
    for (const p of cap.properties) for (const ex of p.examples) checkExample(`${cap.name}.${p.name}`, p.type, ex);
    checkReferences(model, cap, shown, problems);
  }
  return problems;
}

function checkReferences(model: Model, cap: CapabilityDef, shown: (file: string) => string, problems: string[]): void {
  const ids = new Set(cap.properties.map((p) => p.id));
  const name = (id: number) => `0x${id.toString(16).padStart(2, '0')}`;
  if (Array.isArray(cap.state)) {
    for (const id of cap.state) if (!ids.has(id)) problems.push(`${shown(cap.file)}:${cap.stateLine}: state: ${name(id)} is not a property of ${cap.name}`);
  }
  for (const s of cap.setters) {
    for (const id of [...s.mandatory, ...s.optional, ...s.constants.map((c) => c.propertyId)]) {
      if (!ids.has(id)) problems.push(`${shown(cap.file)}:${s.line}: setters: ${s.name} names ${name(id)}, which is not a property of ${cap.name}`);
    }
    for (const c of s.constants) {
      const prop = cap.properties.find((p) => p.id === c.propertyId);
      if (!prop) continue;
      const hex = c.value.map((b) => b.toString(16).padStart(2, '0')).join('');
      try {
        interpret(model, prop.type, hex);
      } catch (e) {
        if (!(e instanceof InterpretError)) throw e;
        problems.push(`${shown(cap.file)}:${s.line}: setters: ${s.name} constant for ${prop.name} does not fit ${describeType(prop.type)}: ${e.message}`);
      }
    }
  }
}

/** Describes the first difference between the documented and the decoded value, or undefined when equal. */
function differ(documented: unknown, decoded: unknown, at: string): string | undefined {
  const where = at === '' ? '' : ` at ${at}`;
  if (typeof documented === 'string' && typeof decoded === 'string' && documented.toLowerCase() === decoded.toLowerCase() && /^[0-9a-f]+$/i.test(documented)) {
    return undefined;
  }
  if (Array.isArray(documented) && Array.isArray(decoded)) {
    if (documented.length !== decoded.length) return `${decoded.length} items, documented ${documented.length}${where}`;
    for (let i = 0; i < documented.length; i++) {
      const d = differ(documented[i], decoded[i], `${at}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (isObject(documented) && isObject(decoded)) {
    for (const key of Object.keys(documented)) {
      if (!(key in decoded)) return `no ${key}${where} (got ${JSON.stringify(decoded)})`;
      const d = differ(documented[key], decoded[key], at === '' ? key : `${at}.${key}`);
      if (d) return d;
    }
    for (const key of Object.keys(decoded)) if (!(key in documented)) return `${key}: ${JSON.stringify(decoded[key])}${where}, which is not documented`;
    return undefined;
  }
  return Object.is(documented, decoded) || documented === decoded ? undefined : `${JSON.stringify(decoded)}${where}, documented ${JSON.stringify(documented)}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
