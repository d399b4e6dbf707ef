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
    cargo clippy --workspace --all-targets -- -D warnings

# run the test suite (what CI runs)
test:
    cargo test --workspace

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

# print the database schema (the migrations, in order)
db-schema:
    @cat migrations/*/up.sql
