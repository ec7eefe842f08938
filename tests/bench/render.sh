#!/bin/sh
# Time until the first page of a 1000-page PDF is on screen in Kyso's document view, next to
# pdftoppm rendering the same page at the same size. Target: ≤ 150 ms, and not slower than
# pdftoppm (whose time includes starting a process; Kyso's is measured in a running app).
#
#   tests/bench/render.sh [BUILD_DIR] [RUNS]
set -eu

build=${1:-_build}
runs=${2:-7}
bench="$build/tests/gui/bench-render"
if [ ! -x "$bench" ]; then
  echo "render.sh: $bench not built (ninja -C $build tests/gui/bench-render)" >&2
  exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kyso-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
pdf="$tmp/1000-pages.pdf"
"$bench" --make "$pdf" 1000
echo "Document: 1000 pages, $(wc -c < "$pdf") bytes"

# Kyso: under Xvfb when there is no display, with the renderer the tests use.
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  GSK_RENDERER=${GSK_RENDERER:-cairo} xvfb-run -a -s "-screen 0 1280x900x24" "$bench" "$pdf" "$runs" > "$tmp/kyso.txt"
else
  "$bench" "$pdf" "$runs" > "$tmp/kyso.txt"
fi
cat "$tmp/kyso.txt"
kyso_ms=$(sed -n 's/^median: \([0-9.]*\) ms/\1/p' "$tmp/kyso.txt")
dpi=$(sed -n 's/^dpi: \([0-9]*\)/\1/p' "$tmp/kyso.txt")

# pdftoppm: the same first page at the same size, best of RUNS.
best=""
i=0
while [ "$i" -lt "$runs" ]; do
  start=$(date +%s%N)
  pdftoppm -f 1 -l 1 -r "$dpi" -png "$pdf" "$tmp/page" > /dev/null
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  i=$((i + 1))
done
echo "pdftoppm -r $dpi (page 1): best of $runs = $best ms"

verdict=ok
awk -v k="$kyso_ms" 'BEGIN { exit !(k <= 150) }' || { echo "FAIL: Kyso median $kyso_ms ms > 150 ms"; verdict=fail; }
awk -v k="$kyso_ms" -v p="$best" 'BEGIN { exit !(k <= p) }' || { echo "FAIL: Kyso median $kyso_ms ms > pdftoppm $best ms"; verdict=fail; }
echo "Kyso median $kyso_ms ms vs pdftoppm $best ms: $verdict"
[ "$verdict" = ok ]
