import type { Exchange } from './exchange.js';

/** One line for an exchange, as --verbose prints it: the suite, the request, and its answer or why there is none. */
export function exchangeLine(suite: string, { label, request, response, error, durationMs }: Exchange): string {
  const answer = response ? `${response.status}` : `no answer (${error ?? 'unknown'})`;
  return `${suite}  ${request.method} ${request.url} → ${answer}  ${durationMs} ms  ${label}`;
}
