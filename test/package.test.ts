/**
 * The built package as users load it (dist/, built by `npm ci` through `prepare`): ESM and CJS entries, the
 * per-capability subpaths, the runtime subpath and the CLI. Catches bundling problems the source tests cannot.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { component, exampleMessage, property, propertyExamples, stateMessage } from './support/spec.js';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const built = existsSync(join(root, 'dist', 'index.js'));
const nested = propertyExamples().find((e) => e.property.type.kind === 'capability_state')!;

describe.runIf(built)('dist/', () => {
  it('ESM entry decodes, encodes and converts', async () => {
    const lib = await import('auto-api-codec');
    const hex = exampleMessage(nested);
    const message = lib.decode(lib.fromHex(hex));
    expect(lib.toHex(lib.encode(message))).toBe(hex);
    expect(JSON.stringify(lib.toJSON(message))).toContain('"set":{"historical":{"states":[{"data":{"set":{');
  });

  it('CJS entry works the same', () => {
    const lib = require('auto-api-codec') as typeof import('auto-api-codec');
    const hex = exampleMessage(nested);
    expect(lib.toHex(lib.encode(lib.decode(lib.fromHex(hex))))).toBe(hex);
    expect(lib.toHex(lib.Charging.setChargeMode({ chargeMode: 'immediate' }))).toBe('0d0023010c000401000100');
  });

  it('a capability subpath decodes its own messages, nested states included', async () => {
    const { Historical } = (await import('auto-api-codec/capabilities/historical' as string)) as typeof import('../src/generated/historical.js');
    const hex = stateMessage(0x12, property(0x01, component(1, nested.example.hex)));
    const message = Historical.decode(Uint8Array.from(Buffer.from(hex, 'hex')));
    expect(message.type === 'set' && message.state.states?.[0]?.data).toMatchObject({ type: 'set', capability: Object.keys(nested.example.value as object)[0] });
  });

  // Which module a process imports first decides the order chunks run in; each order must work.
  const fixtures = join(root, 'bench', 'fixtures.json');
  it.each(['auto-api-codec', 'auto-api-codec/capabilities/charging', 'auto-api-codec/capabilities/historical', 'auto-api-codec/capabilities/vehicle_status', 'auto-api-codec/runtime'])(
    'a fresh process importing %s first decodes every fixture',
    (first) => {
      const script = `
        await import(${JSON.stringify(first)});
        const lib = await import('auto-api-codec');
        const { fixtures } = JSON.parse((await import('node:fs')).readFileSync(${JSON.stringify(fixtures)}, 'utf8'));
        for (const f of fixtures) {
          const m = lib.decode(lib.fromHex(f.hex));
          if (lib.toHex(lib.encode(m)) !== f.hex) throw new Error('round trip ' + f.name);
          if (lib.toHex(lib.encode(lib.fromJSON(JSON.parse(JSON.stringify(lib.toJSON(m)))))) !== f.hex) throw new Error('json ' + f.name);
        }
        console.log(fixtures.length);`;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.stdout.trim()).toBe('4');
    },
  );

  it('runtime subpath exports what generated code imports', async () => {
    const runtime = await import('auto-api-codec/runtime');
    for (const name of ['defineCapability', 'defineCapabilityApi', 'defineEnum', 'defineMeasurement', 'lazyRegistry', 'AutoApiError', 'Reader', 'Writer']) {
      expect(runtime, name).toHaveProperty(name);
    }
  });

  it('CLI decodes, and reports malformed input in one line', () => {
    const ok = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'decode', exampleMessage(nested)], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toHaveProperty('set.historical.states');
    const bad = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'decode', '0d0023010c000f01000101'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('error TRUNCATED at byte 7 (charging.charge_mode): needed 15 bytes for property 0x0c, 4 left\n');
  });
});

it('dist/ is built (npm ci builds it, or run `npm run build`)', () => {
  expect(built).toBe(true);
});
