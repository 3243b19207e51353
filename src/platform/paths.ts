import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder Tandem runs from: the project root from the sources, `dist/` when compiled, or the
 * bundle's root (`.cache/tandem/` sits two levels down, like this file). Every file Tandem reads at
 * run time is found from here, so the same code works from sources, `dist/` and the bundle.
 */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function fromRoot(...segments: string[]): string {
  return path.join(ROOT, ...segments);
}
