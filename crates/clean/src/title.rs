//! Page titles: "Headline | Site" and the separators that join a headline
//! to its site's name, for the HTML metadata and for the text cleaner, which
//! recognises a repeated title line.

/// The separators of "Headline | Site".
pub const SEPARATORS: [&str; 8] = [" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " // "];

/// "Headline - Site" / "Headline | Site" → "Headline" (the longest part).
pub fn strip_site_suffix(t: &str) -> String {
    for sep in SEPARATORS {
        if let Some((a, b)) = t.rsplit_once(sep) {
            if a.len() >= b.len() {
                return a.trim().to_string();
            }
        }
    }
    t.trim().to_string()
}
