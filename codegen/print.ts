/**
 * A small printing facade for generated files: print lines, and name imported symbols through `use`, which
 * records the import. Formatting is left to ts-morph at the end.
 */
import { IndentationText, Project, QuoteKind } from 'ts-morph';

export interface Symbol {
  name: string;
  /** Module specifier, as written in the import. */
  from: string;
  typeOnly?: boolean;
  /** Local name, when the symbol's own name is taken in the file. */
  as?: string;
}

export class GeneratedFile {
  private readonly imports = new Map<string, Map<string, boolean>>();
  private readonly body: string[] = [];

  constructor(
    readonly path: string,
    private readonly header: string,
  ) {}

  /** Returns the symbol's name and records its import (a value import wins over a type-only one). */
  use(sym: Symbol): string {
    let names = this.imports.get(sym.from);
    if (!names) this.imports.set(sym.from, (names = new Map()));
    const spec = sym.as ? `${sym.name} as ${sym.as}` : sym.name;
    names.set(spec, (names.get(spec) ?? true) && sym.typeOnly === true);
    return sym.as ?? sym.name;
  }

  print(...lines: string[]): void {
    this.body.push(...lines);
  }

  /** Lines that go right after the imports (module-level constants the body refers to). */
  printTop(...lines: string[]): void {
    this.top.push(...lines);
  }

  private readonly top: string[] = [];

  toString(): string {
    const imports = [...this.imports.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([from, names]) => {
      const list = [...names.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([n, typeOnly]) => (typeOnly ? `type ${n}` : n));
      return `import { ${list.join(', ')} } from '${from}';`;
    });
    return [this.header, '', ...imports, '', ...this.top, ...this.body, ''].join('\n').replace(/\n{3,}/g, '\n\n');
  }
}

const project = new Project({
  useInMemoryFileSystem: true,
  manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single },
});

/** Formats TypeScript text the same way every time. */
export function format(name: string, text: string): string {
  const file = project.createSourceFile(name, text, { overwrite: true });
  file.formatText({ indentSize: 2, convertTabsToSpaces: true, semicolons: 'insert' as never, insertSpaceAfterOpeningAndBeforeClosingNonemptyBraces: true });
  const out = file.getFullText();
  project.removeSourceFile(file);
  return out;
}
