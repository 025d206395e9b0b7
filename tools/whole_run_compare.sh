#!/usr/bin/env bash
# Whole runs against PyTorch: the same Gatys problem (RandomVgg.vgg19(42) weights, chelsea.jpg on
# mosaic.png at 512 px, classic loss with alpha 10 and beta 40, L-BFGS as torch's, 300
# iterations, no coarse to fine) solved by nst's dev.nst.benchmarks.WholeRun on each backend and
# by tools/pytorch_whole_run.py, interleaved (PyTorch, then each backend; the order reverses
# every round). Prints, per round and backend:
#   * the ratio of wall times (nst / PyTorch; images, targets, graph compilation and the
#     iterations, not the drawing of the random weights) and of the optimisation times alone;
#   * the time nst took to reach PyTorch's final loss (from nst's loss trace), over the time
#     PyTorch took to reach it (its last evaluation), and at which iteration nst got there;
#   * the mean absolute difference of the two result images (8-bit RGB values, 0..255).
# Writes every run's JSON and PNG and summary.json into the output folder.
#
# Needs the benchmarks jar (./mvnw -B -q -DskipTests -Pbenchmarks -pl nst-benchmarks -am package;
# add -Ponnx-gpu / -Pnd4j-cuda for a GPU, then NST_DEVICE=gpu), and Debian's python3-torch,
# python3-numpy and python3-pil for the PyTorch side and the comparison.
#
#   tools/whole_run_compare.sh [iterations=300] [size=512] [backends="onnx"] [rounds=1] [out=/tmp/whole_run_compare]
#   NST_DEVICE=gpu tools/whole_run_compare.sh 300 512 "onnx nd4j" 2
#
# Environment: NST_DEVICE (cpu or gpu; PyTorch runs on cuda for gpu), NST_THREADS (CPU threads of
# both sides, default every core), NST_CLASSPATH (instead of the benchmarks jar), PYTHON,
# NST_SCHEDULE (nst's schedule: single, the default, or progressive, coarse to fine by sqrt(2)
# from 128 px within the same budget of full-size iterations; PyTorch always runs one scale).
set -uo pipefail
cd "$(dirname "$0")/.."
iterations=${1:-300}
size=${2:-512}
backends=${3:-onnx}
rounds=${4:-1}
out=${5:-/tmp/whole_run_compare}
device=${NST_DEVICE:-cpu}
threads=${NST_THREADS:-$(nproc)}
classpath=${NST_CLASSPATH:-nst-benchmarks/target/benchmarks.jar}
python=${PYTHON:-/usr/bin/python3}
schedule=${NST_SCHEDULE:-single}
torch_device=cpu
[ "$device" = gpu ] && torch_device=cuda
mkdir -p "$out"
weights_cache="$out/seeded_vgg19_42.npz"

run_torch() { # round
  echo "round $1: pytorch ($torch_device)" >&2
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$python" tools/pytorch_whole_run.py --iterations "$iterations" \
    --size "$size" --threads "$threads" --device "$torch_device" --weights-cache "$weights_cache" \
    --output "$out/r$1_pytorch.png" > "$out/r$1_pytorch.json" 2> "$out/r$1_pytorch.log" \
    || echo "round $1: pytorch failed, see $out/r$1_pytorch.log" >&2
}

run_nst() { # round backend
  echo "round $1: nst $2 ($device)" >&2
  java -Xmx8g -cp "$classpath" dev.nst.benchmarks.WholeRun --backend "$2" --device "$device" \
    --iterations "$iterations" --size "$size" --schedule "$schedule" --threads "$([ "$device" = gpu ] && echo 0 || echo "$threads")" \
    --output "$out/r$1_$2.png" > "$out/r$1_$2.json" 2> "$out/r$1_$2.log" \
    || echo "round $1: nst $2 failed, see $out/r$1_$2.log" >&2
}

for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then
    run_torch "$r"
    for b in $backends; do run_nst "$r" "$b"; done
  else
    for b in $backends; do run_nst "$r" "$b"; done
    run_torch "$r"
  fi
done

"$python" - "$out" "$rounds" "$backends" <<'PY'
import json, os, sys
import numpy as np
from PIL import Image

out, rounds, backends = sys.argv[1], int(sys.argv[2]), sys.argv[3].split()


def load(name):
    try:
        with open(os.path.join(out, name + '.json')) as f:
            return json.loads(f.read().strip().splitlines()[-1])
    except (OSError, ValueError, IndexError):
        return None


def time_to(trace, target):
    for k, t, loss in trace:
        if loss is not None and loss <= target:
            return k, t
    return None, None


def pixel_mad(a, b):
    try:
        x = np.asarray(Image.open(os.path.join(out, a + '.png')).convert('RGB'), dtype=np.float64)
        y = np.asarray(Image.open(os.path.join(out, b + '.png')).convert('RGB'), dtype=np.float64)
    except OSError:
        return None, 'missing image'
    if x.shape != y.shape:
        return None, f'sizes differ: {x.shape} vs {y.shape}'
    return float(np.abs(x - y).mean()), None


ratio = lambda a, b: round(a / b, 3) if a is not None and b else None
rows = []
for r in range(1, rounds + 1):
    torch = load(f'r{r}_pytorch')
    for b in backends:
        nst = load(f'r{r}_{b}')
        row = {'round': r, 'backend': b}
        if torch is None or nst is None:
            row['error'] = 'missing run: ' + ', '.join(n for n, j in (('pytorch', torch), (b, nst)) if j is None)
            rows.append(row)
            continue
        target = torch['final_loss']
        k, t = time_to(nst['trace'], target)
        torch_t = torch['trace'][-1][1] if torch['trace'] else None
        mad, note = pixel_mad(f'r{r}_{b}', f'r{r}_pytorch')
        row.update({
            'device': nst['device'], 'iterations': [nst['iterations'], torch['iterations']],
            'wall_s': [nst['wall_s'], torch['wall_s']], 'wall_ratio': ratio(nst['wall_s'], torch['wall_s']),
            'optimisation_s': [nst['optimisation_s'], torch['optimisation_s']],
            'optimisation_ratio': ratio(nst['optimisation_s'], torch['optimisation_s']),
            's_per_iteration': [nst['s_per_iteration'], torch['s_per_iteration']],
            'final_loss': [nst['final_loss'], torch['final_loss']],
            'best_loss': [nst['best_loss'], torch['best_loss']],
            'losses': {'nst': nst['losses'], 'pytorch': torch['losses']},
            'target_loss': target, 'nst_iteration_at_target': k, 'nst_s_to_target': t, 'pytorch_s_to_target': torch_t,
            'time_to_target_ratio': ratio(t, torch_t),
            'pixel_mean_abs_diff': mad, 'pixel_note': note,
            'backend_description': nst.get('backend_description'), 'torch': torch.get('torch'),
        })
        rows.append(row)

with open(os.path.join(out, 'summary.json'), 'w') as f:
    json.dump(rows, f, indent=1)
fmt = lambda v: '-' if v is None else (f'{v:.4g}' if isinstance(v, float) else str(v))
print('round backend  wall nst/torch  optim. nst/torch  s/it nst torch  final loss nst torch  '
      'to torch final: nst it, ratio  mean |px diff|')
for row in rows:
    if 'error' in row:
        print(f"{row['round']:>5} {row['backend']:<8} {row['error']}")
        continue
    print(f"{row['round']:>5} {row['backend']:<8} {fmt(row['wall_ratio']):>14} {fmt(row['optimisation_ratio']):>17} "
          f"{fmt(row['s_per_iteration'][0]):>8} {fmt(row['s_per_iteration'][1]):>5} "
          f"{fmt(row['final_loss'][0]):>14} {fmt(row['final_loss'][1]):>5} "
          f"{fmt(row['nst_iteration_at_target']):>21} {fmt(row['time_to_target_ratio']):>6} "
          f"{fmt(row['pixel_mean_abs_diff']) if row['pixel_mean_abs_diff'] is not None else row['pixel_note']:>14}")
print(f'(runs and summary.json in {out}; time-to-target ratio: nst\'s time to reach PyTorch\'s final loss over '
      f'PyTorch\'s time to its final evaluation, "-" where nst never reached it)')
PY
