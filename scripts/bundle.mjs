// Bundles Tandem's TypeScript sources, and the packages they use, into ES modules, rebuilt only
// when a source file or the lock file is newer. Loading a bundle takes a fraction of the time that
// loading each source file through a TypeScript loader, and each package file by file, does: that
// was most of the time a restart took before the first page. The bundle is split at dynamic
// imports, so a command loads only what it uses.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, URL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Two levels below the root, like src/platform/paths.ts, so the paths it derives stay right.
const OUT = path.join(ROOT, '.cache', 'tandem');
const MANIFEST = path.join(OUT, 'entry.json');
const A_DAY = 86_400_000;

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function readManifest() {
  try {
    return {
      built: fs.statSync(MANIFEST).mtimeMs,
      entry: JSON.parse(fs.readFileSync(MANIFEST, 'utf8')).entry,
    };
  } catch {
    return { built: 0, entry: undefined };
  }
}

/** The bundle's entry file, after building it if any source is newer than it. */
export async function ensureBundle() {
  const current = readManifest();
  const sources = Math.max(
    newestSource(path.join(ROOT, 'src')),
    fs.statSync(path.join(ROOT, 'package-lock.json')).mtimeMs,
    fs.statSync(fileURLToPath(import.meta.url)).mtimeMs,
  );
  if (current.entry && current.built >= sources && fs.existsSync(path.join(OUT, current.entry)))
    return path.join(OUT, current.entry);

  // Every file name carries a hash of its content, so a process still running an older build
  // keeps finding its own files; the manifest names the newest entry and is replaced in one step.
  // Loaded only when a build is needed: most starts find the bundle up to date.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: { cli: path.join(ROOT, 'src', 'cli.ts') },
    outdir: OUT,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Left out: the embedded database (loaded by its worker thread, with its WebAssembly files
    // beside it), the build tools, and node-postgres's optional native driver.
    external: ['@electric-sql/pglite', 'esbuild', 'tsx', 'pg-native'],
    // Packages written as CommonJS require Node's own modules.
    banner: {
      js: "import { createRequire as tandemCreateRequire } from 'node:module'; const require = tandemCreateRequire(import.meta.url);",
    },
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const entry = Object.keys(result.metafile.outputs).find(
    (file) => /cli-[^/]+\.mjs$/.test(file) || /cli-[^/]+\.js$/.test(file),
  );
  const temporary = `${MANIFEST}.${process.pid}`;
  fs.writeFileSync(temporary, JSON.stringify({ entry: path.basename(entry) }));
  fs.renameSync(temporary, MANIFEST);

  // Builds older than a day are no one's any more.
  const keep = new Set(Object.keys(result.metafile.outputs).map((file) => path.basename(file)));
  for (const file of fs.readdirSync(OUT)) {
    const full = path.join(OUT, file);
    if (!keep.has(file) && file !== 'entry.json' && Date.now() - fs.statSync(full).mtimeMs > A_DAY)
      fs.rmSync(full, { force: true });
  }
  return path.join(OUT, path.basename(entry));
}
