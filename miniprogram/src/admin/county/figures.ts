/** A rate as a whole percentage, or a dash when there is nothing to rate yet. */
export const pct = (r: number | null | undefined) => (r === null || r === undefined ? '—' : `${Math.round(r * 100)}%`);
