//! The pre-scan against the parser alone: a page reads the same with and
//! without it. (Pages holding `<svg>` or `<math>` are left out: foreign
//! content is cut whole, and an HTML tag inside it breaks out of it in the
//! parser; and pages nested past the pre-scan's depth cap, which it
//! flattens.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use thresh_clean::html::{prescan::prescan, visible_words};

fuzz_target!(|data: &[u8]| {
    let Ok(page) = std::str::from_utf8(data) else { return };
    let lower = page.to_ascii_lowercase();
    if lower.contains("<svg") || lower.contains("<math") || page.matches('<').count() > 400 {
        return;
    }
    let pre = prescan(page);
    assert_eq!(visible_words(&pre.html), visible_words(page), "prescanned: {:?}", pre.html);
});
