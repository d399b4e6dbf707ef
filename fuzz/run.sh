#!/usr/bin/env bash
# Run one fuzz target (or all) for SECS seconds each, seeding its corpus
# from the project's fixtures first. Crashes land in fuzz/artifacts/TARGET/.
# Usage: fuzz/run.sh [TARGET|all] [SECS]
set -euo pipefail
cd "$(dirname "$0")"
target=${1:-all}
secs=${2:-1800}
seed() {
    local t=$1 dir=corpus/$1
    mkdir -p "$dir"
    case $t in
        html_extract|html_prescan) cp -n ../tests/fixtures/html/*.html "$dir"/ 2>/dev/null || true ;;
        text_clean|charset) cp -n ../samples/*.txt "$dir"/ 2>/dev/null || true ;;
        fts_query)
            # what people type
            for q in "Putin's" 'U.S. e-mail' '"prime minister" OR chancellor' 'kreml* NOT (moscow OR "red square")' \
                'title:bridge' '"unclosed' 'C++ 50% what?'; do
                printf '%s' "$q" > "$dir/$(printf '%s' "$q" | sha1sum | cut -c1-12)"
            done
            ;;
        warc)
            # a small archive of two records, plain and gzipped
            printf 'WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://a.example/\r\nContent-Length: 86\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>One two three.</p></body></html>\r\n\r\n' > "$dir/one.warc"
            gzip -c "$dir/one.warc" > "$dir/one.warc.gz"
            ;;
    esac
}
targets=$target
[ "$target" = all ] && targets="html_extract html_prescan text_clean warc charset fts_query"
for t in $targets; do
    seed "$t"
    echo "== $t for ${secs}s"
    cargo +nightly fuzz run -O "$t" "corpus/$t" -- -max_total_time="$secs" -rss_limit_mb=2048 -timeout=20 2>&1 \
        | grep -E "^(#[0-9]+.*(DONE|pulse)|Done|==[0-9]+==|SUMMARY|artifact)" | tail -5
done
