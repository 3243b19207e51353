// After `tsc`, copies what the compiled server reads at run time: templates, data files, styles,
// browser scripts, the embedded database's worker and the migrations, so that
// `node dist/src/cli.js serve` runs without the sources.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
const ASSET = /\.(njk|json|txt|css|js|mjs|sql)$/;
let copied = 0;

function copyTree(from, to, keep) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(source, target, keep);
    else if (keep(source)) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(source, target);
      copied++;
    }
  }
}

copyTree(
  path.join(root, 'src'),
  path.join(dist, 'src'),
  (file) => ASSET.test(file) && !file.endsWith('.test.js'),
);
copyTree(path.join(root, 'migrations'), path.join(dist, 'migrations'), (file) => file.endsWith('.sql'));
console.log(`copied ${copied} asset files into dist/`);
