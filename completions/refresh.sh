#!/bin/sh
# Regenerate the committed completion scripts from the CLI definition.
set -eu
cd "$(dirname "$0")/.."
cargo build --quiet
bin=target/debug/wl-hook
"$bin" completions bash > completions/wl-hook.bash
"$bin" completions zsh > completions/_wl-hook
"$bin" completions fish > completions/wl-hook.fish
"$bin" completions powershell > completions/_wl-hook.ps1
"$bin" completions elvish > completions/wl-hook.elv
echo "completions/ refreshed"
