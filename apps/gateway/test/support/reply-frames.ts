import type { DeltaFrame, EndFrame } from '@switchyard/contracts';

// Reply frames for the unit specs of what turns frames into an API's answer.

export function deltaFrame(fields: Omit<DeltaFrame, 'type' | 'seq'>): DeltaFrame {
  return { type: 'delta', seq: 1, ...fields } as DeltaFrame;
}

/** An end frame with 5 prompt tokens and 7 completion tokens. */
export function endFrame(finish: EndFrame['finish_reason']): EndFrame {
  return {
    type: 'end',
    seq: 9,
    finish_reason: finish,
    usage: { prompt_tokens: 5, completion_tokens: 7 },
  } as EndFrame;
}
