#!/usr/bin/env bash
# Profile wl-hook with perf under the loads of bench/run.sh, for the explanations in
# BENCHMARKS.md and for anyone changing a hot path. Reports go to bench/profiles/ (committed),
# perf.data files to target/bench/profiles/.
#
#   bench/profile.sh                  every scenario: listen, save, verify, verify-dir, send
#   bench/profile.sh listen verify    some of them
#
# It builds the release binary with line tables and symbols (same optimisation as the shipped
# one) into target/profile, and installs perf (linux-perf) and wrk with apt-get when missing
# (needs root, as does perf when kernel.perf_event_paranoid is above 1).
# Environment: PROFILE_SECONDS (seconds recorded under each load, default 4).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in perf wrk python3; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  pkgs=()
  for t in "${missing[@]}"; do
    case "$t" in perf) pkgs+=(linux-perf) ;; *) pkgs+=("$t") ;; esac
  done
  echo "profile: installing ${pkgs[*]} with apt-get"
  apt-get update -qq && apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi

echo "profile: building wl-hook and the reference server with symbols (release, target/profile)"
export CARGO_PROFILE_RELEASE_DEBUG=line-tables-only CARGO_PROFILE_RELEASE_STRIP=false
cargo build --release --locked --quiet --target-dir target/profile
cargo build --release --locked --quiet --target-dir target/profile --example bench_server

exec python3 bench/profile.py "$@"
