// Passphrase and PIN requests answered one at a time, in call order, so a
// terminal prompt never interleaves while unlocks run side by side.

import type { PassphraseProvider } from './keystore.js';

/** A provider that answers one request at a time, in call order. */
export function serialPassphrases(provider: PassphraseProvider): PassphraseProvider {
  let queue: Promise<unknown> = Promise.resolve();
  return (request) => {
    const answer = queue.then(() => provider(request));
    queue = answer.catch(() => undefined);
    return answer;
  };
}
