#!/bin/sh
# Signing benchmark: PDFs of about 1 MB, 100 MB and 1 GB (a few pages of large uncompressed image
# data, written by the generator below), and for each, from the same run, wall time and peak RSS
# (/usr/bin/time -v) of
#   kyso-cli sign            (local PKCS#12 key, visible signature; fsync included)
#   pdfsig -add-signature    (poppler, with an NSS database made here)
#   openssl dgst -sha256     reading and hashing the file once
#   cp + fsync               writing a durable copy of the file once (coreutils `sync FILE`)
# The physical floor of making a signed copy is max(openssl dgst, cp + fsync): a signer must at
# least hash every byte and write every byte to the disk, and can at best overlap the two.
# Targets: Kyso ≤ 1.3× the floor at 100 MB and 1 GB, ≥ 5× faster than pdfsig at 100 MB; Kyso peak
# RSS ≤ 32 MB at 1 GB.
#
#   tests/bench/sign.sh [KYSO_CLI] [SIZES_MB…]      default: _build/app/kyso-cli, 1 100 1024
# Each figure is the best of 3 runs (KYSO_BENCH_RUNS to change); peak RSS is the largest seen.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cli=${1:-$here/../../_build/app/kyso-cli}
[ $# -gt 0 ] && shift
sizes=${*:-1 100 1024}
work=$(mktemp -d "${TMPDIR:-/tmp}/kyso-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (Debian package time)"; exit 1; }
[ -x "$cli" ] || { echo "no kyso-cli at $cli"; exit 1; }

sh "$here/../pdf/make-test-pki.sh" "$work/pki" >/dev/null
export KYSO_BENCH_PASS=test-pass

# gen.py OUT MB: pages holding one image each, 16 MiB of pseudo-random samples at most per image
# (incompressible, so the file is as large as it says), written in 1 MiB blocks.
cat > "$work/gen.py" <<'EOF'
import os, sys
out, mb = sys.argv[1], int(sys.argv[2])
total = mb * 1024 * 1024
per = min(16 * 1024 * 1024, max(total // 4, 3 * 64 * 64))
n = max(1, total // per)
block = os.urandom(1024 * 1024)
offsets = []
with open(out, 'wb') as f:
    def obj(num, body):
        offsets.append((num, f.tell()))
        f.write(b'%d 0 obj\n' % num + body + b'\nendobj\n')
    f.write(b'%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')
    kids = b' '.join(b'%d 0 R' % (3 + 3 * i) for i in range(n))
    obj(1, b'<< /Type /Catalog /Pages 2 0 R >>')
    obj(2, b'<< /Type /Pages /Kids [%s] /Count %d >>' % (kids, n))
    for i in range(n):
        p, c, im = 3 + 3 * i, 4 + 3 * i, 5 + 3 * i
        w = 1024
        h = per // (3 * w)
        obj(p, b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R '
               b'/Resources << /XObject << /Im0 %d 0 R >> >> >>' % (c, im))
        content = b'q 500 0 0 700 47 70 cm /Im0 Do Q'
        obj(c, b'<< /Length %d >>\nstream\n' % len(content) + content + b'\nendstream')
        offsets.append((im, f.tell()))
        size = 3 * w * h
        f.write(b'%d 0 obj\n<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB '
                b'/BitsPerComponent 8 /Length %d >>\nstream\n' % (im, w, h, size))
        left = size
        while left > 0:
            k = min(left, len(block))
            f.write(block[:k])
            left -= k
        f.write(b'\nendstream\nendobj\n')
    xref = f.tell()
    count = 3 + 3 * n
    f.write(b'xref\n0 %d\n0000000000 65535 f\r\n' % count)
    for num, off in sorted(offsets):
        f.write(b'%010d 00000 n\r\n' % off)
    f.write(b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (count, xref))
EOF

# measure NAME CMD…: runs CMD under /usr/bin/time -v $runs times (each after a sync, so that no
# tool pays for another's dirty pages), prints "NAME best_wall_s max_rss_MB".
measure () {
  name=$1; shift
  best=""; maxrss=0
  i=0
  while [ $i -lt "$runs" ]; do
    i=$((i + 1))
    sync
    /usr/bin/time -v -o "$work/time.txt" "$@" >/dev/null 2>"$work/err.txt" || {
      echo "$name failed:" >&2; cat "$work/err.txt" >&2; return 1; }
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt" \
           | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
    best=$(awk -v a="$best" -v b="$wall" 'BEGIN { print (a == "" || b < a) ? b : a }')
    maxrss=$(awk -v a="$maxrss" -v b="$rss" 'BEGIN { print (b > a) ? b : a }')
    rm -f "$work/kyso.pdf" "$work/pdfsig.pdf" "$work/cp.pdf"
  done
  printf '%s %s %s\n' "$name" "$best" "$(awk "BEGIN { printf \"%.1f\", $maxrss / 1024 }")"
}

printf '%-8s %-22s %10s %10s\n' "size" "tool" "wall (s)" "RSS (MB)"
for mb in $sizes; do
  in="$work/in-$mb.pdf"
  python3 "$work/gen.py" "$in" "$mb"
  actual=$(du -m "$in" | cut -f1)
  sync
  cat "$in" > /dev/null   # everyone starts from the page cache
  runs=${KYSO_BENCH_RUNS:-3}
  for line in \
    "$(measure openssl openssl dgst -sha256 "$in")" \
    "$(measure cp_fsync sh -c 'cp "$1" "$2" && sync "$2"' sh "$in" "$work/cp.pdf")" \
    "$(measure kyso "$cli" sign "$in" "$work/kyso.pdf" --p12 "$work/pki/signer.p12" \
         --p12-pass-env KYSO_BENCH_PASS --page 1 --rect 50,50,200,70)" \
    "$(measure pdfsig pdfsig -add-signature -nssdir "sql:$work/pki/nssdb" -nick signer "$in" "$work/pdfsig.pdf")"; do
    set -- $line
    printf '%-8s %-22s %10s %10s\n' "${actual}MB" "$1" "$2" "$3"
    eval "t_$1=$2"
  done
  # The signed file must be good, or the figures mean nothing.
  "$cli" sign "$in" "$work/kyso.pdf" --p12 "$work/pki/signer.p12" --p12-pass-env KYSO_BENCH_PASS \
    --page 1 --rect 50,50,200,70 >/dev/null
  pdfsig -nocert "$work/kyso.pdf" 2>/dev/null | grep -q "Signature is Valid" || { echo "kyso output not valid"; exit 1; }
  awk -v k="$t_kyso" -v o="$t_openssl" -v c="$t_cp_fsync" -v p="$t_pdfsig" 'BEGIN {
    f = (o > c ? o : c)
    printf "%-8s floor = max(openssl %.3f, cp+fsync %.3f) = %.3f s   kyso/floor = %.2f   pdfsig/kyso = %.1f\n",
           "", o, c, f, (f > 0 ? k / f : 0), (k > 0 ? p / k : 0) }'
  rm -f "$in" "$work/kyso.pdf" "$work/pdfsig.pdf"
done
