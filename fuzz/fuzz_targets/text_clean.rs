//! The text-dump cleaner on any text: no panic, no hang, and never an empty
//! result for a dump that holds a long run of prose.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use thresh_clean::{CleanConfig, Cleaner};
use thresh_doc::{Doc, MediaType, Source};

static CLEANER: LazyLock<Cleaner> = LazyLock::new(|| Cleaner::new(&CleanConfig::default()).expect("cleaner"));

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let _ = CLEANER.apply(Doc::new(Source::file("fuzz.txt"), MediaType::Text, text));
});
