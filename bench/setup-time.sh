#!/usr/bin/env bash
# Fresh-clone set-up time: clones this checkout's last commit into a temporary folder and times
# the README's two set-up commands there, in order, with an empty target folder. The crate cache
# (~/.cargo/registry) is used as it is; `cargo fetch` runs first, untimed, so that downloads are
# not counted. The machine's load average is printed before and after: figures taken while
# other builds run are upper bounds.
set -euo pipefail
cd "$(dirname "$0")/.."

# The two commands exactly as the README gives them: the code block under "## Set-up".
mapfile -t commands < <(awk '
  /^## Set-up/ { section = 1; next }
  section && /^## / { exit }
  section && /^```/ { if (block) exit; block = 1; next }
  block { sub(/[ \t]*#.*/, ""); if (length($0)) print }
' README.md)
if [ ${#commands[@]} -ne 2 ]; then
  echo "setup-time: expected two commands under README.md's '## Set-up', found ${#commands[@]}" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet . "$work/wl-hook"
cd "$work/wl-hook"
unset CARGO_TARGET_DIR CARGO_BUILD_TARGET_DIR RUSTFLAGS CARGO_INCREMENTAL
cargo fetch --locked --quiet

echo "setup-time: commit $(git rev-parse --short HEAD), $(rustc --version), $(nproc) cores"
echo "setup-time: load before: $(uptime | sed 's/.*load average: //')"
ms() { echo $(($(date +%s%N) / 1000000)); }
secs() { printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100)); }
total=0
for cmd in "${commands[@]}"; do
  start=$(ms)
  if ! bash -c "$cmd" >"$work/out.log" 2>&1; then
    tail -n 30 "$work/out.log" >&2
    echo "setup-time: '$cmd' failed" >&2
    exit 1
  fi
  took=$(($(ms) - start))
  total=$((total + took))
  printf 'setup-time: %-32s %6s s\n' "$cmd" "$(secs "$took")"
done
printf 'setup-time: %-32s %6s s (goal: at most 240 s)\n' "both" "$(secs "$total")"
echo "setup-time: load after: $(uptime | sed 's/.*load average: //')"
