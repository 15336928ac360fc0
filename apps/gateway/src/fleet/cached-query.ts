/**
 * A query whose answer is reused for `ttlMs`, and shared by every caller that asks while it runs,
 * so a burst of callers makes one query. `fresh` asks again (or joins the query under way).
 */
export class CachedQuery<T> {
  private cached: { at: number; value: T } | undefined;
  private pending: Promise<T> | undefined;

  constructor(
    private readonly ttlMs: number,
    private readonly query: () => Promise<T>,
  ) {}

  async get(options: { fresh?: boolean } = {}): Promise<T> {
    if (!options.fresh && this.cached && Date.now() - this.cached.at < this.ttlMs) {
      return this.cached.value;
    }
    this.pending ??= this.query()
      .then((value) => {
        this.cached = { at: Date.now(), value };
        return value;
      })
      .finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** The last answer, however old, without asking: undefined before the first. */
  latest(): T | undefined {
    return this.cached?.value;
  }

  /** Drops the cached answer: the next `get` asks again. */
  forget(): void {
    this.cached = undefined;
  }
}
