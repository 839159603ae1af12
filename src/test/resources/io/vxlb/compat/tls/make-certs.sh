#!/bin/sh
# Re-creates the fixed certificates of the TLS differential case (TlsFilesIT); the recorded
# HAProxy answers do not depend on the keys, only on names and who signed what.
# Usage: src/test/resources/io/vxlb/compat/tls/make-certs.sh   (needs openssl)
set -eu
cd "$(dirname "$0")"
days=36500
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }
key ca
openssl req -x509 -key ca.key -out ca.crt -days $days -subj "/CN=vxlb test CA" -addext basicConstraints=critical,CA:TRUE
# leaf NAME CN [SAN]: a certificate signed by ca, chain and key in NAME.pem as HAProxy wants
leaf() {
    key "$1"
    openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$2"
    if [ -n "${3:-}" ]; then printf 'subjectAltName=%s\n' "$3" > "$1.ext"; else : > "$1.ext"; fi
    openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days $days -extfile "$1.ext" 2>/dev/null
    cat "$1.crt" "$1.key" > "$1.pem"
    rm -f "$1.csr" "$1.ext" "$1.crt" "$1.key"
}
leaf default default.test DNS:default.test
leaf a a.test DNS:a.test
leaf b b.test DNS:b.test,DNS:www.b.test
leaf w wild.test DNS:wild.test,DNS:*.wild.test
leaf client client.test
# a client certificate no trusted CA signed
key rogue
openssl req -x509 -key rogue.key -out rogue.crt -days $days -subj "/CN=rogue.test"
cat rogue.crt rogue.key > rogue.pem
rm -f rogue.crt rogue.key ca.srl ca.key
