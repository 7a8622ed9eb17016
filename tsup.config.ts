import { readdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

// One entry per capability module, so that `auto-api-codec/capabilities/charging` pulls in only what Charging needs.
const capabilities = Object.fromEntries(
  readdirSync('src/generated')
    .filter((f) => f.endsWith('.ts') && !f.includes('-') && f !== 'index.ts')
    .map((f) => [`capabilities/${f.slice(0, -3)}`, `src/generated/${f}`]),
);

export default defineConfig([
  {
    entry: { index: 'src/index.ts', 'runtime/index': 'src/runtime/index.ts', ...capabilities },
    format: ['esm', 'cjs'],
    dts: true,
    clean: false,
    sourcemap: false,
    target: 'es2022',
    treeshake: true,
  },
  {
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    // The generator's own dependencies (yaml, ts-morph) stay external: they are package dependencies.
    external: ['yaml', 'ts-morph'],
  },
]);
