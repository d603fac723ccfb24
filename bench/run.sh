#!/usr/bin/env bash
# Whole-process benchmarks of wl-hook against the machine's limit and the tools a user would
# otherwise use; writes BENCHMARKS.md. Runs for about ten minutes on 2 cores.
#
# It installs what it needs when missing, and says so: wrk, hyperfine, ripgrep, curl and openssl
# from Debian's packages (apt-get, needs root), and oha from crates.io (cargo install, into
# target/bench/tools). Environment: BENCH_DURATION (seconds per load run, default 5),
# BENCH_RUNS (runs per figure, default 3), BENCH_SOAK (seconds of the memory/descriptor run,
# default 60), BENCH_COMPARE (`label=path,...`: other wl-hook binaries measured in the same listen
# rounds, for "Machinery kept or removed"), BENCH_VARIANTS (only these listen variants).
# `--only listen`, `--only verify`: only those figures (the others are kept from the last run).
# BENCH_VERIFY_COMPARE (`label=path,...`): other wl-hook binaries measured on the folder of
# captures, for the verify section's "machinery" table.
set -euo pipefail
cd "$(dirname "$0")/.."

# `--report`: only write BENCHMARKS.md again from target/bench/results.json.
if [ "${1:-}" = "--report" ]; then
  exec python3 bench/run.py --report
fi

missing=()
for tool in wrk hyperfine rg curl openssl python3; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  pkgs=()
  for t in "${missing[@]}"; do
    case "$t" in rg) pkgs+=(ripgrep) ;; *) pkgs+=("$t") ;; esac
  done
  echo "bench: installing ${pkgs[*]} with apt-get"
  apt-get update -qq && apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi

tools="$PWD/target/bench/tools"
if ! command -v oha >/dev/null 2>&1 && [ ! -x "$tools/bin/oha" ]; then
  echo "bench: installing oha from crates.io into $tools (a few minutes, once)"
  cargo install oha --locked --root "$tools" --quiet
fi
export PATH="$tools/bin:$PATH"

echo "bench: building wl-hook and the reference server (release)"
cargo build --release --locked --quiet
cargo build --release --locked --quiet --example bench_server
echo "bench: building the protocol benchmarks"
cargo bench --locked --bench protocol --no-run --quiet 2>/dev/null

exec python3 bench/run.py "$@"
