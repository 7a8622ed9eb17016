/**
 * Side-by-side timing for the benchmarks: tasks measured in many short rounds, each round a tinybench run of
 * every task (median time per call), the order reversed every other round.
 *
 * Why: this is a shared cloud machine whose speed changes by up to 2x within seconds. A ratio of two times is
 * only fair when both were measured in the same phase, so the rounds are short (20 ms a task) and the order
 * alternates, so that neither task always runs first after a change. A ratio is then the median of the
 * per-round ratios. Against nine rounds of 100 ms in a fixed order, this kept the ratios' median and narrowed
 * their spread between runs (README, Performance).
 */
import { Bench } from 'tinybench';

export const ROUND_MS = 20;
// At least this many calls a round, however slow the task (tinybench's default of 64 made the official
// library's rounds of the nested fixtures last a quarter of a second).
const MIN_CALLS = 10;
const WARMUP_MS = 100;

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Each task's median time per call in every round, in ns. The first round warms up first. */
export async function alternatingRounds(tasks: Record<string, () => unknown>, rounds: number): Promise<Record<string, number[]>> {
  const names = Object.keys(tasks);
  const out: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time: ROUND_MS, iterations: MIN_CALLS, warmup: round === 0, warmupTime: WARMUP_MS });
    for (const name of round % 2 ? [...names].reverse() : names) bench.add(name, tasks[name]!);
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result as { latency?: { p50?: number } } | undefined;
      if (result?.latency?.p50 === undefined) throw new Error(`${task.name} did not complete`);
      out[task.name]!.push(result.latency.p50 * 1e6); // ms -> ns
    }
  }
  return out;
}

/** Two tasks side by side: each one's median over the rounds, and the median of the per-round ratios b / a. */
export async function sideBySide(a: () => unknown, b: () => unknown, rounds: number): Promise<{ aNs: number; bNs: number; ratio: number }> {
  const times = await alternatingRounds({ a, b }, rounds);
  const as = times.a!;
  const bs = times.b!;
  return { aNs: median(as), bNs: median(bs), ratio: median(as.map((t, i) => bs[i]! / t)) };
}
