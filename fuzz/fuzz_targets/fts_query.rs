//! The search query rewriter: whatever is typed, what it makes of it is a
//! valid FTS5 query (SQLite accepts it against a real FTS5 table), and it
//! never panics.
#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use thresh_store::query::to_fts5;

thread_local! {
    static DB: RefCell<rusqlite::Connection> = RefCell::new({
        let c = rusqlite::Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, tokenize = 'unicode61 remove_diacritics 2');
             INSERT INTO documents_fts VALUES ('Harbour bridge', 'The bridge reopened: Putin''s e-mail, 50% of U.S. C++');",
        )
        .unwrap();
        c
    });
}

fuzz_target!(|data: &[u8]| {
    let Ok(typed) = std::str::from_utf8(data) else { return };
    let q = to_fts5(typed);
    if q.is_empty() {
        return;
    }
    DB.with(|db| {
        let db = db.borrow();
        let r = db.query_row("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?1", [&q], |r| r.get::<_, i64>(0));
        if let Err(e) = r {
            panic!("{typed:?} -> {q:?}: {e}");
        }
    });
});
