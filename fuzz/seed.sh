#!/usr/bin/env bash
# Fill fuzz/corpus/<target>/ with starting inputs: the project's fixtures and
# example, the real leaflets in ../shared/leaflets when they are there, and
# the crash inputs kept as regression tests. The corpus is not committed.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=fuzz/corpus
mkdir -p "$corpus"/{read_text,read_markdown,script,normalize,read_pdf,read_docx,read_odt,read_html,read_sniffed}
shopt -s nullglob
texts=(tests/fixtures/*.txt examples/*.txt ../shared/leaflets/*.txt)
markdown=(tests/fixtures/*.md)
for f in "${texts[@]}"; do
    name=$(basename "$f")
    cp "$f" "$corpus/read_text/$name"
    # The script target's first byte chooses the format: even is PDF text.
    { printf '\x00'; cat "$f"; } >"$corpus/script/pdf-$name"
done
for f in "${markdown[@]}"; do
    name=$(basename "$f")
    cp "$f" "$corpus/read_markdown/$name"
    { printf '\x01'; cat "$f"; } >"$corpus/script/md-$name"
done
# Normalisation works on one utterance: each paragraph is an input.
for f in "${texts[@]}" "${markdown[@]}"; do
    awk -v out="$corpus/normalize/$(basename "$f")" \
        'BEGIN { RS = ""; n = 0 } { n++; print > (out "." n) }' "$f"
done
# The structured readers start from the fixtures of their kind (and the
# shared leaflets' PDFs); the sniffing target from every fixture.
for f in tests/fixtures/pdf/*.pdf ../shared/leaflets/*.pdf; do cp "$f" "$corpus/read_pdf/"; done
for f in tests/fixtures/docx/*.docx; do cp "$f" "$corpus/read_docx/"; done
for f in tests/fixtures/docx/*.odt; do cp "$f" "$corpus/read_odt/"; done
for f in tests/fixtures/html/*.htm* tests/fixtures/md-links-images-html.md; do cp "$f" "$corpus/read_html/"; done
for f in tests/fixtures/*.* tests/fixtures/{pdf,docx,html}/*; do cp "$f" "$corpus/read_sniffed/"; done
for target in read_text read_markdown script normalize read_pdf read_docx read_odt read_html read_sniffed; do
    for f in tests/fixtures/fuzz/"$target"/*; do
        cp "$f" "$corpus/$target/"
    done
done
for target in read_text read_markdown script normalize read_pdf read_docx read_odt read_html read_sniffed; do
    echo "$target: $(ls "$corpus/$target" | wc -l) inputs"
done
