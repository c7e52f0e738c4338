/** Edits (insertions, deletions, substitutions) that turn `a` into `b`. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = row;
  }
  return previous[b.length]!;
}

/**
 * The candidate a mistyped word most likely meant (a typo, a letter too many or too few), for a "did you mean"; none
 * when no candidate is that close.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const bound = Math.max(2, Math.floor(word.length / 3));
  let best: { candidate: string; edits: number } | undefined;
  for (const candidate of candidates) {
    const edits = distance(word.toLowerCase(), candidate.toLowerCase());
    if (edits <= bound && (!best || edits < best.edits)) best = { candidate, edits };
  }
  return best?.candidate;
}

/** " (did you mean X?)" for a mistyped word, or nothing. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const meant = closest(word, candidates);
  return meant ? ` (did you mean ${meant}?)` : '';
}
