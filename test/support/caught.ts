// The SignetError a promise rejects with; fails the test when it resolves or
// rejects with anything else.

import { SignetError } from '../../src/errors.js';

export async function caught(promise: Promise<unknown>): Promise<SignetError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SignetError) return error;
    throw error;
  }
  throw new Error('expected an error');
}
