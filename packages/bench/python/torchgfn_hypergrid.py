"""Runs torchgfn's own hypergrid script (tutorials/examples/train_hypergrid.py) and times its training loop.

Usage: python3 torchgfn_hypergrid.py TORCHGFN_DIR WARMUP_ITERATIONS THREADS -- SCRIPT_ARGS...

The script runs unchanged, as `__main__`, with its own arguments. Timing wraps the `trange` it
iterates over: iterations/s are counted from the start of iteration WARMUP_ITERATIONS to the end of
the loop, so they include its periodic validation but not Python, torch or torchgfn start-up. The
last line of stdout is `GFN_PEER_RESULT {json}`; everything the script prints goes to stderr.

Where a module the script needs is missing here, a minimal stand-in is put on the path and named in
the result: the `wandb` logger (used only with --wandb_project), tqdm's progress bar, einops'
`rearrange` (the same permute and reshape einops performs for the patterns torchgfn uses) and the
package metadata of a source checkout.
"""

import importlib.util
import json
import re
import os
import runpy
import sys
import tempfile
import time
import types


def _missing(name):
    return importlib.util.find_spec(name) is None


def _stand_ins(shims):
    """Minimal stand-ins for absent modules; returns their names."""
    used = []
    if _missing("wandb"):
        wandb = types.ModuleType("wandb")

        def _unused(*_args, **_kwargs):
            raise RuntimeError("wandb is not installed (peer benchmark stand-in)")

        wandb.init = wandb.log = _unused
        wandb.config = types.SimpleNamespace(update=_unused)
        sys.modules["wandb"] = wandb
        used.append("wandb")
    if _missing("tqdm"):
        tqdm_module = types.ModuleType("tqdm")

        class tqdm:  # noqa: N801 (tqdm's own name)
            @staticmethod
            def write(s):
                print(s, file=sys.stderr)

        tqdm_module.tqdm = tqdm
        tqdm_module.trange = lambda n, *a, **k: range(n)
        sys.modules["tqdm"] = tqdm_module
        used.append("tqdm")
    if _missing("einops"):
        sys.modules["einops"] = _einops_stand_in()
        used.append("einops")
    try:
        import importlib.metadata as metadata

        metadata.version("torchgfn")
    except Exception:
        # A source checkout is not installed: give it package metadata, as `pip install -e` would.
        dist = os.path.join(shims, "torchgfn-0.0.0.dist-info")
        os.makedirs(dist, exist_ok=True)
        with open(os.path.join(dist, "METADATA"), "w") as f:
            f.write("Metadata-Version: 2.1\nName: torchgfn\nVersion: 0.0.0\n")
        sys.path.insert(0, shims)
        used.append("torchgfn metadata")
    return used


def _einops_stand_in():
    """`rearrange` for the patterns torchgfn uses: flatten groups, permute named axes, `...`."""
    module = types.ModuleType("einops")

    def parse(side):
        """Axis groups of one side, each `(parenthesised, names)`: `(a b)` is one group, `...` the unnamed axes."""
        return [(t.startswith("("), t.strip("()").split()) for t in re.findall(r"\([^)]*\)|\S+", side)]

    def rearrange(x, pattern):
        left, right = (s.strip() for s in pattern.split("->"))
        names = [n for _, g in parse(left) for n in g]
        if "..." in names:
            k = names.index("...")
            names = names[:k] + [f"_e{j}" for j in range(x.dim() - len(names) + 1)] + names[k + 1 :]
        ellipsis = [n for n in names if n.startswith("_e")]
        sizes = dict(zip(names, x.shape))
        groups = []
        for parenthesised, g in parse(right):
            axes = [m for n in g for m in (ellipsis if n == "..." else [n])]
            groups += [axes] if parenthesised else [[a] for a in axes]
        y = x.permute(*[names.index(n) for g in groups for n in g])
        shape = []
        for g in groups:
            size = 1
            for n in g:
                size *= sizes[n]
            shape.append(size)
        return y.reshape(*shape)

    module.rearrange = rearrange
    return module


def main():
    torchgfn_dir, warmup, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    script_args = sys.argv[sys.argv.index("--") + 1 :]
    script = os.path.join(torchgfn_dir, "tutorials", "examples", "train_hypergrid.py")
    if not os.path.isfile(script):
        raise SystemExit(f"torchgfn_hypergrid: {script} not found (TORCHGFN_DIR must be a torchgfn checkout)")
    sys.path.insert(0, os.path.join(torchgfn_dir, "src"))
    stand_ins = _stand_ins(tempfile.mkdtemp(prefix="gfn-peer-"))

    import torch

    torch.set_num_threads(threads)
    import tqdm as tqdm_module

    marks = {}

    def timed_trange(n, *_args, **_kwargs):
        for i in range(n):
            if i == warmup:
                marks["start"] = time.perf_counter()
            yield i
        marks["end"] = time.perf_counter()
        marks["iterations"] = n

    tqdm_module.trange = timed_trange
    real_stdout = sys.stdout
    sys.stdout = sys.stderr
    sys.argv = [script, *script_args]
    try:
        runpy.run_path(script, run_name="__main__")
    finally:
        sys.stdout = real_stdout
    if "start" not in marks or "end" not in marks:
        raise SystemExit("torchgfn_hypergrid: the script's loop did not run past the warm-up (is --n_trajectories large enough?)")
    measured = marks["iterations"] - warmup
    result = {
        "iterationsPerSecond": measured / (marks["end"] - marks["start"]),
        "iterations": measured,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "standIns": stand_ins,
    }
    print("GFN_PEER_RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
