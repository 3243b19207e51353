#!/usr/bin/env node
// The `tandem` command: runs the TypeScript sources directly.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
