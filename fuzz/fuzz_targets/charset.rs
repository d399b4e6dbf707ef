//! Charset detection and decoding, and media-type sniffing, on any bytes
//! with any declared charset: no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (declared, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) if i < 40 => (std::str::from_utf8(&data[..i]).ok(), &data[i + 1..]),
        _ => (None, data),
    };
    let (text, _) = thresh_fetch::decode(body, declared);
    let _ = thresh_fetch::sniff_media_type(&text, None);
    let _ = thresh_fetch::sniff_media_type(&text, Some("page.txt"));
});
