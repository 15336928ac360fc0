import { describe, expect, it } from '@jest/globals';
import { SwitchyardError } from '@switchyard/contracts';
import { ResponseItemStore } from './response-item-store.js';

const item = (id: string, text = 'x') => ({ type: 'message', id, role: 'assistant', text });
const size = (id: string, text = 'x') => JSON.stringify(item(id, text)).length;

function held(store: ResponseItemStore, id: string, owner = ''): boolean {
  try {
    store.recall(owner, id, 'input[0]');
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({ code: 'not_found', details: { param: 'input[0]' } });
    return false;
  }
}

describe('ResponseItemStore', () => {
  it('gives back a copy of each kept item by its id, and a 404 for others', () => {
    const store = new ResponseItemStore();
    store.keep('', [item('msg_1', 'hello'), { type: 'message' }]);
    const recalled = store.recall('', 'msg_1', 'input[0]');
    expect(recalled).toEqual(item('msg_1', 'hello'));
    recalled['text'] = 'changed';
    expect(store.recall('', 'msg_1', 'input[0]')).toEqual(item('msg_1', 'hello'));
    expect(held(store, 'msg_2')).toBe(false);
  });

  it('gives an owner’s items to that owner only', () => {
    const store = new ResponseItemStore();
    store.keep('key-a', [item('msg_1')]);
    expect([held(store, 'msg_1', 'key-a'), held(store, 'msg_1', 'key-b')]).toEqual([true, false]);
    expect(held(store, 'msg_1')).toBe(false);
  });

  it('lets the oldest items go first once over its bytes, and keeps none larger than them', () => {
    const store = new ResponseItemStore(size('msg_1') * 2);
    store.keep('', [item('msg_1'), item('msg_2')]);
    store.keep('', [item('msg_3')]);
    expect(['msg_1', 'msg_2', 'msg_3'].map((id) => held(store, id))).toEqual([false, true, true]);
    store.keep('', [item('msg_4', 'x'.repeat(size('msg_1') * 2))]);
    expect(['msg_2', 'msg_3', 'msg_4'].map((id) => held(store, id))).toEqual([true, true, false]);
  });

  it('forgets an item once its time is up', () => {
    let now = 0;
    const store = new ResponseItemStore(1_000_000, 1_000, () => now);
    store.keep('', [item('msg_1')]);
    now = 500;
    store.keep('', [item('msg_2')]);
    now = 1_000;
    expect([held(store, 'msg_1'), held(store, 'msg_2')]).toEqual([false, true]);
    now = 1_500;
    expect(held(store, 'msg_2')).toBe(false);
  });
});
