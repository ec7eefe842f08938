#!/bin/sh
# Verification speed and memory on a large signed PDF: wall time and peak RSS of
# `kyso-cli verify` next to `pdfsig -nocert` and `openssl dgst -sha256` (the hash floor: reading
# and hashing every byte once), all from the same run with a warm page cache.
#
#   tests/bench/verify.sh [SIZE_MB] [REVISIONS]   (defaults 100 and 60; KYSO_CLI=path/to/kyso-cli)
#
# Then the same tools on a small file signed REVISIONS times, one incremental update each (a
# dossier passed from hand to hand): the cost there is per revision, not per byte.
#
# The file is made here: one page drawing one image of random bytes (so that its size is real),
# signed invisibly by `kyso-cli sign` with a throw-away PKCS#12 made by openssl.
set -eu

size_mb=${1:-100}
revisions=${2:-60}
cli=${KYSO_CLI:-$(dirname "$0")/../../_build/app/kyso-cli}
runs=3
for tool in "$cli" pdfsig openssl /usr/bin/time; do
  command -v "$tool" >/dev/null 2>&1 || { echo "verify.sh: $tool not found" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/kyso-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# 1. The unsigned PDF, written piece by piece so that the xref offsets can be taken from its size.
width=4096
row=$((width * 3))
height=$(( (size_mb * 1024 * 1024) / row ))
length=$((height * row))
pdf=$work/in.pdf
off() { wc -c < "$pdf" | tr -d ' '; }
printf '%%PDF-1.7\n%%\342\343\317\323\n' > "$pdf"
o1=$(off); printf '1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n' >> "$pdf"
o2=$(off); printf '2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n' >> "$pdf"
o3=$(off); printf '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>\nendobj\n' >> "$pdf"
content='q 495 0 0 742 50 50 cm /Im1 Do Q'
o4=$(off); printf '4 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n' "${#content}" "$content" >> "$pdf"
o5=$(off); printf '5 0 obj\n<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length %d >>\nstream\n' "$width" "$height" "$length" >> "$pdf"
head -c "$length" /dev/urandom >> "$pdf"
printf '\nendstream\nendobj\n' >> "$pdf"
xref=$(off)
{
  printf 'xref\n0 6\n0000000000 65535 f \n'
  for o in "$o1" "$o2" "$o3" "$o4" "$o5"; do printf '%010d 00000 n \n' "$o"; done
  printf 'trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' "$xref"
} >> "$pdf"

# 2. A throw-away signer, and the signed file.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 2 \
  -subj "/C=VN/CN=Kyso Bench" >/dev/null 2>&1
openssl pkcs12 -export -inkey "$work/key.pem" -in "$work/cert.pem" -passout pass:bench -out "$work/key.p12"
KYSO_BENCH_PASS=bench "$cli" sign "$pdf" "$work/signed.pdf" --p12 "$work/key.p12" \
  --p12-pass-env KYSO_BENCH_PASS --invisible >/dev/null
signed=$work/signed.pdf
rm -f "$pdf"

# 3. Best wall time and highest peak RSS over a few runs each (the first read warms the cache).
measure() {
  best="" rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$work/t" "$@" >/dev/null 2>&1 || true
    read -r t m <<EOF
$(tail -n 1 "$work/t")
EOF
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  echo "$best $rss"
}
cat "$signed" > /dev/null
set -- $(measure openssl dgst -sha256 "$signed"); floor_t=$1 floor_m=$2
set -- $(measure "$cli" verify --offline "$signed"); kyso_t=$1 kyso_m=$2
set -- $(measure pdfsig -nocert -no-ocsp "$signed"); pdfsig_t=$1 pdfsig_m=$2

# kyso-cli verify must also have said "intact" (exit 1 here only because the signer is not trusted).
"$cli" verify --offline --json "$signed" | grep -q '"integrity" : "ok"' || { echo "verify.sh: the signature did not verify" >&2; exit 1; }

size=$(wc -c < "$signed" | tr -d ' ')
printf 'Signed PDF: %s bytes (%d MB), %d runs each, warm cache\n' "$size" "$size_mb" "$runs"
printf '%-26s %10s %14s\n' tool 'time (s)' 'peak RSS (MB)'
printf '%-26s %10s %14.1f\n' 'openssl dgst -sha256' "$floor_t" "$(echo "$floor_m / 1024" | bc -l)"
printf '%-26s %10s %14.1f\n' 'kyso-cli verify' "$kyso_t" "$(echo "$kyso_m / 1024" | bc -l)"
printf '%-26s %10s %14.1f\n' 'pdfsig -nocert' "$pdfsig_t" "$(echo "$pdfsig_m / 1024" | bc -l)"
if [ "$(echo "$floor_t > 0" | bc)" = 1 ]; then
  printf 'kyso-cli verify / hash floor: %.2fx (target <= 2x)\n' "$(echo "$kyso_t / $floor_t" | bc -l)"
fi

# 4. A small file signed $revisions times.
small=$work/small.pdf
pdf=$small
printf '%%PDF-1.7\n%%\342\343\317\323\n' > "$pdf"
o1=$(off); printf '1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n' >> "$pdf"
o2=$(off); printf '2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n' >> "$pdf"
o3=$(off); printf '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>\nendobj\n' >> "$pdf"
content='BT /F1 24 Tf 72 700 Td (Kyso bench) Tj ET'
o4=$(off); printf '4 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n' "${#content}" "$content" >> "$pdf"
xref=$(off)
{
  printf 'xref\n0 5\n0000000000 65535 f \n'
  for o in "$o1" "$o2" "$o3" "$o4"; do printf '%010d 00000 n \n' "$o"; done
  printf 'trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' "$xref"
} >> "$pdf"
for i in $(seq "$revisions"); do
  KYSO_BENCH_PASS=bench "$cli" sign "$small" "$work/next.pdf" --p12 "$work/key.p12" \
    --p12-pass-env KYSO_BENCH_PASS --invisible >/dev/null
  mv "$work/next.pdf" "$small"
done
cat "$small" > /dev/null
set -- $(measure "$cli" verify --offline "$small"); rk_t=$1 rk_m=$2
set -- $(measure pdfsig -nocert -no-ocsp "$small"); rp_t=$1 rp_m=$2
n=$("$cli" verify --offline --json "$small" | grep -c '"integrity" : "ok"')
[ "$n" -eq "$revisions" ] || { echo "verify.sh: $n of $revisions signatures intact" >&2; exit 1; }
printf '\nPDF signed %d times (%s bytes), %d runs each\n' "$revisions" "$(wc -c < "$small" | tr -d ' ')" "$runs"
printf '%-26s %10s %14s\n' tool 'time (s)' 'peak RSS (MB)'
printf '%-26s %10s %14.1f\n' 'kyso-cli verify' "$rk_t" "$(echo "$rk_m / 1024" | bc -l)"
printf '%-26s %10s %14.1f\n' 'pdfsig -nocert' "$rp_t" "$(echo "$rp_m / 1024" | bc -l)"
