/**
 * Emitters: turn the resolved model into TypeScript modules.
 *   unit-types.ts           one codec per measurement type
 *   custom-types.ts         shared custom types and enums (types.*, events.*)
 *   universal-properties.ts universal properties, the Property<T> shape, the failure/availability types
 *   <capability>.ts         one per capability: its enums, typed state, property table and typed API
 *   capability-state.ts     nested messages (types.capability_state), decoded through the registry
 *   capability-registry.ts  every capability of the spec
 *   index.ts                decode/encode/toJSON/fromJSON bound to the registry, and every export above
 */
import { SpecError } from './load.js';
import { format, GeneratedFile, type Symbol } from './print.js';
import { fixedSize, type CapabilityDef, type CustomDef, type EnumDef, type MeasurementDef, type Model, type PropertyDef, type TypeRef } from './model.js';

export interface EmitOptions {
  /** Module specifier generated code imports the runtime from. */
  runtime: string;
}

type Home = string; // module name without extension

// Shared modules have hyphenated names, which no (snake_case) capability module can take.
const UNITS = 'unit-types';
const TYPES = 'custom-types';
const UNIVERSAL = 'universal-properties';
const CAPABILITY_STATE = 'capability-state';
const REGISTRY = 'capability-registry';

/** SPEC.md "availability": Fundamental capabilities have no availability getters. */
const FUNDAMENTAL = new Set(['vehicle_information']);

const hex = (n: number, width = 2): string => `0x${n.toString(16).padStart(width, '0')}`;
const q = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const ident = (s: string): string => (/^[A-Za-z_$][\w$]*$/.test(s) ? s : q(s));

/** `LengthUnit`: the names of the units of a measurement. */
const unitNames = (m: MeasurementDef): string => `${m.tsName.replace(/^Measured/, '')}Unit`;

/** Returns generated files by name (relative to the output folder). */
export function emit(model: Model, options: EmitOptions): Map<string, string> {
  const rt = (name: string, typeOnly = false): Symbol => ({ name, from: options.runtime, typeOnly });
  const home = new Map<object, Home>();
  const exported = new Map<string, Home>();
  const clashes: string[] = [];
  const claim = (name: string, module: Home): void => {
    const other = exported.get(name);
    if (other !== undefined && other !== module) clashes.push(`the name ${name} would be generated in both ${other}.ts and ${module}.ts`);
    exported.set(name, module);
  };
  const capModule = (c: CapabilityDef): Home => c.name;

  // Decide where every named type lives.
  for (const m of model.measurements) {
    home.set(m, UNITS);
    claim(m.tsName, UNITS);
    claim(unitNames(m), UNITS);
  }
  const itemEnums: EnumDef[] = [];
  for (const e of model.enums) {
    home.set(e, TYPES);
    claim(e.tsName, TYPES);
  }
  for (const c of model.customs) {
    home.set(c, TYPES);
    claim(c.tsName, TYPES);
    for (const item of c.items) {
      if (item.type.kind === 'enum' && !home.has(item.type.def)) {
        home.set(item.type.def, TYPES);
        claim(item.type.def.tsName, TYPES);
        itemEnums.push(item.type.def);
      }
    }
  }
  const ownEnums = (props: PropertyDef[], module: Home): EnumDef[] => {
    const out: EnumDef[] = [];
    for (const p of props) {
      if (p.type.kind === 'enum' && !home.has(p.type.def)) {
        home.set(p.type.def, module);
        claim(p.type.def.tsName, module);
        out.push(p.type.def);
      }
    }
    return out;
  };
  const universalEnums = ownEnums(model.universal, UNIVERSAL);
  for (const name of ['Property', 'UniversalState', 'universalProperties']) claim(name, UNIVERSAL);
  const capEnums = new Map<CapabilityDef, EnumDef[]>();
  for (const c of model.capabilities) {
    capEnums.set(c, ownEnums(c.properties, capModule(c)));
    for (const name of [c.tsName, `${c.tsName}Message`, `${c.tsName}Capability`, `${c.tsName}Commands`, `${c.tsName}StateKey`]) claim(name, capModule(c));
  }

  if (clashes.length > 0) throw new SpecError(clashes);
  const symbolOf = (def: object & { tsName: string }, from: Home, typeOnly = false): Symbol => ({ name: def.tsName, from: `./${from}.js`, typeOnly });
  /** Names `def` from module `at`, importing it when it lives elsewhere. */
  const ref = (f: GeneratedFile, at: Home, def: EnumDef | CustomDef | MeasurementDef, typeOnly = false): string => {
    const where = home.get(def)!;
    return where === at ? def.tsName : f.use(symbolOf(def, where, typeOnly));
  };

  /** The expression of the codec of `t`, as seen from module `at`. */
  const codec = (f: GeneratedFile, at: Home, t: TypeRef): string => {
    switch (t.kind) {
      case 'uinteger':
      case 'integer': {
        const name = `${t.kind === 'uinteger' ? 'UInteger' : 'Integer'}${t.size}`;
        intCodecs.get(f)!.set(name, `/*@__PURE__*/ ${f.use(rt(t.kind))}(${t.size})`);
        return name;
      }
      case 'float':
      case 'double':
      case 'timestamp':
      case 'string':
      case 'bytes':
        return f.use(rt(t.kind));
      case 'capability_state':
        return f.use({ name: 'CapabilityState', from: `./${CAPABILITY_STATE}.js` });
      default:
        return ref(f, at, t.def);
    }
  };
  const intCodecs = new Map<GeneratedFile, Map<string, string>>();

  /** The TypeScript type of a value of `t`. */
  const tsType = (f: GeneratedFile, at: Home, t: TypeRef): string => {
    switch (t.kind) {
      case 'uinteger':
      case 'integer':
        return t.size > 6 ? 'bigint' : 'number';
      case 'float':
      case 'double':
        return 'number';
      case 'timestamp':
        return f.use(rt('Timestamp', true));
      case 'string':
        return 'string';
      case 'bytes':
        return 'Uint8Array';
      case 'capability_state':
        return f.use(rt('Message', true));
      default:
        return ref(f, at, t.def, true);
    }
  };

  const header = (source: string) =>
    `// @generated by auto-api-codec from ${source}. DO NOT EDIT.\n// Regenerate with: auto-api gen --spec <dir> --out <dir>`;
  const newFile = (name: Home, source: string): GeneratedFile => {
    const f = new GeneratedFile(`${name}.ts`, header(source));
    intCodecs.set(f, new Map());
    return f;
  };
  const finish = (f: GeneratedFile): string => {
    const ints = intCodecs.get(f)!;
    for (const [name, expr] of [...ints.entries()].sort()) f.printTop(`const ${name} = ${expr};`);
    return format(f.path, f.toString());
  };

  const printEnum = (f: GeneratedFile, e: EnumDef): void => {
    const disabled = e.cases.filter((c) => c.disabledInSetter).map((c) => q(c.name));
    const values = e.cases.map((c) => `${ident(c.name)}: ${hex(c.id)}`).join(', ');
    // The id of a name: compares in a function of this enum's own (see defineEnum).
    const idOf = e.cases.map((c) => `v === ${q(c.name)} ? ${hex(c.id)} : `).join('');
    f.print(
      '',
      `/** ${e.ref} (${e.file}:${e.line}) */`,
      `export const ${e.tsName} = /*@__PURE__*/ ${f.use(rt('defineEnum'))}(${q(e.ref)}, { ${values} } as const, [${disabled.join(', ')}], (v) => (${idOf}-1));`,
      `export type ${e.tsName} = keyof typeof ${e.tsName}.values;`,
    );
  };

  /** `.name`, or `["name"]` where the name is not an identifier. */
  const member = (name: string): string => (/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${q(name)}]`);

  const printCustom = (f: GeneratedFile, c: CustomDef): void => {
    const at: Home = TYPES;
    f.print('', `/** ${c.ref} (${c.file}:${c.line}) */`, `export interface ${c.tsName} {`);
    for (const item of c.items) f.print(`  ${ident(item.nameCased)}: ${tsType(f, at, item.type)};`);
    f.print('}');
    const items = c.items.map((item) => ({ ...item, codec: codec(f, at, item.type), fixed: fixedSize(item.type) }));
    const checkObject = f.use(rt('checkObject'));
    const present = f.use(rt('present'));
    // One step per item inside one try per value; a variable names the item at hand, for any error's path.
    const guarded = (steps: string[][], after: string[]): string[] => {
      if (items.length === 0) return after;
      const body = steps.flatMap((step, n) => (n === 0 ? step : [`item = ${q(items[n]!.name)};`, ...step]));
      return [`let item = ${q(items[0]!.name)};`, 'try {', ...body, ...after, '} catch (e) {', `${f.use(rt('rethrowWithin'))}(e, item);`, '}'];
    };
    const writes = items.map((i, n) => {
      const value = `${present}(v.${i.nameCased}, ${q(i.name)})`;
      if (i.fixed !== undefined) return [`${i.codec}.write(w, ${value});`];
      return [`const at${n} = w.reserve16();`, `${i.codec}.write(w, ${value});`, `w.patch16(at${n}, ${q(i.name)});`];
    });
    const toJson = items.map((i) => `${ident(i.name)}: ${i.codec}.toJSON(v.${i.nameCased})`).join(', ');
    const reads = items.map((i, n) => [`const v${n} = ${i.codec}.fromJSON(o${member(i.name)});`]);
    const built = items.map((i, n) => `${ident(i.nameCased)}: v${n}`).join(', ');
    const keysConst = `${c.tsName}JsonKeys`;
    f.printTop(`const ${keysConst} = [${items.map((i) => q(i.name)).join(', ')}];`);
    const common = [
      `  write(w, v) {`,
      `    ${checkObject}(v, ${q(c.ref)});`,
      ...guarded(writes, []),
      `  },`,
      `  toJSON: (v) => ({ ${toJson} }),`,
      `  fromJSON(j) {`,
      `    const o = ${f.use(rt('customJson'))}(j, ${q(c.ref)}, ${keysConst});`,
      ...guarded(reads, [`return { ${built} };`]),
      `  },`,
      `};`,
    ];
    if (c.size !== undefined) {
      let offset = 0;
      const reads = items.map((i) => {
        const expr = `${ident(i.nameCased)}: ${i.codec}.at(r, p${offset ? ` + ${offset}` : ''})`;
        offset += i.fixed!;
        return expr;
      });
      f.print(
        `export const ${c.tsName}: ${f.use(rt('FixedCodec', true))}<${c.tsName}> = {`,
        `  size: ${c.size},`,
        `  at: (r, p) => ({ ${reads.join(', ')} }),`,
        `  read: (r, end) => ${c.tsName}.at(r, r.takeSome(${c.size}, end, ${q(`a ${c.ref}`)})),`,
        ...common,
      );
    } else {
      const readPrefixed = f.use(rt('readPrefixed'));
      const readItem = f.use(rt('readItem'));
      const reads = items.map((i) =>
        i.fixed === undefined ? `${ident(i.nameCased)}: ${readPrefixed}(r, end, ${i.codec}, ${q(i.name)})` : `${ident(i.nameCased)}: ${readItem}(r, end, ${i.codec})`,
      );
      f.print(
        `export const ${c.tsName}: ${f.use(rt('ValueCodec', true))}<${c.tsName}> = {`,
        `  size: -1,`,
        `  read: (r, end) => ({ ${reads.join(', ')} }),`,
        ...common,
      );
    }
  };

  /** A function returning the property table: it names other modules' codecs, so it must not run at load. */
  const printPropertyTable = (f: GeneratedFile, at: Home, name: string, props: PropertyDef[], extra = ''): void => {
    f.print('', `function ${name}(): ${f.use(rt('PropertyCodec', true))}[] {`, '  return [');
    for (const p of props) {
      f.print(`    { id: ${hex(p.id)}, name: ${q(p.name)}, key: ${q(p.nameCased)}, multiple: ${p.multiple}, value: ${codec(f, at, p.type)} },`);
    }
    if (extra) f.print(`    ${extra}`);
    f.print('  ];', '}');
  };

  /** A switch that stores a decoded property with one plain assignment per id; `otherwise` handles the rest. */
  const printStore = (f: GeneratedFile, signature: string, props: PropertyDef[], otherwise: string): void => {
    f.print('', `/** Stores a decoded property: one plain assignment per id. */`, `${signature} {`, '  switch (id) {');
    for (const p of props) {
      const key = `s.${p.nameCased}`;
      f.print(`    case ${hex(p.id)}:`);
      if (p.multiple) f.print(`      (${key} ??= []).push(p);`, '      return true;');
      else f.print(`      if (${key} !== undefined) return false;`, `      ${key} = p;`, '      return true;');
    }
    f.print('  }', `  return ${otherwise};`, '}');
  };

  /**
   * The cases of a generated reader for properties of the usual shape (data `d` to `e`, timestamp `t`): each
   * names its codec, so that every call site sees one codec. `fail` gives the state up; `done` ends a case.
   */
  const printUsualReads = (f: GeneratedFile, at: Home, props: PropertyDef[], fail: string, done: string): void => {
    const usual = f.use(rt('usual'));
    for (const p of props) {
      const key = `s.${p.nameCased}`;
      const size = fixedSize(p.type);
      const c = codec(f, at, p.type);
      f.print(`    case ${hex(p.id)}: {`);
      let value: string;
      if (size !== undefined) {
        f.print(`      if (e - d !== ${size}${p.multiple ? '' : ` || ${key} !== undefined`}) ${fail};`);
        value = `${c}.at(r, d)`;
      } else {
        if (!p.multiple) f.print(`      if (${key} !== undefined) ${fail};`);
        f.print('      r.pos = d;', `      const v = ${c}.read(r, e);`, `      if (r.pos !== e || r.unrepresentable) ${fail};`);
        value = 'v';
      }
      if (p.multiple) f.print(`      (${key} ??= []).push(${usual}(${value}, t));`);
      else f.print(`      ${key} = ${usual}(${value}, t);`);
      f.print(`      ${done};`, '    }');
    }
  };

  /** The name of the generic `Property<T>` type in a module: declared in the universal one, imported elsewhere. */
  const propertyType = (f: GeneratedFile, at: Home): string =>
    at === UNIVERSAL ? 'Property' : f.use({ name: 'Property', from: `./${UNIVERSAL}.js`, typeOnly: true });

  /** The cases of a generated JSON body: usual properties name their codec; others take the general path. */
  const printUsualJson = (f: GeneratedFile, at: Home, props: PropertyDef[]): void => {
    const isUsual = f.use(rt('isUsual'));
    const usualJson = f.use(rt('usualJson'));
    const general = f.use(rt('propertyToJson'));
    const property = propertyType(f, at);
    const json = f.use(rt('Json', true));
    for (const p of props) {
      const type = `${property}<${tsType(f, at, p.type)}>`;
      const one = (x: string): string => `${isUsual}(${x}) ? ${usualJson}(${codec(f, at, p.type)}.toJSON(${x}.data as ${tsType(f, at, p.type)}) as ${json}, ${x}.timestamp) : ${general}(registry, c, ${x})`;
      f.print(`    case ${hex(p.id)}: {`);
      if (p.multiple) {
        f.print(
          `      const items = v as ${type}[];`,
          `      const out: ${json}[] = new Array(items.length);`,
          '      for (let j = 0; j < items.length; j++) {',
          '        const p = items[j]!;',
          `        out[j] = ${one('p')};`,
          '      }',
          `      b${member(p.name)} = out;`,
        );
      } else {
        f.print(`      const p = v as ${type};`, `      b${member(p.name)} = ${one('p')};`);
      }
      f.print('      break;', '    }');
    }
  };

  /**
   * The cases of a generated switch on a JSON key (stateFromJson, universalFromJson): a property of the usual
   * shape names its codec and ends in `done`; anything else leaves the switch (`break`) for the general path.
   */
  const printUsualFromJson = (f: GeneratedFile, at: Home, props: PropertyDef[], done: string): void => {
    const usual = f.use(rt('usual'));
    const usualShape = f.use(rt('usualShape'));
    const timestamp = f.use(rt('timestampFromJson'));
    const propertyJson = f.use(rt('PropertyJson', true));
    const property = propertyType(f, at);
    for (const p of props) {
      // The property of JSON `x` whose usualShape is `shape`.
      const value = (x: string, shape: string): string =>
        `${usual}(${codec(f, at, p.type)}.fromJSON(${x}.data), ${shape} === 2 ? ${timestamp}(${x}.timestamp) : undefined)`;
      const key = `s.${p.nameCased}`;
      f.print(`        case ${q(p.name)}: {`);
      if (p.multiple) {
        f.print(
          '          if (!Array.isArray(j)) break;',
          `          const items: ${propertyJson}[] = j;`,
          `          const out: ${property}<${tsType(f, at, p.type)}>[] = new Array(items.length);`,
          '          let i = 0;',
          '          for (; i < items.length; i++) {',
          '            const x = items[i]!;',
          `            const m = ${usualShape}(x);`,
          '            if (m === 0) break;',
          `            out[i] = ${value('x', 'm')};`,
          '          }',
          '          if (i < items.length) break;',
          `          ${key} = out;`,
          `          for (i = 0; i < items.length; i++) order.push(${hex(p.id)});`,
        );
      } else {
        f.print(
          '          if (n === 0) break;',
          `          ${key} = ${value('j', 'n')};`,
          `          order.push(${hex(p.id)});`,
        );
      }
      f.print(`          ${done};`, '        }');
    }
  };

  const printStateFields = (f: GeneratedFile, at: Home, props: PropertyDef[]): void => {
    const property = propertyType(f, at);
    for (const p of props) {
      const doc = `${hex(p.id)} ${p.name}${p.multiple ? ', multiple' : ''}`;
      f.print(`  /** ${p.deprecated ? '@deprecated ' : ''}${doc} */`);
      f.print(`  ${ident(p.nameCased)}?: ${property}<${tsType(f, at, p.type)}>${p.multiple ? '[]' : ''};`);
    }
  };

  /** Getters, availability getters and setters (SPEC.md): an interface, the setters' specs and their builders. */
  const printCommands = (f: GeneratedFile, c: CapabilityDef, at: Home): void => {
    const stateProps = c.state === 'all' ? c.properties : c.state ? c.properties.filter((p) => (c.state as number[]).includes(p.id)) : [];
    const stateKey = `${c.tsName}StateKey`;
    f.print('', `/** Properties a getter can ask for: the capability's state. */`);
    f.print(`export type ${stateKey} = ${stateProps.length ? stateProps.map((p) => q(p.nameCased)).join(' | ') : 'never'};`);
    f.print(`const STATE_KEYS: readonly ${stateKey}[] = [${stateProps.map((p) => q(p.nameCased)).join(', ')}];`);
    const signatures: string[] = [];
    const bodies: string[] = [];
    const taken = new Set(['id', 'name', 'codec', 'decode', 'encode']);
    const method = (snake: string): string => {
      const name = snake.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
      if (taken.has(name)) throw new SpecError([`${c.file}: the command ${snake} of ${c.name} clashes with another member (${name})`]);
      taken.add(name);
      return name;
    };
    if (c.getters) {
      const base = c.getters.name ?? `get_${c.name}_state`;
      const props = c.getters.name ? `${c.getters.name}_properties` : `get_${c.name}_properties`;
      const withProperties = !c.getters.skipPropertiesGetter && stateProps.length > 1;
      const kinds: Array<['get' | 'availability', string]> = [['get', '']];
      if (!FUNDAMENTAL.has(c.name)) kinds.push(['availability', '_availability']);
      for (const [type, suffix] of kinds) {
        const what = type === 'get' ? 'Requests' : 'Requests the availability of';
        const typeByte = type === 'get' ? '00' : '02';
        const one = method(base + suffix);
        signatures.push(`  /** ${what} every state property: 0d ${hex(c.id, 4).slice(2)} ${typeByte}. */`, `  ${one}(): Uint8Array;`);
        bodies.push(`  ${one}: () => c.request(${q(type)}),`);
        if (withProperties) {
          const some = method(props + suffix);
          signatures.push(`  /** ${what} the named state properties: 0d ${hex(c.id, 4).slice(2)} ${typeByte} + their ids. */`, `  ${some}(...properties: ${stateKey}[]): Uint8Array;`);
          bodies.push(`  ${some}: (...properties) => c.request(${q(type)}, properties),`);
        }
      }
    }
    const setterSpecs: string[] = [];
    for (const setter of c.setters) {
      const name = method(setter.name);
      const specName = `${setter.name.toUpperCase()}_SETTER`;
      const byId = (id: number) => c.properties.find((p) => p.id === id);
      const field = (id: number, required: boolean): string => {
        const p = byId(id);
        if (!p) throw new SpecError([`${c.file}:${setter.line}: setters: ${setter.name} names 0x${id.toString(16)}, which is not a property of ${c.name}`]);
        let type = tsType(f, at, p.type);
        const cases = p.type.kind === 'enum' ? p.type.def.cases : [];
        const allowed = cases.filter((k) => !k.disabledInSetter).map((k) => q(k.name));
        const disabled = cases.filter((k) => k.disabledInSetter).map((k) => q(k.name));
        // disabled_in_setter values are left out of the input type (and refused at run time).
        if (disabled.length) type = allowed.length < disabled.length ? allowed.join(' | ') : `Exclude<${type}, ${disabled.join(' | ')}>`;
        return `${ident(p.nameCased)}${required ? '' : '?'}: ${p.multiple ? `${type}[]` : type}`;
      };
      const fields = [...setter.mandatory.map((id) => field(id, true)), ...setter.optional.map((id) => field(id, false))];
      const onlyOptional = setter.mandatory.length === 0 && setter.constants.length === 0 && setter.optional.length > 0;
      let input = fields.length ? `{ ${fields.join('; ')} }` : '';
      if (onlyOptional) input = `${f.use(rt('AtLeastOne', true))}<${input}>`;
      const keys = (ids: number[]) => `[${ids.map((id) => q(byId(id)!.nameCased)).join(', ')}]`;
      const constants = setter.constants.map((k) => `[${hex(k.propertyId)}, [${k.value.map((b) => hex(b)).join(', ')}]]`);
      setterSpecs.push(
        `const ${specName}: ${f.use(rt('SetterSpec', true))} = { name: ${q(setter.name)}, mandatory: ${keys(setter.mandatory)}, optional: ${keys(setter.optional)}, constants: [${constants.join(', ')}] };`,
      );
      signatures.push(`  /** Setter ${setter.name}${setter.constants.length ? ' (sends constants too)' : ''}. */`, `  ${name}(${input ? `input: ${input}` : ''}): Uint8Array;`);
      // A setter without inputs still refuses inputs from untyped callers.
      bodies.push(input ? `  ${name}: (input) => c.set(${specName}, input),` : `  ${name}: (...input: unknown[]) => c.set(${specName}, input[0] ?? {}),`);
    }
    f.print('', `/** Getters and setters of ${c.name}, as message bytes. */`, `export interface ${c.tsName}Commands {`, ...signatures, '}');
    if (setterSpecs.length) f.print('', ...setterSpecs);
    f.print('', `const commands = (c: ${f.use(rt('CommandBuilder', true))}): ${c.tsName}Commands => ({`, ...bodies, '});');
  };

  const files = new Map<string, string>();

  // unit-types.ts
  {
    const f = newFile(UNITS, 'misc/unit_types.yml');
    for (const m of model.measurements) {
      const units = m.units
        .map((u) => {
          const parts = [`id: ${hex(u.id)}`];
          if (u.linear !== undefined) parts.push(`linear: ${u.linear}`);
          if (u.constant !== undefined) parts.push(`constant: ${u.constant}`);
          if (u.inverse !== undefined) parts.push(`inverse: ${u.inverse}`);
          return `  ${ident(u.name)}: { ${parts.join(', ')} },`;
        })
        .join('\n');
      f.print(
        '',
        `/** unit.${m.name} */`,
        `export const ${m.tsName} = /*@__PURE__*/ ${f.use(rt('defineMeasurement'))}(${q(m.name)}, ${hex(m.id)}, {`,
        units,
        `});`,
        `export type ${unitNames(m)} = keyof typeof ${m.tsName}.units;`,
        `export type ${m.tsName} = ${f.use(rt('Measured', true))}<${unitNames(m)}>;`,
      );
    }
    const measured = model.measurements.map((m) => m.tsName);
    f.print(
      '',
      '/** For each unit name, the names of all units of its measurement. */',
      'export interface UnitsLike {',
      ...model.measurements.flatMap((m) => m.units.map((u) => `  ${ident(u.name)}: ${unitNames(m)};`)),
      '}',
      '',
      // Built on first use, so that bundles which never convert do not keep every measurement.
      `let byUnit: Map<string, ${f.use(rt('MeasurementCodec', true))}<string>> | undefined;`,
      '',
      `/** Converts a value to another unit of the same measurement, e.g. convertUnit({ value: 35, unit: 'kilowatts' }, 'watts'). */`,
      `export function convertUnit<U extends keyof UnitsLike>(measured: ${f.use(rt('Measured', true))}<U>, to: UnitsLike[U]): ${f.use(rt('Measured', true))}<UnitsLike[U]> {`,
      `  byUnit ??= new Map<string, MeasurementCodec<string>>([${measured.map((m) => `...Object.keys(${m}.units).map((u) => [u, ${m} as MeasurementCodec<string>] as const)`).join(', ')}]);`,
      `  const measurement = byUnit.get(measured.unit);`,
      `  if (!measurement) throw new ${f.use(rt('AutoApiError'))}('UNKNOWN_NAME', -1, \`\${String(measured.unit)} is not a unit\`);`,
      `  return ${f.use(rt('convertMeasured'))}(measurement, measured, to) as ${f.use(rt('Measured', true))}<UnitsLike[U]>;`,
      '}',
    );
    claim('UnitsLike', UNITS);
    claim('convertUnit', UNITS);
    files.set(`${UNITS}.ts`, finish(f));
  }

  // custom-types.ts
  {
    const f = newFile(TYPES, 'misc/custom_types.yml');
    for (const e of [...model.enums, ...itemEnums]) printEnum(f, e);
    for (const c of model.customs) printCustom(f, c);
    files.set(`${TYPES}.ts`, finish(f));
  }

  // universal-properties.ts
  {
    const f = newFile(UNIVERSAL, 'misc/universal_properties.yml and misc/property_components.yml');
    for (const e of universalEnums) printEnum(f, e);
    const { failure, availability } = model.components;
    const failureType = tsType(f, UNIVERSAL, failure);
    const availabilityType = tsType(f, UNIVERSAL, availability);
    const unknown = f.use(rt('Unknown', true));
    f.print(
      '',
      '/** One occurrence of a property: each component is optional; what this spec level cannot hold stays Unknown. */',
      `export type Property<T> = ${f.use(rt('PropertyOf', true))}<T | ${unknown}, ${failureType} | ${unknown}, ${availabilityType} | ${unknown}>;`,
      '',
      '/** Properties that can appear in every capability. */',
      'export interface UniversalState {',
    );
    printStateFields(f, UNIVERSAL, model.universal);
    f.print('}');
    printPropertyTable(f, UNIVERSAL, 'universal', model.universal);
    f.print(
      '',
      '// Function declarations, not consts: other modules may call them before this one has run (import cycles).',
      '',
      '/** The universal properties, built on call (they name codecs of other modules). */',
      `export function universalProperties(): ${f.use(rt('PropertyCodec', true))}[] {`,
      '  return universal();',
      '}',
      '',
      '/** The codecs of the failure and availability components. */',
      `export function propertyComponents(): [${f.use(rt('ValueCodec', true))}<unknown>, ${f.use(rt('ValueCodec', true))}<unknown>] {`,
      `  return [${codec(f, UNIVERSAL, failure)}, ${codec(f, UNIVERSAL, availability)}];`,
      '}',
    );
    printStore(f, 'export function storeUniversal(s: UniversalState, id: number, p: Property<never>): boolean', model.universal, 'false');
    const json = f.use(rt('Json', true));
    const reader = f.use(rt('Reader', true));
    f.print(
      '',
      '/** readState (in each capability module) for the universal properties: false gives the state up. */',
      `export function readUniversal(r: ${reader}, s: UniversalState, id: number, d: number, e: number, t: ${f.use(rt('Timestamp', true))} | undefined): boolean {`,
      '  switch (id) {',
    );
    printUsualReads(f, UNIVERSAL, model.universal, 'return false', 'return true');
    f.print('  }', '  return false;', '}');
    f.print(
      '',
      '/** stateToJson (in each capability module) for the universal properties, and for any other the general path. */',
      `export function universalToJson(registry: ${f.use(rt('Registry', true))}, b: Record<string, ${json}>, c: ${f.use(rt('PropertyCodec', true))}, v: unknown): void {`,
      '  switch (c.id) {',
    );
    printUsualJson(f, UNIVERSAL, model.universal);
    f.print('    default:', `      ${f.use(rt('propertyEntryJson'))}(registry, b, c, v);`, '  }', '}');
    f.print(
      '',
      '/** stateFromJson (in each capability module) for the universal properties: false leaves the key to the general path. */',
      `export function universalFromJson(s: UniversalState, key: string, j: ${f.use(rt('PropertyJson', true))}, n: number, order: number[]): boolean {`,
      '  switch (key) {',
    );
    printUsualFromJson(f, UNIVERSAL, model.universal, 'return true');
    f.print('  }', '  return false;', '}');
    claim('universalFromJson', UNIVERSAL);
    claim('readUniversal', UNIVERSAL);
    claim('universalToJson', UNIVERSAL);
    claim('propertyComponents', UNIVERSAL);
    claim('storeUniversal', UNIVERSAL);
    files.set(`${UNIVERSAL}.ts`, finish(f));
  }

  // one module per capability
  for (const c of model.capabilities) {
    const at = capModule(c);
    const f = newFile(at, c.file);
    for (const e of capEnums.get(c)!) printEnum(f, e);
    f.print('', `/** The properties of ${c.name} (${hex(c.id, 4)}). */`, `export interface ${c.tsName} extends ${f.use({ name: 'UniversalState', from: `./${UNIVERSAL}.js`, typeOnly: true })} {`);
    printStateFields(f, at, c.properties);
    f.print('}');
    const universal = f.use({ name: 'universalProperties', from: `./${UNIVERSAL}.js` });
    printPropertyTable(f, at, 'properties', c.properties, `...${universal}(),`);
    const property = f.use({ name: 'Property', from: `./${UNIVERSAL}.js`, typeOnly: true });
    const storeUniversal = f.use({ name: 'storeUniversal', from: `./${UNIVERSAL}.js` });
    printStore(f, `function store(s: ${c.tsName}, id: number, p: ${property}<never>): boolean`, c.properties, `${storeUniversal}(s, id, p)`);
    const json = f.use(rt('Json', true));
    f.print(
      '',
      '/**',
      ' * Reads a state whose properties are all of the usual shape (data, maybe a timestamp) straight into its',
      ' * fields; undefined for anything else, which the general reader then reads and reports.',
      ' */',
      `function readState(r: ${f.use(rt('Reader', true))}, start: number, end: number, order: number[]): ${c.tsName} | undefined {`,
      `  const s: ${c.tsName} = {};`,
      '  let p = start;',
      '  while (p < end) {',
      `    const d = ${f.use(rt('usualData'))}(r, p, end);`,
      '    if (d < 0) return undefined;',
      '    const e = r.dataEnd;',
      '    const t = r.stamp;',
      '    const next = r.next;',
      '    const id = r.bytes[p]!;',
      '    switch (id) {',
    );
    printUsualReads(f, at, c.properties, 'return undefined', 'break');
    f.print(
      '      default:',
      `        if (!${f.use({ name: 'readUniversal', from: `./${UNIVERSAL}.js` })}(r, s, id, d, e, t)) return undefined;`,
      '    }',
      '    order.push(id);',
      '    p = next;',
      '  }',
      '  return s;',
      '}',
    );
    f.print(
      '',
      '/** The JSON body of a state, key by key, each property under its name; undefined once a key is out of wire order. */',
      `function stateToJson(registry: ${f.use(rt('Registry', true))}, tables: ${f.use(rt('CapabilityTables', true))}, state: object, order: readonly number[]): Record<string, ${json}> | undefined {`,
      `  const b: Record<string, ${json}> = {};`,
      '  let p = 0;',
      '  for (const key in state) {',
      '    const v = (state as Record<string, unknown>)[key];',
      '    if (v === undefined) continue;',
      `    const c = ${f.use(rt('nextInOrder'))}(tables, order, p, key, v);`,
      '    if (c === null) return undefined;',
      '    if (c === undefined) continue;',
      '    p += c.multiple ? (v as unknown[]).length : 1;',
      '    switch (c.id) {',
    );
    printUsualJson(f, at, c.properties);
    f.print('      default:', `        ${f.use({ name: 'universalToJson', from: `./${UNIVERSAL}.js` })}(registry, b, c, v);`, '    }', '  }', '  return b;', '}');
    f.print(
      '',
      '/**',
      ' * A state from its JSON body: properties of the usual shape (data, maybe a timestamp) with each codec named;',
      ' * every other key, and anything a codec refuses, by the general path, which reports errors with their paths.',
      ' */',
      `function stateFromJson(registry: ${f.use(rt('Registry', true))}, cap: ${f.use(rt('CapabilityCodec', true))}, body: Record<string, unknown>, into: ${f.use(rt('StateInProgress', true))}): void {`,
      `  const s = into.state as ${c.tsName};`,
      '  const order = into.wireOrder;',
      '  for (const key in body) {',
      `    const j = body[key] as ${f.use(rt('PropertyJson', true))};`,
      `    const n = ${f.use(rt('usualShape'))}(j);`,
      '    try {',
      '      switch (key) {',
    );
    printUsualFromJson(f, at, c.properties, 'continue');
    f.print(
      '        default:',
      `          if (${f.use({ name: 'universalFromJson', from: `./${UNIVERSAL}.js` })}(s, key, j, n, order)) continue;`,
      '      }',
      '    } catch {',
      '      // The general path meets the same error and reports it; the rest of this message goes that way too.',
      `      ${f.use(rt('usualGaveUp'))}();`,
      '    }',
      `    ${f.use(rt('propertyFromJsonKey'))}(registry, cap, into, key, j);`,
      '  }',
      '}',
    );
    const components = f.use({ name: 'propertyComponents', from: `./${UNIVERSAL}.js` });
    f.print(
      '',
      `export const ${c.tsName}Capability = /*@__PURE__*/ ${f.use(rt('defineCapability'))}(${hex(c.id, 4)}, ${q(c.name)}, properties, store, { read: readState, json: stateToJson, fromJson: stateFromJson });`,
    );
    f.print('', `export type ${c.tsName}Message = ${f.use(rt('TypedStateMessage', true))}<${q(c.name)}, ${c.tsName}> | ${f.use(rt('TypedRequestMessage', true))}<${q(c.name)}>;`);
    printCommands(f, c, at);
    f.print(
      '',
      `/** Decode, encode and build commands for ${c.name} on its own; nested states still decode through the full registry. */`,
      `export const ${c.tsName} = /*@__PURE__*/ ${f.use(rt('defineCapabilityApi'))}<${q(c.name)}, ${c.tsName}, ${c.tsName}Commands>(${c.tsName}Capability, ${components}, STATE_KEYS, commands);`,
    );
    files.set(`${at}.ts`, finish(f));
  }

  // capability-state.ts
  {
    const f = newFile(CAPABILITY_STATE, 'misc/custom_types.yml (capability_state)');
    f.print(
      '',
      '/** types.capability_state: a complete nested message, decoded with every capability of the spec. */',
      `export const CapabilityState = /*@__PURE__*/ ${f.use(rt('capabilityState'))}(() => ${f.use({ name: 'registry', from: `./${REGISTRY}.js` })});`,
    );
    files.set(`${CAPABILITY_STATE}.ts`, finish(f));
  }

  // capability-registry.ts
  {
    const f = newFile(REGISTRY, 'capabilities/*.yml');
    const caps = model.capabilities.map((c) => f.use({ name: `${c.tsName}Capability`, from: `./${capModule(c)}.js` }));
    f.print(
      '',
      '// Lazy: capability modules import this one back (through nested states), so it must not touch them at load.',
      `export const registry = /*@__PURE__*/ ${f.use(rt('lazyRegistry'))}(() => [[${caps.join(', ')}], ...${f.use({ name: 'propertyComponents', from: `./${UNIVERSAL}.js` })}()]);`,
    );
    files.set(`${REGISTRY}.ts`, finish(f));
  }

  // index.ts
  {
    const f = newFile('index', 'the whole spec');
    const reg = f.use({ name: 'registry', from: `./${REGISTRY}.js` });
    const messages = model.capabilities.map((c) => f.use({ name: `${c.tsName}Message`, from: `./${capModule(c)}.js`, typeOnly: true }));
    const anyMessage = f.use({ ...rt('Message', true), as: 'AnyMessage' });
    const options = f.use(rt('DecodeOptions', true));
    const json = f.use(rt('Json', true));
    f.print(
      `export * from './${UNITS}.js';`,
      `export * from './${TYPES}.js';`,
      `export * from './${UNIVERSAL}.js';`,
      ...model.capabilities.map((c) => `export * from './${capModule(c)}.js';`),
      `export { CapabilityState } from './${CAPABILITY_STATE}.js';`,
      `export { registry } from './${REGISTRY}.js';`,
      '',
      `/** Any message of this spec; narrow on \`capability\` and \`type\`. */`,
      `export type Message = ${[...messages, f.use(rt('UnknownCapabilityMessage', true))].join(' | ')};`,
      '',
      `export function decode(bytes: Uint8Array, options?: ${options}): Message {`,
      `  return ${f.use(rt('decodeMessage'))}(${reg}, bytes, options) as Message;`,
      '}',
      '',
      `export function encode(message: ${anyMessage}): Uint8Array {`,
      `  return ${f.use(rt('encodeMessage'))}(${reg}, message);`,
      '}',
      '',
      `export function toJSON(message: ${anyMessage}): ${json} {`,
      `  return ${f.use(rt('messageToJson'))}(${reg}, message);`,
      '}',
      '',
      `export function fromJSON(json: unknown): Message {`,
      `  return ${f.use(rt('messageFromJson'))}(${reg}, json) as Message;`,
      '}',
    );
    files.set('index.ts', finish(f));
  }
  return files;
}
