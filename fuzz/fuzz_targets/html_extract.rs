//! The HTML extractor on any bytes (decoded as a loader would): no panic,
//! no hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use thresh_clean::{CleanConfig, Cleaner};
use thresh_doc::{Doc, MediaType, Source};

static CLEANER: LazyLock<Cleaner> = LazyLock::new(|| Cleaner::new(&CleanConfig::default()).expect("cleaner"));

fuzz_target!(|data: &[u8]| {
    let (text, _) = thresh_fetch::decode(data, None);
    let _ = CLEANER.apply(Doc::new(Source::file("fuzz.html"), MediaType::Html, text));
});
