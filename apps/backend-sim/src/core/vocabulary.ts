/**
 * The fixed vocabulary the simulator draws answers from. Every word is plain lowercase ASCII
 * letters, so a generated answer splits back into exactly the tokens it was built from (see
 * tokenizer.ts) and token counts in usage always match what was streamed. Changing this list
 * changes every expected answer: treat it as frozen.
 */
// prettier-ignore
export const VOCABULARY: readonly string[] = [
  'amber', 'anchor', 'apple', 'arrow', 'atlas', 'autumn', 'badger', 'basil',
  'beacon', 'birch', 'bramble', 'breeze', 'canyon', 'cedar', 'cinder', 'clover',
  'comet', 'copper', 'coral', 'cricket', 'dawn', 'delta', 'ember', 'falcon',
  'fern', 'fjord', 'forest', 'garnet', 'glacier', 'granite', 'harbor', 'hazel',
  'heron', 'island', 'jasper', 'juniper', 'lagoon', 'lantern', 'linden', 'maple',
  'meadow', 'mesa', 'meteor', 'nectar', 'oasis', 'orbit', 'otter', 'pebble',
  'pine', 'prairie', 'quartz', 'raven', 'reef', 'river', 'saffron', 'sierra',
  'spruce', 'summit', 'thistle', 'tundra', 'valley', 'willow', 'winter', 'zephyr',
];
