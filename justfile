# thresh — the command menu. Every recipe works with plain cargo too (see README).

# list the recipes
default:
    @just --list

# format the code
fmt:
    cargo fmt --all

# lint: formatting and clippy, warnings are errors
lint:
    cargo fmt --all --check
    cargo clippy --release --workspace --all-targets --locked -- -D warnings

# run the test suite (the README's command; CI runs it after `just lint`)
test:
    cargo test --release --workspace --locked

# ingest the bundled sample pages into sample.db and print its statistics
sample:
    cargo run --release -- ingest --db sample.db samples/ && cargo run --release -- stats --db sample.db

# run thresh with arbitrary arguments, e.g. `just run extract --format json page.html`
run *ARGS:
    cargo run --release -- {{ARGS}}

# accuracy on ../shared: seed checks, HTML and text-dump F1 (needs ../shared)
eval:
    cargo build --release
    python3 ../shared/tools/check_seeds.py target/release/thresh ../shared/seeds
    python3 ../shared/tools/score_extract.py target/release/thresh ../shared/eval/score.py ../shared/eval/scrapinghub html 0.90
    python3 ../shared/tools/score_extract.py target/release/thresh ../shared/eval/score.py ../shared/eval/scrapinghub textdump 0.0

# benchmarks: extraction speed vs resiliparse on news (ScrapingHub) and modern pages (modern-dev), text MB/s, ingest vs extract, database size, split run + merge, near-dup writer scale (needs ../shared; THRESH_SCALE_SIZES=10000,100000,1000000 for the 1M row)
bench:
    pip install -q resiliparse || true
    cargo build --release --example speed
    python3 bench/speed.py target/release/examples/speed ../shared/eval/scrapinghub 5
    python3 bench/speed.py target/release/examples/speed ../shared/eval/modern-dev 5
    python3 bench/versus.py target/release/examples/speed ../shared/eval/scrapinghub/html 7
    python3 bench/versus.py target/release/examples/speed ../shared/eval/modern-dev/html 5
    cargo build --release
    python3 bench/writer.py target/release/thresh ../shared/eval/scrapinghub/html 5 4
    python3 bench/writer.py target/release/thresh ../shared/eval/modern-dev/html 5 4
    cargo bench --bench dedup_scale

# near-duplicate accuracy on a corpus built from the gold texts (needs ../shared)
eval-dups:
    cargo build --release
    python3 bench/neardup_eval.py target/release/thresh ../shared/eval/scrapinghub/gold.json

# print the database schema (the migrations, in order)
db-schema:
    @cat migrations/*/up.sql

# fuzz one target (html_extract, html_prescan, text_clean, warc, charset) or all, SECS each (needs nightly and cargo-fuzz)
fuzz TARGET="all" SECS="1800":
    cargo +nightly install cargo-fuzz --locked --quiet || true
    fuzz/run.sh {{TARGET}} {{SECS}}

# a split run on a real one-node Slurm cluster (installs slurm-wlm and munge; as root): 4 shards, merge, compared with one run
slurm-e2e:
    deploy/slurm/e2e.sh

# check the Kubernetes manifests against the Job schema (strict) and each other
k8s-check:
    python3 -m venv target/ci-venv && target/ci-venv/bin/pip install -q kubernetes-validate
    target/ci-venv/bin/python deploy/k8s/check.py

# crash consistency: kill -9 ingest and refresh at random points (20 trials), compare with an uninterrupted run
crash TRIALS="20":
    cargo build --release
    python3 bench/crash.py target/release/thresh {{TRIALS}}

# the Python package: build the wheel with maturin, install it in target/py-venv, run its pytest suite
py-test:
    cargo build --release
    crates/py/test.sh

# the Python package's speed: ThreshExtractor vs datatrove's Trafilatura in one pipeline, and per-page calls (needs ../shared)
bench-py: py-test
    target/py-venv/bin/pip install -q trafilatura lxml_html_clean resiliparse
    target/py-venv/bin/python bench/datatrove_speed.py ../shared/eval/scrapinghub/html
    target/py-venv/bin/python bench/python_speed.py ../shared/eval/scrapinghub/html
