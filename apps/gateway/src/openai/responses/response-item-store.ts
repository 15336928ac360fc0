import { Injectable } from '@nestjs/common';
import { SwitchyardError } from '@switchyard/contracts';

/**
 * How much of the output items of stored responses (`store` not false) one gateway keeps, counted
 * as their JSON text. The oldest go first when it is full: the items clients refer back to are
 * those of the turns just answered.
 */
export const RESPONSE_ITEMS_MAX_BYTES = 64 * 1024 * 1024;
/** How long an item is kept after its response: a conversation's next turn comes well before. */
export const RESPONSE_ITEM_TTL_MS = 24 * 60 * 60 * 1000;

type Item = Record<string, unknown>;

interface Kept {
  /** The item as its response gave it, as JSON (kept as text: it is copied out whole each time). */
  json: string;
  expiresAt: number;
}

/**
 * The output items of this gateway's stored responses, so that a later request can name one by
 * `{"type": "item_reference", "id": …}` rather than send it again, as OpenAI's API lets clients
 * do (the Vercel AI SDK's Responses provider does it for every earlier answer's text and
 * reasoning unless told `store: false`). Kept in this gateway's memory, bounded by
 * `RESPONSE_ITEMS_MAX_BYTES` (oldest first out) and `RESPONSE_ITEM_TTL_MS`; a reference to an item
 * that another gateway answered, or that has gone, is a 404 as OpenAI answers one it does not hold.
 * Items belong to whoever asked for them (`owner`: the API key, where keys are configured), as
 * OpenAI's belong to a project: another key's reference finds nothing.
 */
@Injectable()
export class ResponseItemStore {
  /** By owner and item id (`keyOf`), oldest first (a Map keeps insertion order). */
  private readonly items = new Map<string, Kept>();
  private bytes = 0;

  constructor(
    private readonly maxBytes = RESPONSE_ITEMS_MAX_BYTES,
    private readonly ttlMs = RESPONSE_ITEM_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keeps a response's output items (each with its `id`). An item larger than the store is not kept. */
  keep(owner: string, output: readonly Item[]): void {
    const expiresAt = this.now() + this.ttlMs;
    for (const item of output) {
      const id = item['id'];
      if (typeof id !== 'string') continue;
      const key = keyOf(owner, id);
      this.drop(key);
      const json = JSON.stringify(item);
      if (json.length > this.maxBytes) continue;
      this.items.set(key, { json, expiresAt });
      this.bytes += json.length;
    }
    this.evict();
  }

  /** A copy of the item `id` names, or the 404 OpenAI answers for one it does not hold. */
  recall(owner: string, id: string, param: string): Item {
    this.evict();
    const kept = this.items.get(keyOf(owner, id));
    if (kept === undefined) {
      throw new SwitchyardError(
        'not_found',
        `Item with id '${id}' not found. Switchyard keeps the items of responses not answered ` +
          `with store: false for ${RESPONSE_ITEM_TTL_MS / 3_600_000} h, in the memory of the ` +
          'gateway that answered them; send the item itself instead of a reference, or ask ' +
          'with store: false so that clients send whole items',
        { details: { param } },
      );
    }
    return JSON.parse(kept.json) as Item;
  }

  private drop(key: string): void {
    const kept = this.items.get(key);
    if (kept === undefined) return;
    this.items.delete(key);
    this.bytes -= kept.json.length;
  }

  /** Drops the expired items and, while over the bound, the oldest. */
  private evict(): void {
    const now = this.now();
    for (const [key, kept] of this.items) {
      if (kept.expiresAt > now && this.bytes <= this.maxBytes) break;
      this.drop(key);
    }
  }
}

/** An owner's item: a NUL cannot be part of a key hash, so no owner's key is another's. */
function keyOf(owner: string, id: string): string {
  return `${owner}\u0000${id}`;
}
