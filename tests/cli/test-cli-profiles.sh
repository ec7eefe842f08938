#!/bin/sh
# kyso-cli profiles against the real keyring of the test session: add, list, delete, refusals.
set -eu
K="$KYSO_CLI"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail () { echo "not ok - $*"; exit 1; }

# A 4×4 PNG made here, so the test needs no fixture file.
python3 - "$tmp/sig.png" <<'PY'
import struct, sys, zlib
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
raw = b''.join(b'\x00' + bytes([0, 0, 0, 255] * 4) for _ in range(4))
open(sys.argv[1], 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 4, 4, 8, 6, 0, 0, 0))
                              + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
PY

echo "1..5"
id=$("$K" profiles add --name "Trần Thị Bình" --image "$tmp/sig.png" --phone "0912 345 678" \
       --keyword "Người làm đơn" --account 001199012345 --provider Viettel-CA) || fail "add"
[ -n "$id" ] || fail "add printed no id"
echo "ok 1 add"

"$K" profiles list --json > "$tmp/list.json"
python3 - "$tmp/list.json" "$id" <<'PY' || fail "list"
import json, sys
p = json.load(open(sys.argv[1]))["profiles"]
assert len(p) == 1, p
assert p[0]["id"] == sys.argv[2] and p[0]["name"] == "Trần Thị Bình", p
assert p[0]["accounts"] == [{"provider": "viettel-ca", "account": "001199012345"}], p
PY
echo "ok 2 list shows the stored profile"

set +e
"$K" profiles add --name "X" --image "$tmp/sig.png" --phone 12 --account 001199012345 --provider VNPT-CA 2>"$tmp/err"
rc=$?
set -e
[ "$rc" = 3 ] || fail "invalid phone gave exit $rc"
grep -q "phone" "$tmp/err" || fail "invalid phone message: $(cat "$tmp/err")"
echo "ok 3 invalid phone refused"

"$K" profiles delete "$id" || fail "delete"
"$K" profiles list --json | python3 -c 'import json,sys; assert json.load(sys.stdin)["profiles"] == []' || fail "still listed"
echo "ok 4 delete"

set +e
"$K" profiles delete "$id" 2>/dev/null
rc=$?
set -e
[ "$rc" = 3 ] || fail "second delete gave exit $rc"
echo "ok 5 deleting a missing profile is refused"
