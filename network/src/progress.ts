/** One small reporter for long commands (devnet, tools, cluster): step, elapsed time, outcome. */
export interface Progress {
  step<T>(title: string, work: () => Promise<T>, describe?: (result: T) => string): Promise<T>;
  info(message: string): void;
}

export function newProgress(
  prefix: string,
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Progress {
  const started = Date.now();
  const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
  return {
    async step(title, work, describe) {
      const stepStarted = Date.now();
      try {
        const result = await work();
        const outcome = describe ? describe(result) : 'done';
        write(`[${prefix} ${elapsed()}] ${title}: ${outcome} (${Date.now() - stepStarted} ms)`);
        return result;
      } catch (err) {
        write(`[${prefix} ${elapsed()}] ${title}: FAILED`);
        throw err;
      }
    },
    info(message) {
      write(`[${prefix} ${elapsed()}] ${message}`);
    },
  };
}
