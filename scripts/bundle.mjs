// Bundles Tandem's TypeScript sources into one ES module, rebuilt only when a source file is newer.
// Loading one bundle takes about a third of the time that loading each source file through a
// TypeScript loader does, which is most of the time a restart takes before the first page.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');
// Two levels below the root, like src/platform/paths.ts, so the paths it derives stay right.
export const BUNDLE = path.join(ROOT, '.cache', 'tandem', 'cli.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** The bundle's path, after building it if any source is newer than it. */
export async function ensureBundle() {
  const built = fs.existsSync(BUNDLE) ? fs.statSync(BUNDLE).mtimeMs : 0;
  const sources = Math.max(newestSource(path.join(ROOT, 'src')), fs.statSync(path.join(ROOT, 'package-lock.json')).mtimeMs);
  if (built >= sources) return BUNDLE;
  // Build beside it and rename, so a second process starting at the same time never reads half a file.
  const temporary = `${BUNDLE}.${process.pid}.tmp.mjs`;
  await build({
    entryPoints: [path.join(ROOT, 'src', 'cli.ts')],
    outfile: temporary,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  fs.renameSync(`${temporary}.map`, `${BUNDLE}.map`);
  fs.renameSync(temporary, BUNDLE);
  return BUNDLE;
}
