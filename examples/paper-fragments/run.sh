#!/usr/bin/env bash
# The molecule experiment of "GFlowNets and Variational Inference" (Malkin et al., ICLR 2023, §5.2) with the
# paper's reward: the sEH binding proxy of Bengio et al. (2021), R = (max(0.1, y)/8)^β, on the original
# 105-block vocabulary with 2–8 blocks, batch 4, P_B uniform over distinct parents. Methods: trajectory
# balance (log Z from 30, trained at the policy's learning rate), reverse KL (self-normalised importance
# weights, batch-mean baseline) and forward KL, each on-policy and ε-uniform off-policy; Adam over a grid of
# learning rates × β. Each run reports the paper's metric: the Pearson correlation of the exact log P_F^T(x)
# with log R(x) on the paper's 950 held-out molecules (--heldout-file; that set may be read for evaluation but
# not shipped), and top-100 reward, unique molecules and modes among molecules sampled from the final policy.
# (The QED version of this experiment is run-qed.sh.)
#
# Usage (from anywhere):  examples/paper-fragments/run.sh
#   PILOT=1 OUT=docs/results/fragments-seh examples/paper-fragments/run.sh   # one β, two learning rates, short
# Finished runs are kept and skipped, so an interrupted reproduction continues where it stopped.
set -euo pipefail
cd "$(dirname "$0")/../.."

PILOT=${PILOT:-0}
if [ "$PILOT" = 1 ]; then
  P_ITER=1000 P_LRS="5e-4 1e-3" P_BETAS=10 P_POLICY=mlp
else
  P_ITER=50000 P_LRS="5e-5 1e-4 5e-4 1e-3" P_BETAS="4 8 10 16" P_POLICY=mpnn
fi
ITERATIONS=${ITERATIONS:-$P_ITER}  # the paper: 50,000
LRS=${LRS:-$P_LRS}                 # Adam learning rates (the paper's grid: 5e-5 1e-4 5e-4 1e-3)
BETAS=${BETAS:-$P_BETAS}           # reward exponents (the paper's grid: 4 8 10 16)
POLICY=${POLICY:-$P_POLICY}        # mpnn (the paper's block-graph message passing, width 256, 10 rounds) or mlp (faster)
SEEDS=${SEEDS:-1}
BATCH=${BATCH:-4}                  # the paper: 4
LOGZ_INIT=${LOGZ_INIT:-30}         # TB's initial log Z (the original code: 30)
EPSILON=${EPSILON:-0.05}           # off-policy: uniform random action probability (the original random_action_prob)
METRIC_SAMPLES=${METRIC_SAMPLES:-1000}
HELDOUT_FILE=${HELDOUT_FILE:-../shared/data/seh/heldout_some_mols_U_1k.json}
JOBS=${JOBS:-2}
BACKEND=${BACKEND:-wasm}
METHODS=${METHODS:-"on-tb on-rkl on-fkl off-tb off-rkl off-fkl"}
OUT=${OUT:-runs/paper-fragments}

[ -f "$HELDOUT_FILE" ] || { echo "paper-fragments: no held-out molecules at $HELDOUT_FILE (set HELDOUT_FILE)" >&2; exit 2; }
if [ "$POLICY" = mpnn ]; then POLICY_OPTIONS="--policy mpnn --hidden 256 --mpnn-rounds 10"; else POLICY_OPTIONS="--policy mlp --hidden 256,256"; fi
mkdir -p "$OUT/runs"
OFF="--sampler off-policy --epsilon $EPSILON --epsilon-final $EPSILON"

method_options() {
  case "$1" in
    on-tb) echo "--objective tb --sampler on-policy --logz-init $LOGZ_INIT" ;;
    on-rkl) echo "--objective rkl --sampler on-policy --baseline batch-mean" ;;
    on-fkl) echo "--objective fkl --sampler on-policy" ;;
    off-tb) echo "--objective tb $OFF --logz-init $LOGZ_INIT" ;;
    off-rkl) echo "--objective rkl --importance-weights self-normalized --baseline batch-mean $OFF" ;;
    off-fkl) echo "--objective fkl --importance-weights self-normalized $OFF" ;;
    *) echo "unknown method $1" >&2; exit 2 ;;
  esac
}

jobs_file="$OUT/jobs.txt"
: >"$jobs_file"
for ((seed = 0; seed < SEEDS; seed++)); do
  for beta in $BETAS; do
    for lr in $LRS; do
      for m in $METHODS; do
        file="$OUT/runs/$m-b$beta-lr$lr-seed$seed.json"
        [ -s "$file" ] && continue
        echo "pnpm -s gfn train --env fragments --reward seh --beta $beta --vocabulary pdb105 --min-fragments 2 --max-fragments 8 \
--pb uniform $POLICY_OPTIONS $(method_options "$m") --iterations $ITERATIONS --batch-size $BATCH --lr $lr --lr-logz $lr \
--metric-samples $METRIC_SAMPLES --heldout-file $HELDOUT_FILE --seed $seed --backend $BACKEND --quiet --out $file" >>"$jobs_file"
      done
    done
  done
done

todo=$(wc -l <"$jobs_file")
echo "paper-fragments: $todo runs to do ($JOBS at a time) into $OUT/runs" >&2
start=$(date +%s)
export PNPM_CONFIG_PM_ON_FAIL=ignore
tr '\n' '\0' <"$jobs_file" | xargs -0 -r -P "$JOBS" -I{} bash -c '{} || echo "FAILED: {}" >&2'
echo "paper-fragments: done in $(( $(date +%s) - start )) s" >&2
node examples/paper-fragments/aggregate.mjs "$OUT"
