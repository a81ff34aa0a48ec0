#!/usr/bin/env bash
# Seeds each target's corpus from the KDL spec's test inputs and the example
# catalogues (copied at run time; the corpora are not committed).
set -euo pipefail
cd "$(dirname "$0")"
for target in reader pipeline differential formatter; do
    mkdir -p "corpus/$target"
    cp ../tests/kdl-spec/input/*.kdl "corpus/$target/"
    find ../examples -name '*.kdl' | while read -r f; do
        cp "$f" "corpus/$target/example-$(echo "${f#../examples/}" | tr / -)"
    done
done
