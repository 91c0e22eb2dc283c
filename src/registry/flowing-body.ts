// Reading an undici response body in flowing mode, never paused. undici 7
// crashes the whole process (an uncatchable assertion, nodejs/undici#5360)
// when the server closes the connection while the body sits paused under
// backpressure, which `for await` and slow async consumers cause.

/** What undici hands back as a response body. */
export type ResponseBody = NodeJS.ReadableStream & { destroy(error?: Error): unknown };

/**
 * Hand every chunk of `body` to `onChunk`, synchronously, as it arrives.
 * `onChunk` returns `false` to stop reading (the rest is discarded) or throws
 * to abort; the body is then destroyed and its error swallowed. Resolves at
 * the end of the body; rejects with what `onChunk` threw, or the body's error.
 */
export function drainFlowing(body: ResponseBody, onChunk: (chunk: Buffer) => boolean | void): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const stop = (error?: unknown) => {
      if (settled) return;
      settled = true;
      body.removeAllListeners('data');
      body.on('error', () => undefined);
      body.destroy();
      if (error === undefined) resolve();
      else reject(error);
    };
    body.on('data', (chunk: Buffer) => {
      if (settled) return;
      try {
        if (onChunk(chunk) === false) stop();
      } catch (error) {
        stop(error ?? new Error('body consumer failed'));
      }
    });
    body.on('error', (error: unknown) => stop(error ?? new Error('body failed')));
    body.on('end', () => {
      if (settled) return;
      settled = true;
      resolve();
    });
  });
}
