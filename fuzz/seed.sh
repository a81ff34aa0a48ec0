#!/usr/bin/env bash
# Seeds each target's corpus from the KDL 2.0 and 1.0 specs' test inputs and the example
# catalogues (copied at run time; the corpora are not committed).
set -euo pipefail
cd "$(dirname "$0")"
for target in reader pipeline differential formatter tree; do
    mkdir -p "corpus/$target"
    cp ../tests/kdl-spec/input/*.kdl "corpus/$target/"
    for f in ../tests/kdl-spec-v1/input/*.kdl; do
        cp "$f" "corpus/$target/v1-$(basename "$f")"
    done
    find ../examples -name '*.kdl' | while read -r f; do
        cp "$f" "corpus/$target/example-$(echo "${f#../examples/}" | tr / -)"
    done
done
# The language server's message reader: a few well-formed and malformed
# messages.
mkdir -p corpus/messages
msg() { printf 'Content-Length: %d\r\n\r\n%s' "${#1}" "$1"; }
msg '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}' > corpus/messages/request
{ msg '{"jsonrpc":"2.0","method":"initialized","params":{}}'; msg '{"jsonrpc":"2.0","id":"a","result":null}'; } > corpus/messages/two
printf 'Content-Length: 99999999999999\r\n\r\n{}' > corpus/messages/huge
{ printf 'Content-Type: application/vscode-jsonrpc\r\n\r\n{}'; msg '{"id":2,"method":4}'; } > corpus/messages/missing
printf 'Content-Length: -1\n\n{"a":\xff}Content-Length: 2\r\n\r\n[]' > corpus/messages/negative
