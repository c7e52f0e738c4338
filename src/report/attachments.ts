import type { Exchange } from '../http/exchange.js';

/** A body longer than this is attached whole once per run; every other check that judged it gets a preview. */
export const PREVIEW_CHARS = 16 * 1024;
/** The default budget of a run's attachments, in MB (--results-budget). */
export const DEFAULT_BUDGET_MB = 64;
const MB = 1024 * 1024;
// Whitespace runs this long say nothing a reviewer needs to read: a preview gives their length instead.
const WHITESPACE_RUN = /\s{64,}/g;

export interface Attachment {
  name: string;
  content: string | Buffer;
  contentType: string;
}

/** What a run left out of its attachments to stay within its budget. */
export interface LeftOut {
  count: number;
  bytes: number;
}

/**
 * Chooses what a run attaches to its checks. A capped body can be a megabyte and is judged by dozens of checks, so a
 * large one is attached whole to the first check only and previewed in the others; past the run's budget, an
 * attachment is replaced by a note saying what was left out and why. One instance per run.
 */
export class Attachments {
  private spent = 0;
  /** Large exchanges and screenshots already attached whole, with the check that carries them. */
  private readonly exchangeCarriers = new WeakMap<Exchange, string>();
  private readonly screenshotCarriers = new WeakMap<Exchange, string>();

  constructor(private readonly budgetBytes = DEFAULT_BUDGET_MB * MB) {}

  /** The attachments of one check, which judged these exchanges; `leftOut` counts what the budget kept out. */
  forCheck(check: string, exchanges: Exchange[], observed?: string): { attachments: Attachment[]; leftOut: LeftOut } {
    const leftOut: LeftOut = { count: 0, bytes: 0 };
    const attachments: Attachment[] = [];
    const budget = `the run's attachments past their budget of ${this.budgetBytes / MB} MB (--results-budget)`;
    /** Attaches the first candidate the budget has room for, or a note; what a later candidate stands in for is left out. */
    const add = (name: string, contentType: string, candidates: Array<string | Buffer>): number => {
      const chosen = candidates.findIndex((c) => this.spent + Buffer.byteLength(c) <= this.budgetBytes);
      if (chosen !== 0) {
        leftOut.count++;
        leftOut.bytes += Buffer.byteLength(candidates[0]!);
      }
      if (chosen === -1) {
        attachments.push({
          name: `${name} (left out)`,
          content: `Left out: this attachment (${Buffer.byteLength(candidates[0]!)} bytes) would take ${budget}.`,
          contentType: 'text/plain',
        });
      } else {
        this.spent += Buffer.byteLength(candidates[chosen]!);
        attachments.push({ name, content: candidates[chosen]!, contentType });
      }
      return chosen;
    };
    for (const original of exchanges) {
      const { screenshot, ...exchange } = original;
      const name = `${exchange.id} ${exchange.label}`;
      const carrier = this.exchangeCarriers.get(original);
      if (!isLarge(exchange)) add(name, 'application/json', [JSON.stringify(readable(exchange), null, 2)]);
      else if (carrier) add(name, 'application/json', [JSON.stringify(previewed(exchange, `the whole exchange is attached to ${carrier}`), null, 2)]);
      else {
        const candidates = [JSON.stringify(exchange, null, 2), JSON.stringify(previewed(exchange, `the whole exchange would take ${budget}`), null, 2)];
        if (add(name, 'application/json', candidates) === 0) this.exchangeCarriers.set(original, check);
      }
      if (!screenshot) continue;
      // Masked when taken (flows/browser-login.ts): password fields and fields typed a secret into.
      const shown = this.screenshotCarriers.get(original);
      if (shown) attachments.push({ name: `${name} (screenshot)`, content: `The screenshot of this page is attached to ${shown}.`, contentType: 'text/plain' });
      else if (add(`${name} (screenshot)`, 'image/png', [Buffer.from(screenshot, 'base64')]) === 0) this.screenshotCarriers.set(original, check);
    }
    if (observed !== undefined) add('observed', 'application/json', [observed]);
    return { attachments, leftOut };
  }
}

/**
 * The exchange with a JSON object or array body shown as JSON, formatted, rather than one escaped string; any other
 * body (a form, text, JSON that is a bare value) as it was.
 */
function readable(exchange: Omit<Exchange, 'screenshot'>): unknown {
  const shown = (body: string) => {
    try {
      const value: unknown = JSON.parse(body);
      return value !== null && typeof value === 'object' ? value : body;
    } catch {
      return body;
    }
  };
  return {
    ...exchange,
    request: { ...exchange.request, ...(exchange.request.body !== undefined && { body: shown(exchange.request.body) }) },
    ...(exchange.response && { response: { ...exchange.response, body: shown(exchange.response.body) } }),
  };
}

function isLarge(exchange: Omit<Exchange, 'screenshot'>): boolean {
  return (exchange.request.body?.length ?? 0) > PREVIEW_CHARS || (exchange.response?.body.length ?? 0) > PREVIEW_CHARS;
}

function previewed(exchange: Omit<Exchange, 'screenshot'>, why: string): Omit<Exchange, 'screenshot'> & { note: string } {
  // The note first: a reviewer reads it before the bodies it explains.
  return {
    note: `Bodies are previewed: ${why}.`,
    ...exchange,
    request: { ...exchange.request, ...(exchange.request.body !== undefined && { body: preview(exchange.request.body) }) },
    ...(exchange.response && { response: { ...exchange.response, body: preview(exchange.response.body) } }),
  };
}

/** The first PREVIEW_CHARS characters of a body, long whitespace runs given as their length, and how much is not shown. */
export function preview(body: string, limit = PREVIEW_CHARS): string {
  let shown = '';
  let at = 0;
  while (at < body.length && shown.length < limit) {
    WHITESPACE_RUN.lastIndex = at;
    const run = WHITESPACE_RUN.exec(body);
    const end = run ? run.index : body.length;
    const take = Math.min(end - at, limit - shown.length);
    shown += body.slice(at, at + take);
    at += take;
    if (run && at === run.index) {
      shown += `⟨${run[0].length} whitespace characters⟩`;
      at += run[0].length;
    }
  }
  return at < body.length ? `${shown}… ${body.length - at} more characters not shown` : shown;
}
