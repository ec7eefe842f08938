#!/bin/sh
# The .editorconfig rules, checked: UTF-8 without CR, no trailing white space, a final newline,
# and spaces (not tabs) in C, UI and meson files. Reads the files git tracks in the source tree.
set -eu
src="${1:?usage: check-style.sh SOURCE_DIR}"
cd "$src"
bad=0
files=$(git ls-files -- '*.c' '*.h' '*.ui' '*.xml' '*.in' '*.build' '*.sh' '*.py' '*.json' '*.css' '*.md' 'meson_options.txt' | grep -v '^tests/package-lock.json$' || true)
for f in $files; do
  [ -f "$f" ] || continue
  if grep -q "$(printf '\r')" "$f"; then echo "$f: carriage return"; bad=1; fi
  if grep -nE '[[:space:]]+$' "$f" | head -3 | sed "s|^|$f:|" | grep .; then bad=1; fi
  if [ -s "$f" ] && [ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" != '\n' ]; then echo "$f: no final newline"; bad=1; fi
  case "$f" in
    *.c|*.h|*.ui|*.build)
      if grep -nP '\t' "$f" | head -3 | sed "s|^|$f:tab at |" | grep .; then bad=1; fi ;;
  esac
  if ! iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1; then echo "$f: not UTF-8"; bad=1; fi
done
exit $bad
