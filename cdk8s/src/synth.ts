#!/usr/bin/env node
/** `make synth`: writes the example two-provider network's manifests. Usage: synth.js [outdir] */
import { resolve } from 'node:path';
import { synthExample } from './example';

const outdir = resolve(process.argv[2] ?? resolve(__dirname, '..', 'dist', 'manifests'));
for (const file of synthExample(outdir)) process.stdout.write(`[synth] wrote ${file}\n`);
