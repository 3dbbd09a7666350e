/**
 * What a benchmark started and must stop — devnet processes, an API server, the operator — run in reverse order
 * both when it ends and when Ctrl-C interrupts it, so no process outlives `make bench`.
 */
export class Teardown {
  readonly #stops: (() => Promise<unknown>)[] = [];
  #ran: Promise<void> | undefined;

  add(stop: () => Promise<unknown>): void {
    this.#stops.push(stop);
  }

  /** Runs every stop once, newest first; a failing stop does not keep the others from running. */
  run(): Promise<void> {
    this.#ran ??= (async () => {
      for (const stop of this.#stops.splice(0).reverse()) {
        await stop().catch((err: unknown) => {
          process.stderr.write(`[bench] teardown: ${err instanceof Error ? err.message : String(err)}\n`);
        });
      }
    })();
    return this.#ran;
  }
}
