//! The WARC reader on any file, plain or gzip: every record is a document,
//! a skip or an error with an offset; no panic, no hang, bounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let mut f = tempfile::Builder::new().suffix(".warc").tempfile().expect("temp file");
    f.write_all(data).expect("write");
    f.flush().expect("flush");
    let Ok(records) = thresh_fetch::warc::WarcRecords::open(f.path()) else { return };
    for item in records.take(10_000) {
        if let Err(e) = item {
            assert!(e.to_string().contains("offset"), "{e}");
        }
    }
});
