import { spawn } from 'node:child_process';

/** A clear one-sentence failure of cluster-up/down/images: the CLI prints the message without a stack trace. */
export class ClusterError extends Error {
  override readonly name = 'ClusterError';
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly input?: string | Buffer;
  /** Return the result instead of throwing on a non-zero exit. */
  readonly allowFailure?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** Runs a command to completion (no shell), collecting its output. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      cwd: options.cwd,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', (error) => {
      reject(new ClusterError(`could not run ${command}: ${error.message}`));
    });
    child.once('close', (code) => {
      const result = {
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (result.code !== 0 && options.allowFailure !== true) {
        const detail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-5).join('\n');
        reject(new ClusterError(`${command} ${args.join(' ')} failed (exit ${result.code}): ${detail}`));
        return;
      }
      resolve(result);
    });
    if (options.input !== undefined && child.stdin) {
      // A command may exit before reading all of its input; its exit code tells what happened.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}
