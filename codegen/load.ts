/** Reads YAML keeping where every value came from, so that spec errors can name file:line. */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

const LINES = Symbol('lines');

/** A plain object or array from YAML, with the line of each key or index remembered. */
export type Located = { [key: string]: unknown } & { [LINES]?: Map<string | number, number> };

export interface Source {
  file: string;
  /** The document as plain JS (hex literals are numbers). */
  root: unknown;
}

export class SpecError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

export function loadYaml(file: string, text = readFileSync(file, 'utf8')): Source {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, version: '1.2', schema: 'core' });
  if (doc.errors.length > 0) {
    throw new SpecError(doc.errors.map((e) => `${file}:${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`));
  }
  const lineOf = (node: Node | null | undefined): number => (node?.range ? lineCounter.linePos(node.range[0]).line : 0);
  const convert = (node: unknown): unknown => {
    if (isMap(node)) {
      const out: Located = {};
      const lines = new Map<string | number, number>();
      for (const pair of node.items) {
        const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
        out[key] = convert(pair.value);
        lines.set(key, lineOf(pair.key as Node));
      }
      Object.defineProperty(out, LINES, { value: lines, enumerable: false });
      return out;
    }
    if (isSeq(node)) {
      const out = node.items.map(convert) as unknown[] & { [LINES]?: Map<string | number, number> };
      const lines = new Map<string | number, number>();
      node.items.forEach((item, i) => lines.set(i, lineOf(item as Node)));
      Object.defineProperty(out, LINES, { value: lines, enumerable: false });
      return out;
    }
    if (isScalar(node)) return node.value;
    return node ?? null;
  };
  return { file, root: convert(doc.contents) };
}

/** The line of `key` in `obj` (or of the object itself when the key is missing); 0 when unknown. */
export function lineOf(obj: unknown, key?: string | number): number {
  const lines = (obj as Located | undefined)?.[LINES];
  if (!lines) return 0;
  if (key !== undefined && lines.has(key)) return lines.get(key)!;
  let first = Infinity;
  for (const l of lines.values()) first = Math.min(first, l);
  return first === Infinity ? 0 : first;
}
