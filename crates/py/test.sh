#!/usr/bin/env bash
# Build the Python wheel with maturin, install it with its test extras into a
# virtualenv of our own (target/py-venv), and run the pytest suite: the
# package against the command line, a real datatrove pipeline, Ray Data.
# Run after `cargo test --release` (the tests compare with target/release/thresh).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/py-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
[ -x "$venv/bin/maturin" ] || "$venv/bin/pip" install -q "maturin>=1.5,<2"
rm -rf target/wheels
"$venv/bin/maturin" build --quiet --release --locked -m crates/py/Cargo.toml -o target/wheels
wheel=$(ls target/wheels/thresh-*.whl)
"$venv/bin/pip" install -q --force-reinstall --no-deps "$wheel"
"$venv/bin/pip" install -q "$wheel[test]"
cd crates/py
"../../$venv/bin/python" -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning tests
