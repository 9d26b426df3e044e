import path from 'node:path';
import ts from 'typescript';

/**
 * Import cycles among the given files, type-only imports included (ESLint's import-x/no-cycle skips those, as they
 * vanish at run time, but a cycle of types still ties two modules into one). Imports are resolved as tsc resolves
 * them, package names of the workspaces included; each cycle is the files of one strongly connected component.
 */
export function importCycles(files: readonly string[], options: ts.CompilerOptions): string[][] {
  const inTree = new Set(files.map((file) => path.resolve(file)));
  const graph = new Map<string, string[]>();
  for (const file of inTree) {
    const imports = ts.preProcessFile(ts.sys.readFile(file) ?? '', true, true).importedFiles;
    const targets = imports
      .map((imported) => ts.resolveModuleName(imported.fileName, file, options, ts.sys).resolvedModule)
      .map((resolved) => resolved && ts.sys.realpath!(resolved.resolvedFileName))
      .filter((target): target is string => target !== undefined && inTree.has(target));
    graph.set(file, targets);
  }
  return stronglyConnected(graph).filter((component) => component.length > 1);
}

/** Tarjan's algorithm. */
function stronglyConnected(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        component.push(member);
      } while (member !== node);
      components.push(component);
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return components;
}
