#!/bin/sh
# End-to-end tests of the two commands: sh tests/cli.sh path/to/ckit path/to/crc
set -u
CKIT=${1:?usage: cli.sh path/to/ckit path/to/crc}
CRC=${2:?usage: cli.sh path/to/ckit path/to/crc}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
pass=0
fail=0

# expect NAME EXPECTED_OUTPUT COMMAND...: stdout of COMMAND must equal EXPECTED_OUTPUT and its status be 0
expect() {
    name=$1 want=$2
    shift 2
    if got=$("$@" 2>"$WORK/stderr") && [ "$got" = "$want" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        printf 'FAIL %s\n  command: %s\n  want: %s\n  got:  %s\n' "$name" "$*" "$want" "$got"
        sed 's/^/  stderr: /' "$WORK/stderr"
    fi
}

# expect_status NAME STATUS COMMAND...: COMMAND must exit with STATUS
expect_status() {
    name=$1 want=$2
    shift 2
    "$@" >/dev/null 2>&1
    got=$?
    if [ "$got" -eq "$want" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        printf 'FAIL %s: exit status %s, want %s (%s)\n' "$name" "$got" "$want" "$*"
    fi
}

printf 'The quick brown fox jumps over the lazy dog' >"$WORK/fox.txt"
printf '123456789' >"$WORK/check.txt"
printf 'to be or not to be\nthat is the question\n' >"$WORK/hamlet.txt"
printf '3\n1\n10\n2\n1\n' >"$WORK/numbers.txt"

expect version "ckit 1.4.2" "$CKIT" version
expect hash-sha256 "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592  $WORK/fox.txt" \
    "$CKIT" hash "$WORK/fox.txt"
expect hash-md5-stdin "9e107d9d372bb6826bd81d3542a419d6  -" sh -c "\"$CKIT\" hash -a md5 < \"$WORK/fox.txt\""
expect hash-string "cbf43926" "$CKIT" hash -a crc32 -s 123456789
expect hash-long-option "995dc9bbdf1939fa  $WORK/check.txt" "$CKIT" hash --algorithm=crc64 "$WORK/check.txt"
expect hash-all-count "20" sh -c "\"$CKIT\" hash -a all \"$WORK/check.txt\" | wc -l"
expect hash-list-count "19" sh -c "\"$CKIT\" hash -l | wc -l"
expect_status hash-unknown-alg 1 "$CKIT" hash -a nope "$WORK/fox.txt"
expect_status hash-missing-file 1 "$CKIT" hash "$WORK/absent"

"$CKIT" hash "$WORK/fox.txt" "$WORK/check.txt" >"$WORK/sums"
expect check-ok "$WORK/fox.txt: OK
$WORK/check.txt: OK" "$CKIT" check "$WORK/sums"
printf 'tampered' >>"$WORK/check.txt"
expect_status check-detects-change 1 "$CKIT" check -q "$WORK/sums"
printf '123456789' >"$WORK/check.txt"

expect hmac "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" \
    sh -c "printf 'Hi There' | \"$CKIT\" hmac -a sha256 -k \"\$(printf '\\013%.0s' 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20)\""
expect hmac-md5 "750c783e6ab0b503eaa86e310a5db738" \
    sh -c "printf 'what do ya want for nothing?' | \"$CKIT\" hmac -a md5 -k Jefe"
expect_status hmac-needs-key 2 "$CKIT" hmac -a sha256

expect base64 "VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZw==" "$CKIT" encode "$WORK/fox.txt"
expect base64-wrap "VGhlIHF1aWNr
IGJyb3duIGZv
eCBqdW1wcyBv
dmVyIHRoZSBs
YXp5IGRvZw==" "$CKIT" encode -w 12 "$WORK/fox.txt"
expect base32 "GEZDGNBVGY3TQOI=" "$CKIT" encode -f base32 "$WORK/check.txt"
expect hex "313233343536373839" "$CKIT" encode -f hex "$WORK/check.txt"
for f in base64 base64url base32 hex ascii85; do
    expect "roundtrip-$f" "The quick brown fox jumps over the lazy dog" \
        sh -c "\"$CKIT\" encode -f $f \"$WORK/fox.txt\" | \"$CKIT\" decode -f $f"
done
expect_status decode-garbage 1 sh -c "printf '@@@' | \"$CKIT\" decode -f base64"
expect_status encode-bad-format 2 "$CKIT" encode -f rot13 "$WORK/fox.txt"

i=0
while [ $i -lt 200 ]; do cat "$WORK/hamlet.txt"; i=$((i + 1)); done >"$WORK/big.txt"
for m in lzss packbits; do
    expect "pack-$m" "$("$CKIT" hash "$WORK/big.txt" | cut -d' ' -f1)" \
        sh -c "\"$CKIT\" pack -f $m \"$WORK/big.txt\" | \"$CKIT\" unpack -f $m | \"$CKIT\" hash -a sha256 | cut -d' ' -f1"
done
expect_status pack-ratio 0 sh -c "[ \$(\"$CKIT\" pack \"$WORK/big.txt\" | wc -c) -lt 1000 ]"
expect_status unpack-corrupt 1 sh -c "printf 'xx' | \"$CKIT\" unpack -f lzss"

expect wc "      2      10      40      40 $WORK/hamlet.txt" "$CKIT" wc "$WORK/hamlet.txt"
expect wc-utf8 "      0       2      12      10" sh -c "printf 'naïve café' | \"$CKIT\" wc"
expect freq "      2 be
      2 to
      1 is
10 words, 8 distinct" "$CKIT" freq -n 3 "$WORK/hamlet.txt"

expect sort "1
1
10
2
3" "$CKIT" sort "$WORK/numbers.txt"
expect sort-numeric-unique-reverse "10
3
2
1" "$CKIT" sort -nur "$WORK/numbers.txt"

expect stats "count  5
mean   3.4
stddev 3.78153
min    1
p50    2
p90    7.2
p99    9.72
max    10" "$CKIT" stats "$WORK/numbers.txt"
expect_status stats-garbage 1 sh -c "printf '1 2 x' | \"$CKIT\" stats"

expect primes "2
3
5
7
11
13
17
19
23
29" "$CKIT" primes 30
expect primes-count "664579" "$CKIT" primes -c 10000000
expect factor "600851475143: 71 839 1471 6857
97: 97
1:" "$CKIT" factor 600851475143 97 1
expect_status factor-negative 1 "$CKIT" factor -- -5
expect fact "2432902008176640000" "$CKIT" fact 20
expect fib "12586269025" "$CKIT" fib 50
expect pow "340282366920938463463374607431768211456" "$CKIT" pow 2 128
expect fact-digits "35660" sh -c "\"$CKIT\" fact 10000 | tr -d '\n' | wc -c"

expect uuid5 "aad03681-8b63-5304-89e0-8ca8f49461b5" "$CKIT" uuid -5 dns example.org
expect uuid4-seeded "$("$CKIT" uuid -s 7 -n 3)" "$CKIT" uuid --seed 7 -n 3
expect uuid4-count "3" sh -c "\"$CKIT\" uuid -n 3 | sort -u | wc -l"

expect dist "levenshtein 3
lcs         4
similarity  0.571" "$CKIT" dist kitten sitting
expect demo-first-line "ckit 1.4.2 demo" sh -c "\"$CKIT\" demo | head -n 1"
expect demo-md5 "md5         fca4b7fc2c84211180d090631f9cf04d" sh -c "\"$CKIT\" demo | grep '^md5 '"
expect_status unknown-command 2 "$CKIT" frobnicate
expect_status no-command 2 "$CKIT"
expect help "usage: ckit fib N
  the Nth Fibonacci number, exactly" "$CKIT" help fib

# crc: the default model, a named one, chained reads of a file larger than its buffer
expect crc-default "414fa339  $WORK/fox.txt" "$CRC" "$WORK/fox.txt"
expect crc-model "4b37" "$CRC" -m CRC-16/MODBUS -s 123456789
expect crc-short-name "995dc9bbdf1939fa" "$CRC" -m 64/xz -s 123456789
expect crc-narrow "4" "$CRC" -m CRC-3/GSM -s 123456789
expect crc-list "112" sh -c "\"$CRC\" -l | wc -l"
i=0
while [ $i -lt 2000 ]; do cat "$WORK/fox.txt"; i=$((i + 1)); done >"$WORK/fox2000.txt"
expect crc-big-matches-ckit "$("$CKIT" hash -a crc32 "$WORK/fox2000.txt" | cut -d' ' -f1)" \
    sh -c "\"$CRC\" -i byte \"$WORK/fox2000.txt\" | cut -d' ' -f1"
for impl in bit byte word; do
    expect "crc-stdin-$impl" "1697d06a  -" sh -c "printf 123456789 | \"$CRC\" -m crc-32/autosar -i $impl"
done
expect_status crc-unknown-model 2 "$CRC" -m CRC-99/NOPE -s x

echo "cli.sh: $((pass + fail)) checks, $fail failed"
[ "$fail" -eq 0 ]
