/**
 * The generator as a user meets it: `auto-api gen` on a spec folder of their own, the promised file:line
 * errors for broken specs (with no partial output), and no drift between spec/ and src/generated/.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../codegen/generate.js';
import { lint } from '../codegen/lint.js';
import { fromHex } from '../src/index.js';
import { component, property, stateMessage } from './support/spec.js';

const root = join(import.meta.dirname, '..');
const fixtures = join(root, 'test', 'fixtures', 'specs');
const scratch = mkdtempSync(join(tmpdir(), 'auto-api-gen-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The valid fixture with one capability file replaced by a broken variant. */
function specWith(variant: string): string {
  const dir = join(scratch, `spec-${variant}`);
  cpSync(join(fixtures, 'valid'), dir, { recursive: true });
  if (variant !== 'valid') cpSync(join(fixtures, variant), dir, { recursive: true });
  return dir;
}

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli.ts'), ...args], { encoding: 'utf8' });
}

describe('auto-api gen on broken specs', () => {
  const cases: Array<[string, number, string]> = [
    ['unknown-type', 28, 'type: unknown type reference "types.sprocket"'],
    ['duplicate-id', 35, 'id: duplicate property id 0x02 (also at line 16)'],
    ['size-contradicts', 20, 'size: size 8 contradicts type unit.length (10 bytes)'],
    ['bad-example', 41, 'data_component: example "fffefd" does not fit integer(2): 1 bytes left over'],
  ];
  it.each(cases)('%s: names file:line, exits 1, writes nothing', (variant, line, message) => {
    const spec = specWith(variant);
    const out = join(scratch, `out-${variant}`);
    const run = cli('gen', '--spec', spec, '--out', out);
    expect(run.status).toBe(1);
    const file = relative(process.cwd(), join(spec, 'capabilities', 'widget.yml'));
    expect(run.stderr.split('\n')[0]).toBe(`${file}:${line}: ${message}`);
    expect(existsSync(out) && readdirSync(out).length > 0).toBe(false);
  });

  it('leaves an existing output folder untouched', () => {
    const out = join(scratch, 'out-kept');
    generate({ spec: specWith('valid'), out });
    const before = readFileSync(join(out, 'widget.ts'), 'utf8');
    expect(cli('gen', '--spec', specWith('unknown-type'), '--out', out).status).toBe(1);
    expect(readFileSync(join(out, 'widget.ts'), 'utf8')).toBe(before);
  });
});

describe('auto-api gen on a user spec', () => {
  it('creates OUT, imports the runtime from auto-api-codec/runtime by default', () => {
    const out = join(scratch, 'nested', 'out-default');
    const run = cli('gen', '--spec', specWith('valid'), '--out', out);
    expect(run.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['capability-registry.ts', 'capability-state.ts', 'custom-types.ts', 'index.ts', 'unit-types.ts', 'universal-properties.ts', 'widget.ts']);
    expect(readFileSync(join(out, 'index.ts'), 'utf8')).toContain("from 'auto-api-codec/runtime'");
  });

  it('generates a working codec bound to exactly that spec', async () => {
    const out = join(scratch, 'out-working');
    generate({ spec: specWith('valid'), out, runtime: join(root, 'src', 'runtime', 'index.ts') });
    const user = await import(join(out, 'index.ts'));
    // widget: lock_state locked, offset -2, one spoke
    const hex = stateMessage(0x7f01, property(0x01, component(1, '01')), property(0x04, component(1, 'fffe')), property(0x03, component(1, '000201')));
    const message = user.decode(fromHex(hex));
    expect(user.toJSON(message)).toEqual({
      set: { widget: { lock_state: { data: 'locked' }, offset: { data: -2 }, spokes: [{ data: { index: 2, state: 'locked' } }] } },
    });
    expect(Buffer.from(user.encode(message)).toString('hex')).toBe(hex);
    // A capability of the main spec is unknown to this one, and is kept as such.
    const charging = user.decode(Uint8Array.from([0x0d, 0x00, 0x23, 0x01, 0x0c, 0x00, 0x04, 0x01, 0x00, 0x01, 0x01]));
    expect(user.toJSON(charging)).toEqual({ set: { '0x0023': { '0x0c': [{ data: { $unknown: '01' } }] } } });
  });
});

describe('auto-api lint', () => {
  const cases: Array<[string, string, number, string]> = [
    ['duplicate-id', 'capabilities/widget.yml', 35, 'id: duplicate property id 0x02 (also at line 16)'],
    ['enum-twice', 'misc/custom_types.yml', 44, 'id: enum id 0x00 used twice in types.lock_state (also line 42)'],
    ['lint-state-ref', 'capabilities/widget.yml', 7, 'state: 0x09 is not a property of widget'],
    ['lint-setter-ref', 'capabilities/widget.yml', 8, 'setters: set_widget names 0x0a, which is not a property of widget'],
    ['lint-value-mismatch', 'capabilities/widget.yml', 14, 'data_component: widget.lock_state: the bytes say "locked", documented "unlocked"'],
  ];
  it.each(cases)('%s: one problem at file:line, exit 1', (variant, file, line, message) => {
    const spec = specWith(variant);
    expect(lint(spec)).toEqual([`${relative(process.cwd(), join(spec, file))}:${line}: ${message}`]);
    expect(cli('lint', '--spec', spec).status).toBe(1);
  });

  it('passes the valid fixture', () => {
    expect(lint(specWith('valid'))).toEqual([]);
    expect(cli('lint', '--spec', specWith('valid')).status).toBe(0);
  });

  it('finds exactly the two upstream examples in spec/ whose values contradict their bytes', () => {
    const problems = lint(join(root, 'spec'));
    expect(problems).toHaveLength(2);
    expect(problems.find((p) => p.includes('trips.average_electric_consumption'))).toMatch(/the bytes say no kilometers_per_kwh \(got \{"kwh_per_100_kilometers":7\.34\}\)/);
    expect(problems.find((p) => p.includes('multi_command.multi_commands'))).toMatch(/no status at ignition/);
  });
});

describe('src/generated', () => {
  it('is what spec/ generates (no drift)', () => {
    const out = join(scratch, 'drift');
    const files = generate({ spec: join(root, 'spec'), out, runtime: '../runtime/index.js' });
    const committed = readdirSync(join(root, 'src', 'generated')).filter((f) => f.endsWith('.ts')).sort();
    expect(committed).toEqual([...files].sort());
    for (const f of files) expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(root, 'src', 'generated', f), 'utf8'));
  });
});

