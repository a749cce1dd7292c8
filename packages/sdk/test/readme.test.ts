// The README's TypeScript snippets, read in order as one program, must type-check against the SDK's real
// exports: a renamed function or a changed request body breaks this test, not a partner's first try.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PKG_DIR = fileURLToPath(new URL('..', import.meta.url));
// Inside the package (so it is an ES module and resolves @types/node), outside src/test and the tarball.
const CHECK_DIR = path.join(PKG_DIR, 'node_modules/.cache/readme-check');

/** Values a snippet takes from its surroundings rather than from an earlier snippet. */
const AMBIENT = 'declare const callbackUrl: string;\n';

function snippets(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** One module: the snippets' imports from '@reminderit/sdk' merged into one, pointing at the sources. */
function program(blocks: string[]): string {
  const names = new Set<string>();
  const bodies = blocks.map((block) =>
    block.replace(/import\s*\{([^}]*)\}\s*from\s*'@reminderit\/sdk';?\n?/g, (_, list: string) => {
      for (const name of list
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean))
        names.add(name);
      return '';
    }),
  );
  return `import { ${[...names].join(', ')} } from '../../../src/index.js';\n${AMBIENT}${bodies.join('\n')}\nexport {};\n`;
}

describe('README.md', () => {
  const blocks = snippets(readFileSync(path.join(PKG_DIR, 'README.md'), 'utf8'));

  it('imports everything it uses from @reminderit/sdk only', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(7);
    for (const block of blocks) {
      for (const m of block.matchAll(/from\s*'([^']+)'/g)) expect(m[1]).toBe('@reminderit/sdk');
    }
  });

  it('type-checks against the real API', () => {
    mkdirSync(CHECK_DIR, { recursive: true });
    writeFileSync(path.join(CHECK_DIR, 'readme.ts'), program(blocks));
    writeFileSync(
      path.join(CHECK_DIR, 'tsconfig.json'),
      JSON.stringify({ extends: '../../../tsconfig.json', compilerOptions: { noEmit: true }, include: ['readme.ts'] }),
    );
    const tsc = path.join(PKG_DIR, 'node_modules/typescript/bin/tsc');
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', CHECK_DIR], { encoding: 'utf8' });
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(output).toBe('');
  }, 60_000);
});
