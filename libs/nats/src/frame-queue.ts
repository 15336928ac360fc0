/**
 * A first-in first-out queue with O(1) take: frames waiting for a slow reader, or the frames a
 * reply stream keeps for a caller that lost them.
 */
export class FrameQueue<T> {
  private items: T[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  take(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    // Compact now and then, so a long stream does not keep every frame it ever held.
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** The items from the `offset`-th one waiting on, oldest first. */
  from(offset: number): T[] {
    return this.items.slice(this.head + offset);
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
