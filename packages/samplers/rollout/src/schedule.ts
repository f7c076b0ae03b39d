/** Shapes of an exploration schedule. */
export type ScheduleKind = 'constant' | 'linear' | 'cosine' | 'exponential';

/** All schedule kinds, in a stable order (for option parsers). */
export const SCHEDULE_KINDS: readonly ScheduleKind[] = ['constant', 'linear', 'cosine', 'exponential'];

/** A value as a function of the training iteration (0-based). */
export type Schedule = (iteration: number) => number;

/** Options of {@link schedule}. */
export interface ScheduleOptions {
  readonly kind: ScheduleKind;
  /** Value at iteration 0. */
  readonly initial: number;
  /** Value from iteration `iterations` on (ignored by `constant`). */
  readonly final: number;
  /** Length of the annealing phase T, in iterations (≥ 0; 0 means `final` from the start, except for `constant`). */
  readonly iterations: number;
}

/**
 * Remaining fraction of the gap left by the `exponential` schedule at t/T = 1 before it is renormalised
 * to reach `final` exactly: the gap shrinks by this factor over the annealing phase.
 */
export const EXPONENTIAL_DECAY = 1e-3;

/**
 * An annealing schedule from `initial` to `final` over `iterations` = T steps. With u = min(t/T, 1):
 * - `constant`: `initial` at every iteration;
 * - `linear`: initial + (final − initial)·u;
 * - `cosine`: final + (initial − final)·(1 + cos(π·u))/2 (the paper's hypergrid exit-bias schedule);
 * - `exponential`: final + (initial − final)·(d^u − d)/(1 − d) with d = {@link EXPONENTIAL_DECAY}, i.e. a
 *   geometric decay of the gap by a factor 1000 over T, shifted so that it reaches `final` exactly at T.
 * Every kind but `constant` equals `final` for t ≥ T.
 *
 * @example
 * const bias = schedule({ kind: 'cosine', initial: 1, final: 0, iterations: 600 });
 * bias(0); // 1
 * bias(300); // 0.5
 */
export function schedule(options: ScheduleOptions): Schedule {
  const { kind, initial, final, iterations: T } = options;
  if (!Number.isFinite(initial)) throw new RangeError(`schedule: initial must be a finite number, got ${initial}`);
  if (!Number.isFinite(final)) throw new RangeError(`schedule: final must be a finite number, got ${final}`);
  if (!Number.isInteger(T) || T < 0) throw new RangeError(`schedule: iterations must be an integer ≥ 0, got ${T}`);
  const gap = initial - final;
  const fraction = (t: number): number => {
    if (!(t >= 0)) throw new RangeError(`schedule: iteration must be ≥ 0, got ${t}`);
    return T === 0 ? 1 : Math.min(t / T, 1);
  };
  switch (kind) {
    case 'constant':
      return () => initial;
    case 'linear':
      return (t) => initial - gap * fraction(t);
    case 'cosine':
      return (t) => final + (gap * (1 + Math.cos(Math.PI * fraction(t)))) / 2;
    case 'exponential': {
      const d = EXPONENTIAL_DECAY;
      return (t) => {
        const u = fraction(t);
        return u >= 1 ? final : final + (gap * (d ** u - d)) / (1 - d);
      };
    }
    default:
      throw new RangeError(`schedule: kind must be one of ${SCHEDULE_KINDS.join('|')}, got "${String(kind)}"`);
  }
}

/** A constant, or a schedule, as a schedule. */
export function asSchedule(value: number | Schedule): Schedule {
  if (typeof value === 'function') return value;
  if (!Number.isFinite(value)) throw new RangeError(`schedule: value must be a finite number, got ${value}`);
  return () => value;
}
