/** What the benchmarks share: percentiles, a bounded-concurrency load loop. */

export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

/** Run `n` calls with `concurrency` in flight: calls per second, p50/p99 latencies (ms), wall time (s). */
export async function load(n: number, concurrency: number, one: (i: number) => Promise<void>) {
  const lat: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        const t = performance.now();
        await one(i);
        lat.push(performance.now() - t);
      }
    }),
  );
  const wall = (performance.now() - started) / 1000;
  return { perSec: n / wall, p50: pct(lat, 50), p99: pct(lat, 99), wall };
}
