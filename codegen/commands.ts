/** The generator and linter as commands: messages on stdout/stderr and an exit code. */
import { generate } from './generate.js';
import { lint } from './lint.js';
import { SpecError } from './load.js';

export function runGenerator(spec: string, out: string, runtime?: string): number {
  try {
    const files = generate({ spec, out, runtime });
    process.stdout.write(`generated ${files.length} files in ${out}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    for (const p of e.problems) process.stderr.write(`${p}\n`);
    process.stderr.write(`${e.problems.length} problem(s); nothing was generated\n`);
    return 1;
  }
}

export function runLint(spec: string): number {
  const problems = lint(spec);
  for (const p of problems) process.stderr.write(`${p}\n`);
  process.stdout.write(problems.length === 0 ? 'no problems\n' : `${problems.length} problem(s)\n`);
  return problems.length === 0 ? 0 : 1;
}
