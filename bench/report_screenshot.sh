#!/bin/sh
# Screenshot `thresh report` in a real headless browser (Debian's chromium),
# to check by eye what issue #10 asks: legends inside their charts, top-N
# lists saying "of how many", every share saying what it is a share of,
# nothing overlapping or cut off, also in a narrow window.
#
#   bench/report_screenshot.sh THRESH OUTDIR
#
# THRESH is the binary (e.g. target/release/thresh); OUTDIR is made afresh and
# gets r.db, report.html, report-1200.png and report-700.png. The pages are
# the repository's samples plus the ScrapingHub set (SH_HTML to point
# elsewhere): 186 documents, 124 sites, so the top-20 charts are cut.
set -eu
THRESH=$(realpath "$1")
OUT=$2
SAMPLES=$(realpath "$(dirname "$0")/../samples")
SH_HTML=${SH_HTML:-$(realpath "$(dirname "$0")/../../shared/eval/scrapinghub/html")}

# chromium, and a font with CJK glyphs (some site names are Japanese; without
# one they are drawn as empty boxes, which is the machine's fault, not the report's).
if ! command -v chromium >/dev/null || [ -z "$(fc-list :lang=ja 2>/dev/null)" ]; then
    apt-get install -y chromium fonts-droid-fallback >/dev/null || {
        apt-get update >/dev/null && apt-get install -y chromium fonts-droid-fallback >/dev/null
    }
fi
chromium --version 2>/dev/null  # (the launcher script warns on stderr; harmless)

rm -rf "$OUT" && mkdir -p "$OUT" && cd "$OUT"
"$THRESH" ingest --db r.db "$SAMPLES"
"$THRESH" ingest --db r.db "$SH_HTML"
"$THRESH" report --db r.db --out report.html

# The window's height is the screenshot's: 3600 px holds the whole page at
# both widths. 1200 px shows the charts at full size; 700 px (narrower than
# the 810 px bar charts) checks that they shrink instead of being cut off.
# chromium's stderr (D-Bus complaints, harmless headless) goes to a log.
for w in 1200 700; do
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=$w,3600 \
        --screenshot="$PWD/report-$w.png" "file://$PWD/report.html" 2>>chromium.log
done
ls -l "$PWD"/report*.png
