/** Generates a spec folder's modules into an output folder: all or nothing. */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emit } from './emit.js';
import { loadModel } from './model.js';

export interface GenerateOptions {
  spec: string;
  out: string;
  runtime?: string;
}

export const DEFAULT_RUNTIME = 'auto-api-codec/runtime';

/** Writes the generated files; returns their names. Throws SpecError (nothing written) on an invalid spec. */
export function generate(options: GenerateOptions): string[] {
  const model = loadModel(options.spec);
  const files = emit(model, { runtime: options.runtime ?? DEFAULT_RUNTIME });
  // Write to a sibling folder first, so a failure leaves the old output untouched.
  mkdirSync(options.out, { recursive: true });
  const staging = `${options.out.replace(/\/+$/, '')}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    for (const [name, text] of files) writeFileSync(join(staging, name), text);
    for (const old of readdirSync(options.out)) {
      if (old.endsWith('.ts') && !files.has(old) && readFileSync(join(options.out, old), 'utf8').startsWith('// @generated')) {
        rmSync(join(options.out, old));
      }
    }
    for (const name of files.keys()) renameSync(join(staging, name), join(options.out, name));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return [...files.keys()];
}
