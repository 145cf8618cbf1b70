/** Lets a loop sleep until its next tick or until something asks for it sooner. */
export class Wakeup {
  #pending = false;
  #resolve: (() => void) | undefined;

  /** Ends the current wait, or the next one at once if nobody waits now. */
  wake(): void {
    this.#pending = true;
    this.#resolve?.();
  }

  /** Resolves after `ms`, on `wake()`, or when `signal` aborts — never rejects. */
  async wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.#pending || signal.aborted) {
      this.#pending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#resolve = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.#resolve = done;
    });
    this.#pending = false;
  }
}
