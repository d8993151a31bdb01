/**
 * Runs tasks a few at a time, in order, at most `window` places ahead of the one being
 * consumed: results are consumed in registry order (so the archive is deterministic) while a
 * slow command does not hold up the ones after it, and finished-but-unwritten outputs stay few.
 */
export class OrderedPrefetch<T> {
  private readonly results = new Map<number, Promise<T>>();
  private running = 0;
  private next = 0;
  private head = 0;

  constructor(
    /** Indexed tasks; undefined slots are units consumed some other way. */
    private readonly tasks: readonly ((() => Promise<T>) | undefined)[],
    private readonly concurrency: number,
    private readonly window: number,
  ) {}

  /** The result of task `index`, starting it now if it has not started; moves the window to it. */
  take(index: number): Promise<T> {
    this.moveHead(index);
    const task = this.tasks[index];
    if (!task) throw new Error(`no task at ${index}`);
    if (!this.results.has(index)) this.start(index, task);
    const result = this.results.get(index) as Promise<T>;
    this.results.delete(index);
    return result;
  }

  /** Lets tasks up to `index + window` start. */
  moveHead(index: number): void {
    this.head = Math.max(this.head, index);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.concurrency && this.next < this.tasks.length && this.next <= this.head + this.window) {
      const index = this.next++;
      const task = this.tasks[index];
      if (task && !this.results.has(index) && index >= this.head) this.start(index, task);
    }
  }

  private start(index: number, task: () => Promise<T>): void {
    this.running++;
    const result = task().finally(() => {
      this.running--;
      this.pump();
    });
    // Consumed later by take(); a rejection is handled there.
    result.catch(() => undefined);
    this.results.set(index, result);
    if (index >= this.next) this.next = index + 1;
  }
}
