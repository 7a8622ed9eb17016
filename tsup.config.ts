import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/index.ts', 'runtime/index': 'src/runtime/index.ts' },
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
