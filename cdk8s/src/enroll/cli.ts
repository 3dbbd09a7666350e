#!/usr/bin/env node
/**
 * Init container entry point: `node cdk8s/dist/enroll/cli.js`, configured by environment (./contract.ts).
 * Exit 0 when the folders are written; 1 with one line on stderr otherwise (the kubelet retries with backoff).
 */
import { fabricErrorText } from '@emr/network';
import { enroll, settingsFromEnv } from './enroll';

const log = (line: string): void => {
  process.stdout.write(`[enroll] ${line}\n`);
};

async function main(): Promise<number> {
  try {
    await enroll(settingsFromEnv(process.env), log);
    return 0;
  } catch (error) {
    process.stderr.write(`[enroll] failed: ${fabricErrorText(error)}\n`);
    return 1;
  }
}

void main().then((code) => {
  process.exitCode = code;
});
