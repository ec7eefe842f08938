#!/bin/sh
# Makes a small, real PKI with the openssl command, the way a Vietnamese CA's certificates look:
#
#   root/      "Kyso Test Root CA" (self-signed)          → issues sub, tsa
#   sub/       "Kyso Test Sub CA"                          → issues the citizens' certificates, ocsp
#   signer     RSA, CN=Nguyễn Văn An, UID=CCCD:001099012345, e-mail, OCSP (AIA) + CRL (CRLDP)
#   signer-ec  P-256, CN=Trần Thị Bình, serialNumber=CMND:123456789, e-mail only in the SAN
#   revoked    RSA, UID=CCCD:079088001122, OCSP, revoked
#   crl-good   RSA, CRL only, plain 12-digit UID            crl-revoked  RSA, CRL only, revoked
#   expired    valid 2020–2021                              no-sign      keyUsage keyEncipherment only
#   ocsp       the OCSP responder (extendedKeyUsage OCSPSigning)
#   tsa        the time-stamp authority (extendedKeyUsage critical timeStamping)
#   tls-server  a web server's certificate (extendedKeyUsage serverAuth): not a document signer
#   short       RSA, OCSP, valid for 30 days from now (a certificate that expires; B-LT tests)
#   rogue-tsa   a time-stamp authority under other-root (nobody trusts it; it backdates)
#   other-root/ other   a chain nobody trusts
#   signer-twin  the signer's key and serial number with another subject (substitution attack)
#   signer.p12, signer-ec.p12, expired.p12, no-sign.p12 (password "secret-pass"), sub/sub.crl (DER),
#   trust/ (hashed dir)
#
#   make-pki.sh OUTDIR OCSP_PORT HTTP_PORT
set -eu

out=$1
ocsp_port=$2
http_port=$3
mkdir -p "$out"
cd "$out"

aia="authorityInfoAccess = OCSP;URI:http://127.0.0.1:$ocsp_port/"
crldp="crlDistributionPoints = URI:http://127.0.0.1:$http_port/sub.crl"

make_ca_dir () {
  mkdir -p "$1/newcerts"
  : > "$1/index.txt"
  echo "$2" > "$1/serial"
  echo 01 > "$1/crlnumber"
  cat > "$1/ca.cnf" <<EOF
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = $out/$1
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
crlnumber = \$dir/crlnumber
certificate = \$dir/$1.pem
private_key = \$dir/$1.key
default_md = sha256
default_days = 3650
default_crl_days = 30
policy = policy_any
unique_subject = no
email_in_dn = yes
preserve = yes
utf8 = yes
string_mask = utf8only
[ policy_any ]
countryName = optional
stateOrProvinceName = optional
localityName = optional
organizationName = optional
organizationalUnitName = optional
title = optional
commonName = supplied
UID = optional
serialNumber = optional
emailAddress = optional
[ ca_ext ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ leaf ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
}

# issue CA NAME KEYSPEC SUBJECT EXTRA-EXTENSION-LINES [openssl ca options…]
issue () {
  ca=$1 name=$2 keyspec=$3 subj=$4 ext=$5
  shift 5
  openssl req -new -newkey "$keyspec" -nodes -keyout "$name.key" -out "$name.csr" -utf8 -subj "$subj" 2>/dev/null
  printf '[ x ]\n%s\n' "$ext" > "$name.ext"
  openssl ca -config "$ca/ca.cnf" -batch -notext -in "$name.csr" -out "$name.pem" \
    -extfile "$name.ext" -extensions x "$@" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}

leaf_ext="basicConstraints = CA:false
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid"

# Roots
for r in root other-root; do
  make_ca_dir "$r" 01
done
openssl req -x509 -newkey rsa:2048 -nodes -keyout root/root.key -out root/root.pem -days 3650 -utf8 \
  -subj "/C=VN/O=Kyso Test/CN=Kyso Test Root CA" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout other-root/other-root.key -out other-root/other-root.pem \
  -days 3650 -subj "/C=VN/O=Nobody/CN=Untrusted Root" 2>/dev/null

make_ca_dir sub 1000
issue root sub/sub rsa:2048 "/C=VN/O=Kyso Test CA/CN=Kyso Test Sub CA" "basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid"

issue sub signer rsa:2048 "/C=VN/L=Hà Nội/CN=Nguyễn Văn An/UID=CCCD:001099012345/emailAddress=an@example.vn" \
  "$leaf_ext
subjectAltName = email:an@example.vn
$aia
$crldp"
openssl ecparam -name prime256v1 -out p256.param
issue sub signer-ec ec:p256.param "/C=VN/CN=Trần Thị Bình/serialNumber=CMND:123456789" "$leaf_ext
subjectAltName = email:binh@example.vn
$aia"
issue sub revoked rsa:2048 "/C=VN/CN=Lê Văn Cường/UID=CCCD:079088001122" "$leaf_ext
$aia"
issue sub crl-good rsa:2048 "/C=VN/CN=Phạm Văn Dũng/UID=012345678901" "$leaf_ext
$crldp"
issue sub crl-revoked rsa:2048 "/C=VN/CN=Hoàng Thị Em/UID=CCCD:098765432109" "$leaf_ext
$crldp"
issue sub expired rsa:2048 "/C=VN/CN=Võ Văn Hết Hạn/UID=CCCD:001001001001" "$leaf_ext" \
  -startdate 20200101000000Z -enddate 20210101000000Z
issue sub no-sign rsa:2048 "/C=VN/CN=Đỗ Văn Mã Hóa/UID=CCCD:002002002002" "basicConstraints = CA:false
keyUsage = critical, keyEncipherment"
issue sub ocsp rsa:2048 "/C=VN/O=Kyso Test CA/CN=Kyso Test OCSP" "basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = OCSPSigning"
issue sub tls-server rsa:2048 "/C=VN/O=Kyso Test/CN=www.example.vn" "basicConstraints = CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.example.vn"
issue sub short rsa:2048 "/C=VN/CN=Ngô Văn Ngắn/UID=CCCD:003003003003" "$leaf_ext
$aia" -days 30
issue other-root rogue-tsa rsa:2048 "/C=VN/O=Nobody/CN=Rogue TSA" "basicConstraints = CA:false
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping"
issue root tsa rsa:2048 "/C=VN/O=Kyso Test/CN=Kyso Test TSA" "basicConstraints = CA:false
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping"
issue other-root other rsa:2048 "/C=VN/CN=Kẻ Giả Mạo/UID=CCCD:001099012345" "$leaf_ext"

# The substitution attack: the signer's key and serial under another name, issued outside the
# CA's database (so the OCSP index does not know it).
openssl req -new -key signer.key -utf8 -subj "/C=VN/CN=Kẻ Thế Chỗ/UID=CCCD:009009009009" -out twin.csr
printf '%s\n' "$leaf_ext" > twin.ext
openssl x509 -req -in twin.csr -CA sub/sub.pem -CAkey sub/sub.key -set_serial 0x1000 -days 3650 \
  -extfile twin.ext -out signer-twin.pem 2>/dev/null
rm -f twin.csr twin.ext

openssl ca -config sub/ca.cnf -revoke revoked.pem -crl_reason keyCompromise 2>/dev/null
openssl ca -config sub/ca.cnf -revoke crl-revoked.pem -crl_reason keyCompromise 2>/dev/null
openssl ca -config sub/ca.cnf -gencrl -out sub/sub.crl.pem 2>/dev/null
openssl crl -in sub/sub.crl.pem -outform DER -out sub/sub.crl

cat signer.pem sub/sub.pem root/root.pem > signer-chain.pem
# CA certificates root first, so that the signer has to put them in issuer order.
cat root/root.pem sub/sub.pem > cas.pem
openssl pkcs12 -export -in signer.pem -inkey signer.key -certfile cas.pem \
  -name "Nguyễn Văn An" -passout pass:secret-pass -out signer.p12
openssl pkcs12 -export -in signer-ec.pem -inkey signer-ec.key -certfile sub/sub.pem \
  -passout pass:secret-pass -out signer-ec.p12
# Certificates a local signer must refuse to sign with.
for leaf in expired no-sign; do
  openssl pkcs12 -export -in $leaf.pem -inkey $leaf.key -certfile cas.pem -passout pass:secret-pass -out $leaf.p12
done

mkdir -p trust
cp root/root.pem trust/
openssl rehash trust >/dev/null 2>&1 || c_rehash trust >/dev/null 2>&1 || true
echo ok
