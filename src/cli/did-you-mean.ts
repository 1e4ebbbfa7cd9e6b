/**
 * The candidate a mistyped word most likely meant, if any is close enough to be a typo: the fewest
 * edits (a swap of two neighbours counts as one, so `--prot` finds `--port`), allowing one edit for
 * short words and about one in six for long ones; failing that, the only candidate it abbreviates
 * (`--obs` → `--observer`).
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const names = [...candidates];
  let best: string | undefined;
  let bestDistance = (word.length <= 4 ? 1 : Math.max(2, Math.floor(word.length / 6))) + 1;
  for (const candidate of names) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined) return best;
  const abbreviated = word.length >= 3 ? names.filter((name) => name.startsWith(word)) : [];
  return abbreviated.length === 1 ? abbreviated[0] : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = rows[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      let distance = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, rows[i - 2]![j - 2]! + 1);
      }
      row[j] = distance;
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/** `; did you mean "http"?`, or nothing when no candidate is close. */
export function suggestion(word: string, candidates: Iterable<string>, quote = true): string {
  const near = didYouMean(word, candidates);
  if (near === undefined) return '';
  return `; did you mean ${quote ? JSON.stringify(near) : near}?`;
}
