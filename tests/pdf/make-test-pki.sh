#!/bin/sh
# A throwaway PKI for the signing tests, made with the openssl command at test time:
#   ca.pem / ca.key       "Kyso PDF Test CA"
#   signer.p12            RSA 2048, CN=Nguyễn Văn An, UID=CCCD:001099012345, chain included,
#                         password "test-pass"; also signer.pem / signer.key
#   tsa.pem / tsa.key     a time-stamp authority (extendedKeyUsage critical timeStamping), ts.cnf
#   nssdb/                an NSS database holding signer.p12 (nickname "signer"), empty password,
#                         and the CA as trusted, for pdfsig
#
#   make-test-pki.sh OUTDIR
set -eu

out=$1
mkdir -p "$out"
cd "$out"
out=$(pwd)
export OPENSSL_CONF=/dev/null

openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 -sha256 \
  -subj "/C=VN/O=Kyso Test/CN=Kyso PDF Test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

openssl req -new -newkey rsa:2048 -nodes -keyout signer.key -out signer.csr -utf8 \
  -subj "/C=VN/CN=Nguyễn Văn An/UID=CCCD:001099012345" 2>/dev/null
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nsubjectAltName=email:an@example.vn\n' > signer.ext
openssl x509 -req -in signer.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out signer.pem -days 3650 -sha256 \
  -extfile signer.ext 2>/dev/null
openssl pkcs12 -export -inkey signer.key -in signer.pem -certfile ca.pem -out signer.p12 -name signer \
  -passout pass:test-pass

openssl req -new -newkey rsa:2048 -nodes -keyout tsa.key -out tsa.csr \
  -subj "/C=VN/O=Kyso Test/CN=Kyso PDF Test TSA" 2>/dev/null
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n' > tsa.ext
openssl x509 -req -in tsa.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out tsa.pem -days 3650 -sha256 \
  -extfile tsa.ext 2>/dev/null
echo 01 > tsaserial
cat > ts.cnf <<EOF
[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
dir = $out
serial = \$dir/tsaserial
crypto_device = builtin
signer_cert = \$dir/tsa.pem
certs = \$dir/ca.pem
signer_key = \$dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5.6
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
EOF

mkdir -p nssdb
certutil -N -d sql:nssdb --empty-password
pk12util -i signer.p12 -d sql:nssdb -W test-pass -K "" >/dev/null
certutil -M -d sql:nssdb -n "Kyso PDF Test CA - Kyso Test" -t "CT,C,C" 2>/dev/null \
  || certutil -A -d sql:nssdb -n kyso-ca -t "CT,C,C" -i ca.pem
