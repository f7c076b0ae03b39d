// Apart from train.ts so that checkpoint.ts can name it without importing the training loop (no import cycle).

/** Metrics at one evaluation point. */
export interface HistoryRecord {
  /** Iterations completed. */
  readonly iteration: number;
  /** Trajectories sampled so far. */
  readonly trajectories: number;
  /** Mean training loss since the previous record. */
  readonly loss: number;
  readonly logZ: number | null;
  /** Exact metrics, when the environment can enumerate its states. */
  readonly jsd?: number;
  readonly l1?: number;
  readonly tv?: number;
  /** Training seconds (sampling and update, evaluation excluded) so far. */
  readonly seconds: number;
}
