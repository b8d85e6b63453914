/**
 * The tests' ID key: fixed, so that the template database made by the global set-up, the test files' clones of it,
 * the `sanbao` commands run in-process and the platforms spawned by tests all seal and index with the same key.
 */
import { IdentityKey, useIdentityKey } from '../security/identity.js';

export const TEST_ID_KEY = '7e57'.repeat(16);

/** Installs the test key in this process, and in the environment that commands and spawned platforms read. */
export function useTestIdentityKey(): IdentityKey {
  process.env['SANBAO_ID_KEY'] = TEST_ID_KEY;
  const key = IdentityKey.fromHex(TEST_ID_KEY);
  useIdentityKey(key);
  return key;
}
