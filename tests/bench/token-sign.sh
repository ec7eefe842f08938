#!/bin/sh
# Signing N PDFs with a USB token (SoftHSM2 here): all with one PIN entry (one login, one
# sign_digests call, as a dossier's "sign all") against one by one (a login and a PIN entry per
# file), in one process; then one by one with kyso-cli, a process per file, as a script would.
#
#   tests/bench/token-sign.sh [BUILD_DIR] [N] [rsa|ec]
set -eu

build=${1:-_build}
n=${2:-20}
key=${3:-rsa}
src=$(cd "$(dirname "$0")/../.." && pwd)
bench="$build/tests/signing/bench-token-sign"
import="$build/tests/signing/kyso-test-token-import"
cli="$build/app/kyso-cli"
for f in "$bench" "$import" "$cli"; do
  [ -x "$f" ] || { echo "token-sign.sh: $f not built" >&2; exit 2; }
done
bench=$(cd "$(dirname "$bench")" && pwd)/$(basename "$bench")
cli=$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kyso-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
sh "$src/tests/pdf/make-test-pki.sh" "$tmp/pki" >/dev/null 2>&1
sh "$src/tests/signing/make-test-tokens.sh" "$tmp/tokens" "$tmp/pki" "$import"
export SOFTHSM2_CONF="$tmp/tokens/softhsm2.conf"
if [ "$key" = ec ]; then holder="Trần Thị Bình" pin=654321; else holder="Nguyễn Văn An" pin=123456; fi
mkdir -p "$tmp/files"

echo "Token: SoftHSM2 $(softhsm2-util --version 2>/dev/null), key $key; $n files of 3 pages"
"$bench" "$tmp/files" "$n" "$holder" "$pin"

# A process per file, the PIN on standard input each time (once kyso-cli sign has --token).
if ! "$cli" sign --help 2>/dev/null | grep -q -- '--token'; then
  echo "kyso-cli sign has no --token yet: the per-process figure is left out."
  exit 0
fi
id=$("$cli" tokens | awk -v h="$holder" '$0 ~ h { print $1; exit }')
start=$(date +%s.%N)
i=0
while [ "$i" -lt "$n" ]; do
  f=$(printf '%02d' "$i")
  printf '%s\n' "$pin" | "$cli" sign --token --cert "$id" --invisible "$tmp/files/in-$f.pdf" "$tmp/files/cli-$f.pdf" >/dev/null
  i=$((i + 1))
done
end=$(date +%s.%N)
echo "kyso-cli sign --token, one process per file, $n files: $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }') s ($n PIN entries)"

for f in batch-00 single-00 cli-00; do
  pdfsig -nssdir "sql:$tmp/pki/nssdb" "$tmp/files/$f.pdf" | grep -q "Signature is Valid" \
    || { echo "token-sign.sh: $f.pdf does not verify" >&2; exit 1; }
done
echo "pdfsig: the first file of each way verifies."
