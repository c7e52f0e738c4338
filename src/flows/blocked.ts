import type { Exchange } from '../http/exchange.js';

/**
 * Thrown when what a check needs could not be obtained (discovery failed, no token was issued): the check cannot
 * judge, and the report says what blocked it, with the exchanges that show why, instead of blaming its own rule.
 */
export class Blocked extends Error {
  constructor(
    message: string,
    readonly exchanges: Exchange[] = [],
  ) {
    super(message);
    this.name = 'Blocked';
  }
}

/** Thrown when a check does not apply to this vendor or run (an opaque token, no revocation endpoint, no --long). */
export class NotApplicable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotApplicable';
  }
}
