/**
 * The resolved model of a spec folder in the upstream layout. Every type reference is resolved, every size
 * checked; emitters and the linter work on this, never on raw YAML.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { interpret, InterpretError } from './interpret.js';
import { lineOf, loadYaml, SpecError, type Located } from './load.js';

export interface EnumCase {
  id: number;
  name: string;
  disabledInSetter: boolean;
}

export interface EnumDef {
  /** Where it is defined: `types.lock_state`, `events.event`, or `<owner>.<item or property>` for inline enums. */
  ref: string;
  tsName: string;
  cases: EnumCase[];
  file: string;
  line: number;
}

export interface UnitDef {
  name: string;
  id: number;
  linear?: number;
  constant?: number;
  inverse?: number;
}

export interface MeasurementDef {
  name: string;
  id: number;
  tsName: string;
  units: UnitDef[];
}

export interface ItemDef {
  name: string;
  nameCased: string;
  type: TypeRef;
}

export interface CustomDef {
  ref: string;
  tsName: string;
  items: ItemDef[];
  /** Total bytes when every item is of fixed size. */
  size: number | undefined;
  file: string;
  line: number;
}

export type TypeRef =
  | { kind: 'uinteger' | 'integer'; size: number }
  | { kind: 'float' | 'double' | 'timestamp' | 'string' | 'bytes' | 'capability_state' }
  | { kind: 'enum'; def: EnumDef }
  | { kind: 'unit'; def: MeasurementDef }
  | { kind: 'custom'; def: CustomDef };

export interface Example {
  hex: string;
  /** The documented value, as in the YAML (`value` or `values`). */
  value: unknown;
  file: string;
  line: number;
}

export interface PropertyDef {
  id: number;
  name: string;
  nameCased: string;
  type: TypeRef;
  multiple: boolean;
  deprecated: boolean;
  examples: Example[];
  file: string;
  line: number;
}

export interface SetterDef {
  name: string;
  mandatory: number[];
  optional: number[];
  constants: Array<{ propertyId: number; value: number[] }>;
  line: number;
}

export interface CapabilityDef {
  name: string;
  nameCased: string;
  tsName: string;
  id: number;
  file: string;
  properties: PropertyDef[];
  /** Undefined when the capability has no getters. */
  getters: { name?: string; skipPropertiesGetter: boolean } | undefined;
  setters: SetterDef[];
  state: 'all' | number[] | undefined;
  stateLine: number;
}

export interface Model {
  dir: string;
  version: number;
  measurements: MeasurementDef[];
  customs: CustomDef[];
  /** Shared enums (types.* and events.*); inline enums hang off their property or item. */
  enums: EnumDef[];
  universal: PropertyDef[];
  components: { failure: TypeRef; availability: TypeRef; examples: Array<{ name: string; type: TypeRef; example: Example }> };
  capabilities: CapabilityDef[];
}

const FIXED: Record<string, number> = { float: 4, double: 8, timestamp: 8 };

export function fixedSize(t: TypeRef): number | undefined {
  switch (t.kind) {
    case 'uinteger':
    case 'integer':
      return t.size;
    case 'float':
    case 'double':
    case 'timestamp':
      return FIXED[t.kind];
    case 'enum':
      return 1;
    case 'unit':
      return 10;
    case 'custom':
      return t.def.size;
    default:
      return undefined;
  }
}

export function describeType(t: TypeRef): string {
  switch (t.kind) {
    case 'uinteger':
    case 'integer':
      return `${t.kind}(${t.size})`;
    case 'enum':
      return `enum ${t.def.ref}`;
    case 'unit':
      return `unit.${t.def.name}`;
    case 'custom':
      return t.def.ref;
    default:
      return t.kind;
  }
}

export const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const camelFromSnake = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

type Obj = Located;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Loads and resolves a spec folder; throws SpecError listing every problem found (file:line: key: problem). */
export function loadModel(dir: string): Model {
  const problems: string[] = [];
  // Paths relative to the spec folder, so that generated output does not depend on where it was run.
  const rel = (file: string) => relative(dir, file) || file;
  // Problems name files as the user would type them (relative to where the command runs).
  const shown = (file: string) => relative(process.cwd(), join(dir, rel(file))) || file;
  const fail = (file: string, obj: unknown, key: string, message: string): void => {
    problems.push(`${shown(file)}:${lineOf(obj, key)}: ${key}: ${message}`);
  };
  const misc = (name: string) => join(dir, 'misc', name);
  const need = (file: string): Obj => {
    if (!existsSync(file)) throw new SpecError([`${shown(file)}: missing file`]);
    const root = loadYaml(file).root;
    if (!isObj(root)) throw new SpecError([`${shown(file)}:1: expected a mapping at the top`]);
    return root;
  };
  const int = (file: string, obj: Obj, key: string, min = 0, max = 255): number => {
    const v = obj[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      fail(file, obj, key, `expected an integer ${min}..${max}, got ${JSON.stringify(v)}`);
      return min;
    }
    return v;
  };
  const str = (file: string, obj: Obj, key: string): string => {
    const v = obj[key];
    if (typeof v !== 'string' || v === '') {
      fail(file, obj, key, `expected a name, got ${JSON.stringify(v)}`);
      return `invalid_${lineOf(obj, key)}`;
    }
    return v;
  };
  const list = (file: string, obj: Obj, key: string): Obj[] => {
    const v = obj[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || !v.every(isObj)) {
      fail(file, obj, key, 'expected a list of mappings');
      return [];
    }
    return v as Obj[];
  };

  // --- units
  const unitsFile = misc('unit_types.yml');
  const measurements: MeasurementDef[] = [];
  for (const m of list(unitsFile, need(unitsFile), 'measurement_types')) {
    const name = str(unitsFile, m, 'name');
    const units: UnitDef[] = [];
    for (const u of list(unitsFile, m, 'unit_types')) {
      const unit: UnitDef = { name: str(unitsFile, u, 'name'), id: int(unitsFile, u, 'id') };
      for (const [key, field] of [['conversion_linear', 'linear'], ['conversion_constant', 'constant'], ['conversion_inverse', 'inverse']] as const) {
        if (u[key] === undefined) continue;
        if (typeof u[key] !== 'number') fail(unitsFile, u, key, 'expected a number');
        else unit[field] = u[key] as number;
      }
      units.push(unit);
    }
    // Prefixed: several custom types share a measurement's name (types.acceleration vs unit.acceleration).
    measurements.push({ name, id: int(unitsFile, m, 'id'), tsName: `Measured${pascal(camelFromSnake(name))}`, units });
  }
  const measurementByName = new Map(measurements.map((m) => [m.name, m]));

  // --- enums and custom types, resolved on first use so that order in the file does not matter
  const typesFile = misc('custom_types.yml');
  const typeEntries = new Map<string, Obj>();
  for (const t of list(typesFile, need(typesFile), 'types')) typeEntries.set(str(typesFile, t, 'name'), t);
  const eventsFile = misc('events.yml');
  const eventEntries = new Map<string, Obj>();
  if (existsSync(eventsFile)) for (const t of list(eventsFile, need(eventsFile), 'events')) eventEntries.set(str(eventsFile, t, 'name'), t);

  const enums: EnumDef[] = [];
  const customs: CustomDef[] = [];
  const resolvedShared = new Map<string, TypeRef>();
  const resolving = new Set<string>();

  const enumOf = (file: string, obj: Obj, ref: string, tsName: string): EnumDef => {
    const cases: EnumCase[] = [];
    const ids = new Map<number, number>();
    const names = new Set<string>();
    for (const c of list(file, obj, 'enum_values')) {
      const id = int(file, c, 'id');
      const name = str(file, c, 'name');
      if (names.has(name)) fail(file, c, 'name', `duplicate enum name ${name} in ${ref}`);
      names.add(name);
      if (ids.has(id)) fail(file, c, 'id', `enum id 0x${id.toString(16).padStart(2, '0')} used twice in ${ref} (also line ${ids.get(id)})`);
      ids.set(id, lineOf(c, 'id'));
      cases.push({ id, name, disabledInSetter: c.disabled_in_setter === true });
    }
    if (cases.length === 0) fail(file, obj, 'enum_values', `enum ${ref} has no values`);
    if (obj.size !== undefined && obj.size !== 1) fail(file, obj, 'size', `size ${String(obj.size)} contradicts type enum (1 byte)`);
    return { ref, tsName, cases, file: rel(file), line: lineOf(obj) };
  };

  const shared = (file: string, holder: Obj, ref: string): TypeRef | undefined => {
    const [ns, name] = ref.split('.', 2) as [string, string];
    const hit = resolvedShared.get(ref);
    if (hit) return hit;
    const entry = ns === 'types' ? typeEntries.get(name) : ns === 'events' ? eventEntries.get(name) : undefined;
    if (!entry) {
      fail(file, holder, 'type', `unknown type reference "${ref}"`);
      return undefined;
    }
    const entryFile = ns === 'types' ? typesFile : eventsFile;
    if (resolving.has(ref)) {
      fail(entryFile, entry, 'type', `type ${ref} contains itself`);
      return undefined;
    }
    resolving.add(ref);
    const tsName = pascal(typeof entry.name_cased === 'string' ? entry.name_cased : camelFromSnake(name));
    let t: TypeRef | undefined;
    const kind = entry.type;
    if (kind === 'enum') {
      const def = enumOf(entryFile, entry, ref, tsName);
      enums.push(def);
      t = { kind: 'enum', def };
    } else if (kind === 'custom') {
      const items: ItemDef[] = [];
      const seen = new Set<string>();
      for (const item of list(entryFile, entry, 'items')) {
        const itemName = str(entryFile, item, 'name');
        if (seen.has(itemName)) fail(entryFile, item, 'name', `duplicate item ${itemName} in ${ref}`);
        seen.add(itemName);
        const nameCased = typeof item.name_cased === 'string' ? item.name_cased : camelFromSnake(itemName);
        const type = typeOf(entryFile, item, `${ref}.${itemName}`, `${tsName}${pascal(nameCased)}`);
        if (type) items.push({ name: itemName, nameCased, type });
        if (type?.kind === 'capability_state') fail(entryFile, item, 'type', 'capability_state cannot be an item of a custom type');
      }
      const sizes = items.map((i) => fixedSize(i.type));
      const size = sizes.every((s) => s !== undefined) ? sizes.reduce<number>((a, b) => a + b!, 0) : undefined;
      if (entry.size !== undefined && entry.size !== size) {
        fail(entryFile, entry, 'size', `size ${String(entry.size)} contradicts the items of ${ref} (${size === undefined ? 'variable size' : `${size} bytes`})`);
      }
      const def: CustomDef = { ref, tsName, items, size, file: rel(entryFile), line: lineOf(entry) };
      customs.push(def);
      t = { kind: 'custom', def };
    } else if (name === 'capability_state' && kind === 'bytes') {
      t = { kind: 'capability_state' };
    } else if (typeof kind === 'string' && !kind.includes('.') && kind !== 'custom') {
      t = typeOf(entryFile, entry, ref, tsName);
    } else {
      fail(entryFile, entry, 'type', `unsupported type ${JSON.stringify(kind)} for ${ref}`);
    }
    resolving.delete(ref);
    if (t) resolvedShared.set(ref, t);
    return t;
  };

  /** Resolves the `type` (with `size`, `enum_values`) of a property, item or alias. */
  const typeOf = (file: string, obj: Obj, ref: string, tsName: string): TypeRef | undefined => {
    const type = obj.type;
    if (typeof type !== 'string') {
      fail(file, obj, 'type', 'missing type');
      return undefined;
    }
    const size = obj.size;
    const sizeMustBe = (n: number, what: string): void => {
      if (size !== undefined && size !== n) fail(file, obj, 'size', `size ${String(size)} contradicts type ${what} (${n} bytes)`);
    };
    switch (type) {
      case 'uinteger':
      case 'integer':
        if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 8) {
          fail(file, obj, 'size', `type ${type} needs a size of 1 to 8 bytes, got ${JSON.stringify(size)}`);
          return undefined;
        }
        return { kind: type, size };
      case 'float':
      case 'double':
      case 'timestamp':
        sizeMustBe(FIXED[type]!, type);
        return { kind: type };
      case 'string':
      case 'bytes':
        if (size !== undefined && (typeof size !== 'number' || !Number.isInteger(size) || size < 0)) fail(file, obj, 'size', 'expected a byte count');
        return { kind: type };
      case 'enum': {
        const def = enumOf(file, obj, ref, tsName);
        return { kind: 'enum', def };
      }
    }
    if (type.startsWith('unit.')) {
      const def = measurementByName.get(type.slice(5));
      if (!def) {
        fail(file, obj, 'type', `unknown type reference "${type}"`);
        return undefined;
      }
      sizeMustBe(10, type);
      return { kind: 'unit', def };
    }
    if (type.startsWith('types.') || type.startsWith('events.')) {
      const t = shared(file, obj, type);
      const n = t && fixedSize(t);
      if (t && size !== undefined && n !== undefined && size !== n) fail(file, obj, 'size', `size ${String(size)} contradicts type ${type} (${n} bytes)`);
      if (t && size !== undefined && n === undefined && t.kind !== 'string' && t.kind !== 'bytes') {
        fail(file, obj, 'size', `size ${String(size)} contradicts type ${type} (variable size)`);
      }
      return t;
    }
    fail(file, obj, 'type', `unknown type reference "${type}"`);
    return undefined;
  };

  const examplesOf = (file: string, obj: Obj): Example[] =>
    list(file, obj, 'examples').map((e) => {
      const hex = e.data_component;
      if (typeof hex !== 'string') fail(file, e, 'data_component', 'expected a hex string');
      return { hex: typeof hex === 'string' ? hex : '', value: 'values' in e ? e.values : e.value, file: rel(file), line: lineOf(e, 'data_component') };
    });

  const propertiesOf = (file: string, owner: Obj, key: string, ownerRef: string, ownerTs: string): PropertyDef[] => {
    const props: PropertyDef[] = [];
    const ids = new Map<number, number>();
    const names = new Set<string>();
    for (const p of list(file, owner, key)) {
      const id = int(file, p, 'id');
      const name = str(file, p, 'name');
      if (ids.has(id)) fail(file, p, 'id', `duplicate property id 0x${id.toString(16).padStart(2, '0')} (also at line ${ids.get(id)})`);
      ids.set(id, lineOf(p, 'id'));
      if (names.has(name)) fail(file, p, 'name', `duplicate property name ${name}`);
      names.add(name);
      const nameCased = typeof p.name_cased === 'string' ? p.name_cased : camelFromSnake(name);
      const type = typeOf(file, p, `${ownerRef}.${name}`, `${ownerTs}${pascal(nameCased)}`);
      if (!type) continue;
      props.push({
        id,
        name,
        nameCased,
        type,
        multiple: p.multiple === true,
        deprecated: p.deprecated !== undefined,
        examples: examplesOf(file, p),
        file: rel(file),
        line: lineOf(p, 'id'),
      });
    }
    return props;
  };

  // --- universal properties and components
  const universalFile = misc('universal_properties.yml');
  const universal = propertiesOf(universalFile, need(universalFile), 'universal_properties', 'universal', '');
  const componentsFile = misc('property_components.yml');
  const componentEntries = list(componentsFile, need(componentsFile), 'property_components');
  const componentType = (name: string): TypeRef => {
    const entry = componentEntries.find((c) => c.name === name);
    const t = entry && typeOf(componentsFile, entry, `component.${name}`, pascal(name));
    if (!t) {
      problems.push(`${shown(componentsFile)}:1: property_components: the ${name} component must have a type`);
      return { kind: 'bytes' };
    }
    return t;
  };
  const componentExamples = componentEntries.flatMap((c) => {
    const type = typeof c.name === 'string' && ['failure', 'availability'].includes(c.name) ? componentType(c.name) : undefined;
    return type ? examplesOf(componentsFile, c).map((example) => ({ name: c.name as string, type, example })) : [];
  });
  const components = { failure: componentType('failure'), availability: componentType('availability'), examples: componentExamples };

  // --- capabilities
  const capabilities: CapabilityDef[] = [];
  const capDir = join(dir, 'capabilities');
  const capIds = new Map<number, string>();
  const files = existsSync(capDir) ? readdirSync(capDir).filter((f) => f.endsWith('.yml')).sort() : [];
  if (files.length === 0) problems.push(`${shown(capDir)}: no capability files`);
  for (const f of files) {
    const file = join(capDir, f);
    let root: Obj;
    try {
      root = need(file);
    } catch (e) {
      if (e instanceof SpecError) {
        problems.push(...e.problems);
        continue;
      }
      throw e;
    }
    const name = str(file, root, 'name');
    const nameCased = typeof root.name_cased === 'string' ? root.name_cased : camelFromSnake(name);
    const identifier = isObj(root.identifier) ? root.identifier : undefined;
    if (!identifier) fail(file, root, 'identifier', 'expected {msb, lsb}');
    const id = identifier ? (int(file, identifier, 'msb') << 8) | int(file, identifier, 'lsb') : 0;
    if (capIds.has(id)) fail(file, root, 'identifier', `capability id 0x${id.toString(16)} is also used by ${capIds.get(id)}`);
    capIds.set(id, name);
    const tsName = pascal(nameCased);
    const properties = propertiesOf(file, root, 'properties', name, tsName);
    for (const p of properties) {
      if (universal.some((u) => u.id === p.id)) fail(file, root, 'properties', `property id 0x${p.id.toString(16)} of ${p.name} is a universal property id`);
    }
    const getters = isObj(root.getters)
      ? { name: typeof root.getters.name === 'string' ? root.getters.name : undefined, skipPropertiesGetter: root.getters.skip_properties_getter === true }
      : undefined;
    const ids = (v: unknown): number[] => (Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : []);
    const setters: SetterDef[] = list(file, root, 'setters').map((s) => ({
      name: str(file, s, 'name'),
      mandatory: ids(s.mandatory),
      optional: ids(s.optional),
      constants: (Array.isArray(s.constants) ? s.constants : []).filter(isObj).map((c) => ({ propertyId: c.property_id as number, value: ids(c.value) })),
      line: lineOf(s),
    }));
    const state = root.state === 'all' ? 'all' : Array.isArray(root.state) ? ids(root.state) : undefined;
    capabilities.push({ name, nameCased, tsName, id, file: rel(file), properties, getters, setters, state, stateLine: lineOf(root, 'state') });
  }

  const versionFile = misc('version.yml');
  const version = existsSync(versionFile) ? (need(versionFile).version as number) : 0x0d;

  const model: Model = { dir, version, measurements, customs, enums, universal, components, capabilities };
  // Examples must at least fit their type; whether they also match their value is the linter's business.
  const checkExample = (type: TypeRef, ex: Example): void => {
    try {
      interpret(model, type, ex.hex);
    } catch (e) {
      if (!(e instanceof InterpretError)) throw e;
      problems.push(`${shown(join(dir, ex.file))}:${ex.line}: data_component: example "${ex.hex}" does not fit ${describeType(type)}: ${e.message}`);
    }
  };
  if (problems.length === 0) {
    for (const p of [...universal, ...capabilities.flatMap((c) => c.properties)]) for (const ex of p.examples) checkExample(p.type, ex);
    for (const c of components.examples) checkExample(c.type, c.example);
  }
  if (problems.length > 0) throw new SpecError(problems);
  return model;
}
