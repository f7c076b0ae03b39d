#!/usr/bin/env bash
# The molecule experiment of "GFlowNets and Variational Inference" (Malkin et al., ICLR 2023, §5.2) at a
# small scale, on the fragment environment of Bengio et al. (2021) with the offline QED reward
# R = max(QED, 0.0125)^β instead of the paper's sEH proxy (whose weights cannot be downloaded).
# β defaults to 32 here, not the original 10: with QED, the β = 10 target spreads its mass over the very
# many mid-QED molecules (an importance-sampling estimate puts less of it above QED 0.9 than the uniform
# random policy does), so counting modes at QED > 0.9 would not tell methods apart; at β = 32 it does.
# Compares trajectory balance, reverse KL and forward KL, on-policy and off-policy (ε-uniform exploration,
# importance-weighted for the KL objectives), with P_B uniform over distinct parents, an MLP policy and the
# default 48-block vocabulary. Every run reports the paper's metric (Pearson correlation of the exact
# log P_F^T(x) with log R(x) on a fixed held-out set of molecules), top-100 mean reward and QED over
# unique molecules, unique molecules and modes (QED > 0.9, Tanimoto < 0.7 to earlier modes) among
# METRIC_SAMPLES molecules sampled from the trained policy, and the same for the uniform random policy.
#
# Usage (from anywhere):  examples/paper-fragments/run-qed.sh
# Settings are environment variables, e.g. the small run committed in docs/results/fragments:
#   ITERATIONS=250 SEEDS=1 examples/paper-fragments/run-qed.sh
# Finished runs are kept and skipped, so an interrupted reproduction continues where it stopped.
set -euo pipefail
cd "$(dirname "$0")/../.."

SEEDS=${SEEDS:-3}                  # policy seeds per method
ITERATIONS=${ITERATIONS:-2000}     # gradient steps per run
BATCH=${BATCH:-16}                 # trajectories per step
HIDDEN=${HIDDEN:-128,128}          # MLP widths
LR=${LR:-1e-3}                     # Adam, P_F
LR_LOGZ=${LR_LOGZ:-0.1}            # Adam, log Z
LOGZ_INIT=${LOGZ_INIT:-12}         # initial log Z (TB learns about 15 at β = 32; the original code starts at 30 with sEH)
BETA=${BETA:-32}                   # reward exponent (the CLI's default is the original 10; see above)
EPSILON=${EPSILON:-0.05}           # off-policy: uniform random action probability (the original random_action_prob)
METRIC_SAMPLES=${METRIC_SAMPLES:-1000}
HELDOUT=${HELDOUT:-128}            # held-out molecules for the correlation metric
JOBS=${JOBS:-1}                    # runs at a time
BACKEND=${BACKEND:-wasm}
METHODS=${METHODS:-"on-tb on-rkl on-fkl off-tb off-rkl off-fkl"}
OUT=${OUT:-docs/results/fragments}

mkdir -p "$OUT/runs"
OFF="--sampler off-policy --epsilon $EPSILON --epsilon-final $EPSILON"

method_options() {
  case "$1" in
    on-tb) echo "--objective tb --sampler on-policy" ;;
    on-rkl) echo "--objective rkl --sampler on-policy" ;;
    on-fkl) echo "--objective fkl --sampler on-policy" ;;
    off-tb) echo "--objective tb $OFF" ;;
    off-rkl) echo "--objective rkl --importance-weights plain $OFF" ;;
    off-fkl) echo "--objective fkl --importance-weights plain $OFF" ;;
    *) echo "unknown method $1" >&2; exit 2 ;;
  esac
}

jobs_file="$OUT/jobs.txt"
: >"$jobs_file"
for ((seed = 0; seed < SEEDS; seed++)); do
  for m in $METHODS; do
    file="$OUT/runs/$m-seed$seed.json"
    [ -s "$file" ] && continue
    echo "pnpm -s gfn train --env fragments --beta $BETA --pb uniform $(method_options "$m") \
--iterations $ITERATIONS --batch-size $BATCH --hidden $HIDDEN --lr $LR --lr-logz $LR_LOGZ --logz-init $LOGZ_INIT \
--metric-samples $METRIC_SAMPLES --heldout $HELDOUT --seed $seed --backend $BACKEND --quiet --out $file" >>"$jobs_file"
  done
done

todo=$(wc -l <"$jobs_file")
echo "paper-fragments: $todo runs to do ($JOBS at a time) into $OUT/runs" >&2
start=$(date +%s)
export PNPM_CONFIG_PM_ON_FAIL=ignore
tr '\n' '\0' <"$jobs_file" | xargs -0 -r -P "$JOBS" -I{} bash -c '{} || echo "FAILED: {}" >&2'
echo "paper-fragments: done in $(( $(date +%s) - start )) s" >&2
node examples/paper-fragments/aggregate-qed.mjs "$OUT"
