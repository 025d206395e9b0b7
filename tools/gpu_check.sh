#!/usr/bin/env bash
# GPU check: one script that builds nst's GPU variants and measures them on a Linux machine with
# an NVIDIA GPU and a JDK 17+, within about 8 minutes on a 16-core machine, build included.
#
#   tools/gpu_check.sh [report folder, default ./gpu-report]
#
# What it does, each step under its own time limit; a step that fails, times out or is skipped is
# recorded and the next one runs:
#   (a) prints nvidia-smi, the driver and CUDA versions, the GPU, the CPU and the JDK, and looks for
#       the CUDA libraries ONNX Runtime 1.23 needs (CUDA 12, cuDNN 9; pip's nvidia-* wheels and
#       /usr/local/cuda are added to LD_LIBRARY_PATH when found);
#   (b) builds nst-backend-onnx, nst-backend-nd4j and nst-benchmarks with the GPU profiles:
#       -Ponnx-gpu (onnxruntime_gpu instead of onnxruntime) and -Pnd4j-cuda (nd4j-cuda-11.6, the
#       only CUDA build of ND4J 1.0.0-M2.1, instead of nd4j-native), offline first (./mvnw -o),
#       online when the offline build lacks artifacts, and with -Ponnx-gpu alone when ND4J's CUDA
#       artifacts cannot be had; the report says which build ran;
#   (c) runs the conformance suite on the GPU for both backends (OnnxGpuConformanceTest and
#       Nd4jGpuConformanceTest, tagged gpu: ./mvnw test -Dgroups=gpu); a suite whose backend
#       cannot open the GPU is reported as skipped, with the backend's reason;
#   (d) times one objective evaluation (full-width VGG-19, content + Gram style, backward to the
#       image; dev.nst.benchmarks.PeakMemory: setup, a warm-up, then 3 timed evaluations) at
#       512, 1024 and 2048 px on the GPU for both backends, and a whole 100-iteration L-BFGS run
#       at 512 px (dev.nst.benchmarks.WholeRun, chelsea.jpg on mosaic.png), and, when PyTorch
#       sees a GPU, the same run in PyTorch (tools/pytorch_whole_run.py);
#   (e) samples the GPU's memory in use every 100 ms during every step
#       (nvidia-smi --query-gpu=memory.used --format=csv -lms 100, in the background);
#   (f) writes gpu-report.json and gpu-report.md into the report folder: ms per evaluation, peak
#       GPU MiB, the device, the date, every command with its exit status, time and log.
#
# Environment: GPU_CHECK_BUDGET (seconds for everything, default 460), GPU_CHECK_GPU (index, 0),
# GPU_CHECK_CUDA_REDIST=1 (add JavaCPP's CUDA 11.6 libraries for ND4J: a large download),
# GPU_CHECK_SKIP_BUILD=1 (reuse the classpath of an earlier run), GPU_CHECK_ONLY (a bash regex:
# run only the steps whose names match, e.g. '^eval_onnx'), GPU_CHECK_NO_LIBPATH=1 (leave
# LD_LIBRARY_PATH alone). Needs bash, coreutils' timeout, a JDK, nvidia-smi; python3 for the report
# (without it, a shorter report from bash).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$(realpath -m "${1:-gpu-report}")
budget=${GPU_CHECK_BUDGET:-460}
gpu=${GPU_CHECK_GPU:-0}
start=$(date +%s)
mkdir -p "$out/steps"
rm -rf "$out/steps"/* "$out"/gpu-report.json "$out"/gpu-report.md "$out"/step_order
log() { echo "[gpu-check $(( $(date +%s) - start ))s] $*" >&2; }
remaining() { echo $(( budget - ($(date +%s) - start) )); }

# step NAME TIME_LIMIT COMMAND: runs COMMAND with bash under min(TIME_LIMIT, what the budget has
# left less 20 s for the report), sampling the GPU's memory meanwhile; never fails the script.
step() {
  local name=$1 limit=$2 cmd=$3
  local dir="$out/steps/$name"
  mkdir -p "$dir"
  echo "$name" >> "$out/step_order"
  printf '%s\n' "$cmd" > "$dir/command"
  if [ -n "${GPU_CHECK_ONLY:-}" ] && ! [[ $name =~ $GPU_CHECK_ONLY ]]; then
    echo skipped > "$dir/status"
    echo "not selected by GPU_CHECK_ONLY=$GPU_CHECK_ONLY" > "$dir/reason"
    log "$name: skipped (not selected)"
    return 0
  fi
  local left=$(( $(remaining) - 20 ))
  if [ "$left" -lt 15 ]; then
    echo skipped > "$dir/status"
    echo "out of time: the budget of ${budget}s was spent before this step" > "$dir/reason"
    log "$name: skipped (out of time)"
    return 0
  fi
  [ "$limit" -gt "$left" ] && limit=$left
  echo "$limit" > "$dir/timeout_s"
  nvidia-smi -i "$gpu" --query-gpu=memory.used --format=csv,noheader,nounits > "$dir/gpu_mem_before" 2>/dev/null
  nvidia-smi -i "$gpu" --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 > "$dir/gpu_mem.csv" 2>/dev/null &
  local sampler=$!
  log "$name: running (limit ${limit}s): $cmd"
  local t0 t1 rc
  t0=$(date +%s.%N)
  timeout --kill-after=10 "$limit" bash -c "$cmd" > "$dir/log" 2>&1
  rc=$?
  t1=$(date +%s.%N)
  kill "$sampler" 2>/dev/null
  wait "$sampler" 2>/dev/null
  echo "$rc" > "$dir/rc"
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }' > "$dir/seconds"
  case $rc in
    0) echo ok > "$dir/status" ;;
    124 | 137) echo timeout > "$dir/status" ;;
    *) echo failed > "$dir/status" ;;
  esac
  log "$name: $(cat "$dir/status") (exit $rc, $(cat "$dir/seconds") s)"
  return 0
}

# skip NAME REASON: records a step that cannot run.
skip() {
  mkdir -p "$out/steps/$1"
  echo "$1" >> "$out/step_order"
  echo skipped > "$out/steps/$1/status"
  echo "$2" > "$out/steps/$1/reason"
  log "$1: skipped ($2)"
}

# ---------------------------------------------------------------- (a) machine
info="$out/info.txt"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(hostname)"
  echo "kernel: $(uname -sr)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
  echo "memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "--- nvidia-smi"
  nvidia-smi 2>&1 || echo "nvidia-smi failed"
  echo "--- nvidia-smi --query-gpu"
  nvidia-smi -i "$gpu" --query-gpu=name,driver_version,memory.total,compute_cap,pci.bus_id --format=csv 2>&1
  echo "--- nvcc"
  (nvcc --version 2>&1 || echo "no nvcc on the PATH") | tail -2
  echo "--- java"
  java -version 2>&1
  echo "--- lscpu"
  lscpu 2>/dev/null | grep -E 'Model name|Socket|Core|Thread|Flags' | cut -c1-200
} > "$info" 2>&1
cat "$info" >&2
smi() { nvidia-smi -i "$gpu" --query-gpu="$1" --format=csv,noheader 2>/dev/null | head -1; }
echo "$(smi name)" > "$out/gpu_name"
echo "$(smi driver_version)" > "$out/driver_version"
echo "$(smi memory.total)" > "$out/gpu_memory_total"
echo "$(smi compute_cap)" > "$out/compute_capability"
nvidia-smi 2>/dev/null | grep -o 'CUDA Version: [0-9.]*' | awk '{ print $3 }' > "$out/cuda_version"

# The CUDA libraries the runtimes load: ONNX Runtime 1.23 (CUDA 12, cuDNN 9), nd4j-cuda-11.6
# (CUDA 11.6, cuDNN 8). pip's nvidia-* wheels (as PyTorch installs them) and /usr/local/cuda are
# put on LD_LIBRARY_PATH when present.
added=""
if [ -z "${GPU_CHECK_NO_LIBPATH:-}" ]; then
  for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib \
      /usr/local/lib/python3*/dist-packages/nvidia/*/lib /usr/lib/python3/dist-packages/nvidia/*/lib \
      /usr/local/lib/python3*/site-packages/nvidia/*/lib "$HOME"/.local/lib/python3*/site-packages/nvidia/*/lib; do
    if [ -d "$d" ] && ls "$d"/*.so* > /dev/null 2>&1; then
      case ":${LD_LIBRARY_PATH:-}:" in *":$d:"*) ;; *) added="$added:$d" ;; esac
    fi
  done
  if [ -n "$added" ]; then
    export LD_LIBRARY_PATH="${added#:}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  fi
fi
echo "${added#:}" | tr ':' '\n' | sed '/^$/d' > "$out/ld_library_path_added"
{
  for lib in libcudart.so.12 libcublas.so.12 libcublasLt.so.12 libcufft.so.11 libcurand.so.10 libcudnn.so.9 \
      libcudart.so.11.0 libcublas.so.11 libcusolver.so.11 libcudnn.so.8; do
    where=$( (ldconfig -p 2>/dev/null | grep -m1 -E "[[:space:]]$lib[[:space:]]" | awk '{ print $NF }') || true)
    if [ -z "$where" ]; then
      libpath=${LD_LIBRARY_PATH:-}
      for d in ${libpath//:/ }; do
        [ -e "$d/$lib" ] && where="$d/$lib" && break
      done
    fi
    echo "$lib ${where:-missing}"
  done
} > "$out/cuda_libraries"
log "CUDA libraries: $(tr '\n' ';' < "$out/cuda_libraries")"

# ---------------------------------------------------------------- (b) build
# One reactor build of the GPU variants; each module also writes its runtime class path
# (target/gpu-classpath.txt), from which the Java steps run (no shaded jar: the CUDA jars are
# about a gigabyte).
mvn_flags="-B -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true -Dmdep.analyze.skip=true"
modules="nst-backend-onnx,nst-backend-nd4j,nst-benchmarks"
redist=""
[ -n "${GPU_CHECK_CUDA_REDIST:-}" ] && redist=",nd4j-cuda-redist"
build_mode=""
profiles=""
build() { # NAME OFFLINE_FLAG PROFILES
  rm -f nst-benchmarks/target/gpu-classpath.txt
  step "$1" 240 "./mvnw $2 $mvn_flags -P$3 -pl $modules -am package dependency:build-classpath \
-Dmdep.outputFile=target/gpu-classpath.txt -Dmdep.includeScope=runtime"
  [ "$(cat "$out/steps/$1/status")" = ok ] && [ -s nst-benchmarks/target/gpu-classpath.txt ]
}
missing_artifacts() { grep -qiE 'offline|has not been downloaded|could not resolve|cannot access|could not transfer|unknown host' "$out/steps/$1/log" 2>/dev/null; }
if [ -n "${GPU_CHECK_SKIP_BUILD:-}" ] && [ -s nst-benchmarks/target/gpu-classpath.txt ]; then
  build_mode="reused"
  profiles=$(cat nst-benchmarks/target/gpu-profiles 2>/dev/null || echo "onnx-gpu,nd4j-cuda$redist")
  skip build "GPU_CHECK_SKIP_BUILD: reusing nst-benchmarks/target/gpu-classpath.txt"
else
  full="onnx-gpu,nd4j-cuda$redist"
  if build build_offline -o "$full"; then
    build_mode=offline; profiles=$full
  elif missing_artifacts build_offline && build build_online "" "$full"; then
    build_mode=online; profiles=$full
  elif build build_offline_onnx_only -o onnx-gpu; then
    build_mode=offline; profiles=onnx-gpu
  elif missing_artifacts build_offline_onnx_only && build build_online_onnx_only "" onnx-gpu; then
    build_mode=online; profiles=onnx-gpu
  else
    build_mode=failed
  fi
  [ "$build_mode" != failed ] && echo "$profiles" > nst-benchmarks/target/gpu-profiles
fi
echo "$build_mode" > "$out/build_mode"
echo "$profiles" > "$out/build_profiles"
log "build: $build_mode, profiles: ${profiles:-none}"
offline="-o"
[ "$build_mode" = online ] && offline=""
cp=""
if [ "$build_mode" != failed ]; then
  cp="$root/nst-benchmarks/target/classes:$(cat nst-benchmarks/target/gpu-classpath.txt)"
fi
export NST_GPU_CHECK_CP="$cp"
java_run="java -Xmx24g -XX:+UseParallelGC -cp \"\$NST_GPU_CHECK_CP\""
has_profile() { case ",$profiles," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

# ---------------------------------------------------------------- (c), (d) per backend
conformance() { # BACKEND MODULE PROFILES
  if [ "$build_mode" = failed ]; then skip "conformance_$1" "the build failed"; return; fi
  step "conformance_$1" 110 "rm -rf $2/target/surefire-reports && ./mvnw $offline -B -Dmaven.javadoc.skip=true \
-Dmdep.analyze.skip=true -P$3 -pl $2 -am test -Dgroups=gpu -Dsurefire.failIfNoSpecifiedTests=false; rc=\$?; \
mkdir -p '$out/steps/conformance_$1/surefire-reports'; cp $2/target/surefire-reports/*.xml \
'$out/steps/conformance_$1/surefire-reports/' 2>/dev/null; exit \$rc"
}
evaluations() { # BACKEND
  for s in 512 1024 2048; do
    if [ -z "$cp" ]; then skip "eval_$1_$s" "the build failed"; continue; fi
    step "eval_$1_$s" 75 "$java_run dev.nst.benchmarks.PeakMemory $1 $s GPU 4"
  done
}
whole_run() { # BACKEND
  if [ -z "$cp" ]; then skip "whole_$1_512_100" "the build failed"; return; fi
  step "whole_$1_512_100" 120 "$java_run dev.nst.benchmarks.WholeRun --backend $1 --device gpu --iterations 100 \
--size 512 --output '$out/steps/whole_$1_512_100/result.png'"
}

conformance onnx nst-backend-onnx onnx-gpu
evaluations onnx
whole_run onnx
if has_profile nd4j-cuda; then
  conformance nd4j nst-backend-nd4j "nd4j-cuda$redist"
  evaluations nd4j
  whole_run nd4j
else
  why="the build failed"
  [ "$build_mode" != failed ] && why="ND4J's CUDA build was not built: the build with -Pnd4j-cuda failed (nd4j-cuda-11.6 artifacts missing?), see the build steps"
  for n in conformance_nd4j eval_nd4j_512 eval_nd4j_1024 eval_nd4j_2048 whole_nd4j_512_100; do skip "$n" "$why"; done
fi
if python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2> /dev/null; then
  step whole_pytorch_512_100 120 "python3 tools/pytorch_whole_run.py --device cuda:$gpu --iterations 100 --size 512 \
--weights-cache '$out/seeded_vgg19_42.npz' --output '$out/steps/whole_pytorch_512_100/result.png'"
else
  skip whole_pytorch_512_100 "no python3 with a CUDA build of torch"
fi

# ---------------------------------------------------------------- (f) report
echo "$(( $(date +%s) - start ))" > "$out/total_seconds"
if command -v python3 > /dev/null; then
  python3 - "$out" "$budget" <<'PY'
import glob, json, os, re, statistics, sys
import xml.etree.ElementTree as ET

out, budget = sys.argv[1], int(sys.argv[2])
read = lambda *p, default='': (open(os.path.join(out, *p)).read().strip() if os.path.exists(os.path.join(out, *p)) else default)


def mem(step):
    vals = []
    for line in read('steps', step, 'gpu_mem.csv').splitlines():
        try:
            vals.append(float(line.strip()))
        except ValueError:
            pass
    try:
        before = float(read('steps', step, 'gpu_mem_before').splitlines()[0])
    except (ValueError, IndexError):
        before = None
    peak = max(vals) if vals else None
    return peak, before, (peak - before if peak is not None and before is not None else None)


def tail(text, n=15):
    return '\n'.join(text.splitlines()[-n:])


steps = {}
for name in dict.fromkeys(read('step_order').split()):  # in the order they ran
    d = os.path.join(out, 'steps', name)
    peak, before, above = mem(name)
    s = {'status': read('steps', name, 'status', default='unknown'), 'command': read('steps', name, 'command'),
         'exit_code': int(read('steps', name, 'rc')) if read('steps', name, 'rc') else None,
         'seconds': float(read('steps', name, 'seconds')) if read('steps', name, 'seconds') else None,
         'timeout_s': int(read('steps', name, 'timeout_s')) if read('steps', name, 'timeout_s') else None,
         'reason': read('steps', name, 'reason') or None,
         'gpu_mib_peak': peak, 'gpu_mib_before': before, 'gpu_mib_peak_above_before': above,
         'log': os.path.relpath(os.path.join(d, 'log'), out) if os.path.exists(os.path.join(d, 'log')) else None}
    logtext = read('steps', name, 'log')
    if s['status'] not in ('ok', 'skipped'):
        s['log_tail'] = tail(logtext)
    if name.startswith('eval_'):
        ms = [int(m) for m in re.findall(r'^eval \d+: (\d+) ms', logtext, re.M)]
        m = re.search(r'^setup: (\d+) ms', logtext, re.M)
        b = re.search(r'^backend: (.*)$', logtext, re.M)
        rss = re.search(r'peak resident set ([0-9.]+) GiB', logtext)
        s.update({'backend_description': b.group(1) if b else None, 'setup_ms': int(m.group(1)) if m else None,
                  'evaluation_ms': ms, 'first_evaluation_ms': ms[0] if ms else None,
                  'ms_per_evaluation': statistics.median(ms[1:]) if len(ms) > 1 else None,
                  'peak_rss_gib': float(rss.group(1)) if rss else None})
    if name.startswith('whole_'):
        j = None
        for line in reversed(logtext.splitlines()):
            if line.startswith('{'):
                try:
                    j = json.loads(line)
                except ValueError:
                    pass
                break
        if j:
            j.pop('trace', None)
            s['result'] = j
    if name.startswith('conformance_'):
        t = {'tests': 0, 'failures': 0, 'errors': 0, 'skipped': 0}
        reasons = set()
        reports = glob.glob(os.path.join(d, 'surefire-reports', '*.xml'))
        for f in reports:
            try:
                r = ET.parse(f).getroot()
            except ET.ParseError:
                continue
            for k in t:
                t[k] += int(r.get(k, 0) or 0)
            for sk in r.iter('skipped'):
                if sk.get('message'):
                    reasons.add(sk.get('message')[:400])
        s['tests'] = t if reports else {}
        s['skip_reasons'] = sorted(reasons)[:3]
        if s['status'] == 'ok' and t['tests'] and t['skipped'] == t['tests']:
            s['status'] = 'skipped on the GPU'
        elif s['status'] == 'ok' and not t['tests']:
            s['status'] = 'no tests ran'
    steps[name] = s

report = {
    'date': read('info.txt').splitlines()[0].split(': ', 1)[-1] if read('info.txt') else None,
    'device': {'name': read('gpu_name'), 'driver': read('driver_version'), 'cuda': read('cuda_version'),
               'memory_total': read('gpu_memory_total'), 'compute_capability': read('compute_capability')},
    'machine': {l.split(': ', 1)[0]: l.split(': ', 1)[1] for l in read('info.txt').splitlines()[:5] if ': ' in l},
    'java': (re.search(r'^(openjdk|java) version .*$', read('info.txt'), re.M) or [None])[0],
    'cuda_libraries': dict(l.split(' ', 1) for l in read('cuda_libraries').splitlines() if ' ' in l),
    'ld_library_path_added': read('ld_library_path_added').splitlines(),
    'build': {'mode': read('build_mode'), 'profiles': read('build_profiles')},
    'budget_s': budget, 'total_s': int(read('total_seconds') or 0),
    'steps': steps,
}
with open(os.path.join(out, 'gpu-report.json'), 'w') as f:
    json.dump(report, f, indent=1)

fmt = lambda v, p='': '-' if v is None else (f'{v:{p}}' if p else str(v))
md = ['# GPU check', '',
      f"{report['date']}: {report['device']['name'] or 'no GPU found'} (driver {report['device']['driver'] or '?'}, "
      f"CUDA {report['device']['cuda'] or '?'}, {report['device']['memory_total'] or '?'}, compute capability "
      f"{report['device']['compute_capability'] or '?'}); {report['machine'].get('cpu', '?')}; {report['java'] or 'no java'}.",
      f"Build: {report['build']['mode']} with profiles {report['build']['profiles'] or '-'}. "
      f"Total {report['total_s']} s of a {budget} s budget. Made by tools/gpu_check.sh.", '',
      '## Conformance suite on the GPU', '', '| backend | status | tests | failures | errors | skipped | s | peak GPU MiB |',
      '|---|---|---|---|---|---|---|---|']
for b in ('onnx', 'nd4j'):
    s = steps.get('conformance_' + b, {})
    t = s.get('tests', {})
    md.append(f"| {b} | {s.get('status', '-')} | {fmt(t.get('tests'))} | {fmt(t.get('failures'))} | {fmt(t.get('errors'))} "
              f"| {fmt(t.get('skipped'))} | {fmt(s.get('seconds'))} | {fmt(s.get('gpu_mib_peak'), '.0f')} |")
    for r in s.get('skip_reasons', []):
        md.append(f'|  | skipped because: {r} |  |  |  |  |  |  |')
md += ['', '## One objective evaluation on the GPU (PeakMemory: full-width VGG-19, content + Gram style, backward)', '',
       'ms per evaluation: median of 3 after a warm-up; peak GPU MiB: the most nvidia-smi saw in use on the GPU during '
       'the step (in brackets: above what was in use before it).', '',
       '| backend | size | status | ms per evaluation | first (warm-up) ms | setup ms | peak GPU MiB | peak host RSS GiB | backend |',
       '|---|---|---|---|---|---|---|---|---|']
for b in ('onnx', 'nd4j'):
    for size in (512, 1024, 2048):
        s = steps.get(f'eval_{b}_{size}', {})
        gpu_mem = fmt(s.get('gpu_mib_peak'), '.0f') + (f" ({s['gpu_mib_peak_above_before']:.0f})" if s.get('gpu_mib_peak_above_before') is not None else '')
        md.append(f"| {b} | {size} | {s.get('status', '-')} | {fmt(s.get('ms_per_evaluation'))} | {fmt(s.get('first_evaluation_ms'))} "
                  f"| {fmt(s.get('setup_ms'))} | {gpu_mem} | {fmt(s.get('peak_rss_gib'))} | {fmt(s.get('backend_description'))} |")
md += ['', '## Whole runs: 100 L-BFGS iterations at 512 px (chelsea.jpg on mosaic.png, RandomVgg.vgg19(42))', '',
       '| runner | status | wall s | setup s | s per iteration | loss at 1 / 50 / 100 | peak GPU MiB |', '|---|---|---|---|---|---|---|']
for n in ('whole_onnx_512_100', 'whole_nd4j_512_100', 'whole_pytorch_512_100'):
    s = steps.get(n, {})
    r = s.get('result') or {}
    l = r.get('losses', {})
    md.append(f"| {n.split('_')[1]} | {s.get('status', '-')} | {fmt(r.get('wall_s'))} | {fmt(r.get('setup_s'))} "
              f"| {fmt(r.get('s_per_iteration'))} | {' / '.join(fmt(l.get(k), '.4g') for k in ('1', '50', '100'))} "
              f"| {fmt(s.get('gpu_mib_peak'), '.0f')} |")
md += ['', '## CUDA libraries', '', '```'] + read('cuda_libraries').splitlines() + ['```']
if report['ld_library_path_added']:
    md += ['', 'Added to LD_LIBRARY_PATH: ' + ', '.join(report['ld_library_path_added'])]
md += ['', '## Steps', '', '| step | status | exit | s | limit s | command |', '|---|---|---|---|---|---|']
for n, s in steps.items():
    cmd = (s['command'] or s.get('reason') or '').replace('|', '\\|').replace('\n', ' ')
    md.append(f"| {n} | {s['status']} | {fmt(s['exit_code'])} | {fmt(s['seconds'])} | {fmt(s['timeout_s'])} | `{cmd}` |")
for n, s in steps.items():
    if s.get('log_tail'):
        md += ['', f'### {n}: last lines of {s["log"]}', '', '```', s['log_tail'], '```']
with open(os.path.join(out, 'gpu-report.md'), 'w') as f:
    f.write('\n'.join(md) + '\n')
print('\n'.join(md))
PY
else
  {
    echo "# GPU check (no python3: statuses only)"
    echo
    cat "$info"
    echo
    for d in "$out"/steps/*; do
      echo "- $(basename "$d"): $(cat "$d/status") (exit $(cat "$d/rc" 2>/dev/null || echo -), $(cat "$d/seconds" 2>/dev/null || echo -) s, peak GPU MiB $(sort -n "$d/gpu_mem.csv" 2>/dev/null | tail -1)): $(cat "$d/command" 2>/dev/null || cat "$d/reason")"
      grep -E '^(backend|setup|eval [0-9]+):' "$d/log" 2>/dev/null | sed 's/^/    /'
    done
  } > "$out/gpu-report.md"
  printf '{"note":"python3 was missing: see gpu-report.md","gpu":"%s","build":"%s"}\n' \
    "$(cat "$out/gpu_name")" "$build_mode" > "$out/gpu-report.json"
  cat "$out/gpu-report.md"
fi
log "report: $out/gpu-report.md and $out/gpu-report.json"
