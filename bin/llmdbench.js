#!/usr/bin/env node
// The CLI runs from TypeScript sources through tsx: no build step, so a fresh
// clone works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
