/** The frames of a reply stream, as far as {@link streamInFlight} reads them. */
interface StreamedFrame {
  type: string;
  text?: string | undefined;
  worker?: string | undefined;
}

/** A streamed answer a test reads in the background while it does something else. */
export interface StreamInFlight {
  /** Resolves at the first delta, or when the stream fails before one comes. */
  firstDelta: Promise<void>;
  /** The whole text and the worker that answered (from the start frame); rejects as the stream does. */
  done: Promise<{ text: string; worker: string }>;
}

/**
 * Reads `frames` to their end in the background. Tests that act on a request in flight (stop a
 * worker, change its endpoints, remove a model) wait for `firstDelta`, act, then check `done`.
 */
export function streamInFlight(frames: AsyncIterable<StreamedFrame>): StreamInFlight {
  let started: () => void = () => undefined;
  const firstDelta = new Promise<void>((resolve) => (started = resolve));
  const done = (async () => {
    let text = '';
    let worker = '';
    for await (const frame of frames) {
      if (frame.type === 'start') worker = frame.worker ?? '';
      if (frame.type === 'delta') {
        text += frame.text ?? '';
        started();
      }
    }
    return { text, worker };
  })();
  done.catch(() => started());
  return { firstDelta, done };
}
