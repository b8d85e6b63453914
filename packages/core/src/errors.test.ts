/** The one error catalogue: every code has a Chinese message and a kind, and each kind one HTTP status. */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, errorKind, HTTP_STATUS, type ErrorCode } from './errors.js';

describe('the error catalogue', () => {
  it('gives every code a Chinese message and an HTTP status through its kind', () => {
    for (const [code, message] of Object.entries(ERROR_CODES)) {
      expect(message, code).toMatch(/[\u4e00-\u9fff]/);
      expect(HTTP_STATUS[errorKind(code as ErrorCode)], code).toBeGreaterThanOrEqual(400);
    }
  });

  it('answers each kind of refusal as the console always has', () => {
    const statuses: [ErrorCode, number][] = [
      ['SCHEMA', 400],
      ['DATE_ORDER', 400],
      ['PASSWORD_WEAK', 400],
      ['LOGIN_FAILED', 401],
      ['AUTH_REQUIRED', 401],
      ['FORBIDDEN', 403],
      ['OUT_OF_SCOPE', 403],
      ['PASSWORD_WRONG', 403],
      ['NOT_FOUND', 404],
      ['SETTLEMENT_NOT_FOUND', 404],
      ['STATE', 409],
      ['BUSY', 409],
      ['APPLICATION_NOT_ELIGIBLE', 409],
      ['BODY_TOO_LARGE', 413],
      ['LEDGER_FORMAT', 415],
      ['ACCOUNT_LOCKED', 423],
      ['LOGIN_BUSY', 429],
      ['RATE_LIMITED', 429],
      ['SERVICE_UNAVAILABLE', 503],
      ['INVARIANT', 500],
    ];
    expect(statuses.map(([code]) => [code, HTTP_STATUS[errorKind(code)]])).toEqual(statuses);
  });
});
