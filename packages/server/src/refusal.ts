/**
 * A refusal: what a service says when a request cannot be done — a stable code of the one catalogue (core's
 * ERROR_CODES, with its kind) and a Chinese message. Services throw it whoever called them; each edge turns it into
 * its reply: the console an HTTP status by the code's kind, the HIS interface infcode -1 with err_code and err_msg.
 */
import { ERROR_CODES, errorKind, HTTP_STATUS, type ErrorCode } from '@sanbao/core';

/** The one catalogue (core's): every code with its Chinese message and its kind. */
export const REFUSALS = ERROR_CODES;
export type RefusalCode = ErrorCode;

export class Refusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'Refusal';
  }

  /** The HTTP status the console answers it with (the HIS interface answers infcode -1). */
  get status(): number {
    return HTTP_STATUS[errorKind(this.code)];
  }
}
