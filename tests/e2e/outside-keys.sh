#!/usr/bin/env bash
# Makes the outside keys the end-to-end test signs with (issue 19), in folder $1: a SoftHSM2 token with an
# ECDSA P-256 key generated on it and a certificate for it from a test "accredited" CA (OpenSSL), and a GOST
# R 34.10-2012 CA with the chair's certificate carrying a СНИЛС (OpenSSL's gost engine), the key kept under the
# certificate's thumbprint as CryptoPro keeps a container. Writes $1/outside.json for tests/e2e/run.mjs and
# $1/softhsm2.conf, which the app must find in SOFTHSM2_CONF.
set -euo pipefail
dir="$1"
mkdir -p "${dir}/tokens"
cd "${dir}"
module=/usr/lib/softhsm/libsofthsm2.so
pin=246810
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\n' "${dir}" > softhsm2.conf
export SOFTHSM2_CONF="${dir}/softhsm2.conf" OPENSSL_CONF=/dev/null

softhsm2-util --init-token --free --label member1 --pin "${pin}" --so-pin 87654321 >/dev/null
p11=(pkcs11-tool --module "${module}" --token-label member1)
"${p11[@]}" --login --pin "${pin}" --keypairgen --key-type EC:prime256v1 --id 01 --label member1 >/dev/null 2>&1
"${p11[@]}" --read-object --type pubkey --id 01 -o token.pub.der >/dev/null 2>&1
openssl pkey -pubin -inform DER -in token.pub.der -out token.pub.pem

# The accredited CA (P-256) and member1's certificate for the token's public key: the request is signed by a
# throwaway key, the certificate carries the token's key (-force_pubkey).
openssl ecparam -name prime256v1 -genkey -noout -out ca.key
openssl req -new -x509 -key ca.key -out accredited.pem -days 365 -utf8 -sha256 \
  -subj "/CN=Аккредитованный УЦ (тест)/O=Аккредитованный УЦ (тест)/C=RU" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
openssl ecparam -name prime256v1 -genkey -noout -out throwaway.key
openssl req -new -key throwaway.key -out member1.csr -utf8 -subj "/CN=Лебедев Павел Олегович/C=RU"
printf 'keyUsage=critical,digitalSignature,nonRepudiation\n' > leaf.cnf
openssl x509 -req -in member1.csr -force_pubkey token.pub.pem -CA accredited.pem -CAkey ca.key \
  -CAcreateserial -days 200 -sha256 -extfile leaf.cnf -out member1.pem 2>/dev/null
openssl x509 -in member1.pem -outform DER -out member1.der
"${p11[@]}" --login --pin "${pin}" --write-object member1.der --type cert --id 01 --label member1 >/dev/null 2>&1
member_sha256=$(sha256sum member1.der | cut -d' ' -f1)

# The GOST CA and the chair's qualified-style certificate: ФИО, СНИЛС 112-233-445 95.
gost=(-engine gost)
openssl genpkey "${gost[@]}" -algorithm gost2012_256 -pkeyopt paramset:A -out gost-ca.key 2>/dev/null
openssl req "${gost[@]}" -new -x509 -key gost-ca.key -out gost-ca.pem -days 365 -utf8 -md_gost12_256 \
  -subj "/CN=Тестовый УЦ ГОСТ/O=Тестовый УЦ ГОСТ/C=RU" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl genpkey "${gost[@]}" -algorithm gost2012_256 -pkeyopt paramset:A -out chair.key 2>/dev/null
openssl req "${gost[@]}" -new -key chair.key -out chair.csr -utf8 -md_gost12_256 \
  -subj "/CN=Орлов Виктор Андреевич/SN=Орлов/GN=Виктор Андреевич/1.2.643.100.3=11223344595/C=RU" 2>/dev/null
openssl x509 "${gost[@]}" -req -in chair.csr -CA gost-ca.pem -CAkey gost-ca.key -CAcreateserial -days 200 \
  -md_gost12_256 -extfile leaf.cnf -out chair.pem 2>/dev/null
thumbprint=$(openssl x509 -in chair.pem -outform DER | sha1sum | cut -d' ' -f1)
mv chair.key "${thumbprint}.key"
command="openssl cms -sign -engine gost -binary -md md_gost12_256 -nosmimecap -signer {cert} -inkey ${dir}/{thumbprint}.key -in {in} -out {out} -outform DER"

python3 - <<PY
import json
json.dump({
    "module": "${module}", "pin": "${pin}", "conf": "${dir}/softhsm2.conf",
    "accredited_root": "${dir}/accredited.pem", "gost_root": "${dir}/gost-ca.pem",
    "member_sha256": "${member_sha256}", "chair_cert": "${dir}/chair.pem", "chair_snils": "112-233-445 95",
    "command": "${command}",
}, open("${dir}/outside.json", "w"), ensure_ascii=False)
PY
echo "outside keys: a SoftHSM2 token for member1 (${member_sha256:0:16}…), a GOST certificate for the chair"
