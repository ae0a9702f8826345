// The stand-in's files import one another without a circle (type-only imports count too: a
// circle of types is still two files that cannot be understood one without the other).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Every .ts file under `dir`, specs left out. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** The files among `files` that `file` imports (relative imports, `import type` included). */
function localImports(file: string, files: string[]): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .filter((i) => i.fileName.startsWith('.'))
    .map((i) => path.resolve(path.dirname(file), i.fileName))
    .map(
      (target) =>
        [`${target}.ts`, path.join(target, 'index.ts')].find((candidate) => files.includes(candidate)) ?? target,
    );
}

/** The first circle found, as the files along it (empty when there is none). */
function findCircle(graph: Map<string, string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] => {
    if (state.get(file) === 'done') return [];
    if (state.get(file) === 'open') return [...stack.slice(stack.indexOf(file)), file];
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      const circle = visit(next);
      if (circle.length > 0) return circle;
    }
    stack.pop();
    state.set(file, 'done');
    return [];
  };
  for (const file of graph.keys()) {
    const circle = visit(file);
    if (circle.length > 0) return circle;
  }
  return [];
}

describe('the stand-in’s import graph', () => {
  const files = sources(__dirname);
  const graph = new Map(files.map((file) => [file, localImports(file, files)]));

  it('reads the imports it checks', () => {
    // fake-discord.ts assembles the parts: if the reader found none, the check below proves nothing.
    expect(graph.get(path.join(__dirname, 'fake-discord.ts'))).toEqual(
      expect.arrayContaining([path.join(__dirname, 'fake-gateway.ts'), path.join(__dirname, 'world', 'world.ts')]),
    );
  });

  it('has no circle', () => {
    expect(findCircle(graph).map((file) => path.relative(__dirname, file))).toEqual([]);
  });

  it('finds a circle where there is one', () => {
    expect(
      findCircle(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual(['a', 'b', 'c', 'a']);
  });
});
