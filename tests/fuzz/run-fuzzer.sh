#!/bin/sh
# A short libFuzzer run seeded with the corpus: run-fuzzer.sh FUZZER SECONDS SEED_DIR…
# New inputs go to a temporary folder (never into the seeds); a crash leaves its reproducer
# (crash-…) in the current folder, to replay with fuzz-replay or the fuzzer itself.
set -eu
fuzzer=$1
seconds=$2
shift 2
work=$(mktemp -d "${TMPDIR:-/tmp}/kyso-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
seeds=""
for d in "$@"; do
  if [ -d "$d" ]; then seeds="$seeds $d"; fi
done
# shellcheck disable=SC2086
"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=20 -max_len=262144 \
  -print_final_stats=1 -artifact_prefix="$(pwd)/" "$work" $seeds
