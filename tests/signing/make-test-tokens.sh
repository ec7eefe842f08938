#!/bin/sh
# Two SoftHSM2 tokens for the token-signer tests, with keys and certificates from the PDF tests'
# CA (tests/pdf/make-test-pki.sh), in OUTDIR (its softhsm2.conf is what SOFTHSM2_CONF names):
#
#   "Kyso Token A", PIN 123456:  signer (RSA 2048, the PKI's signer.key / signer.pem), id 01
#                                no-sign (RSA, keyUsage keyEncipherment only), id 03
#                                the CA's own certificate (no key), id 0c
#   "Kyso Token B", PIN 654321:  signer-ec (P-256, CN=Trần Thị Bình), id 02
#                                no-key (a signing certificate whose key is not on the token), id 04
#   SO PIN of both: 12345678
#
#   make-test-tokens.sh OUTDIR PKIDIR IMPORT-TOOL
set -eu

out=$1
pki=$(cd "$2" && pwd)
import=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
mkdir -p "$out/tokens"
cd "$out"
out=$(pwd)
export OPENSSL_CONF=/dev/null
cat > softhsm2.conf <<CONF
directories.tokendir = $out/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = true
CONF
export SOFTHSM2_CONF="$out/softhsm2.conf"

# leaf NAME KEYSPEC SUBJECT KEYUSAGE
leaf () {
  openssl req -new -newkey "$2" -nodes -keyout "$1.key" -out "$1.csr" -utf8 -subj "$3" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,%s\n' "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAserial "$out/ca.srl" -CAcreateserial \
    -out "$1.pem" -days 3650 -sha256 -extfile "$1.ext" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
openssl ecparam -name prime256v1 -out p256.param
leaf signer-ec ec:p256.param "/C=VN/CN=Trần Thị Bình/serialNumber=CMND:123456789" "digitalSignature,nonRepudiation"
leaf no-sign rsa:2048 "/C=VN/CN=Lê Văn Cường" "keyEncipherment"
leaf no-key rsa:2048 "/C=VN/CN=Phạm Văn Dũng" "digitalSignature,nonRepudiation"

softhsm2-util --init-token --free --label "Kyso Token A" --so-pin 12345678 --pin 123456 >/dev/null
softhsm2-util --init-token --free --label "Kyso Token B" --so-pin 12345678 --pin 654321 >/dev/null

softhsm2-util --import "$pki/signer.key" --token "Kyso Token A" --label signer --id 01 --pin 123456 >/dev/null
"$import" "Kyso Token A" 123456 "$pki/signer.pem" 01
softhsm2-util --import no-sign.key --token "Kyso Token A" --label no-sign --id 03 --pin 123456 >/dev/null
"$import" "Kyso Token A" 123456 no-sign.pem 03
"$import" "Kyso Token A" 123456 "$pki/ca.pem" 0c

softhsm2-util --import signer-ec.key --token "Kyso Token B" --label signer-ec --id 02 --pin 654321 >/dev/null
"$import" "Kyso Token B" 654321 signer-ec.pem 02
"$import" "Kyso Token B" 654321 no-key.pem 04
rm -f ./*.key
