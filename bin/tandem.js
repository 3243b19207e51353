#!/usr/bin/env node
// The `tandem` command. Runs a bundle of the TypeScript sources, rebuilt when they change.
// Stack traces point into the bundle; NODE_OPTIONS=--enable-source-maps maps them to the sources
// (at some cost to start-up).
import { ensureBundle } from '../scripts/bundle.mjs';

await import(await ensureBundle());
