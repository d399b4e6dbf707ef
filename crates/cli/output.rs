//! The one rule for machine-readable output: `--format json` is one JSON
//! value (a command that lists things prints an array), `--format jsonl` is
//! one object per line. (`extract --format json` is the exception: it
//! streams one object per input per line, as it always has, since scripts
//! and the accuracy tools read it that way; see the README.)

use std::io::{self, Write};

use serde::Serialize;

/// How a listing is written as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Json {
    /// One array.
    Array,
    /// One object per line.
    Lines,
}

/// A list of records written out one at a time, as [`Json`] says.
pub struct Listing<W: Write> {
    out: W,
    how: Json,
    written: usize,
}

impl<W: Write> Listing<W> {
    pub fn new(out: W, how: Json) -> Self {
        Listing { out, how, written: 0 }
    }

    /// Write one record.
    pub fn item(&mut self, v: &impl Serialize) -> io::Result<()> {
        if self.how == Json::Array {
            self.out.write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
        }
        serde_json::to_writer(&mut self.out, v)?;
        if self.how == Json::Lines {
            self.out.write_all(b"\n")?;
        }
        self.written += 1;
        Ok(())
    }

    /// Close the list (an array's `]`, `[]` when it is empty) and flush.
    pub fn finish(mut self) -> io::Result<()> {
        if self.how == Json::Array {
            self.out.write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(how: Json, n: usize) -> String {
        let mut buf = Vec::new();
        let mut l = Listing::new(&mut buf, how);
        for i in 0..n {
            l.item(&serde_json::json!({"id": i})).unwrap();
        }
        l.finish().unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn an_array_is_one_value_and_lines_are_one_object_each() {
        for n in [0, 1, 3] {
            let v: serde_json::Value = serde_json::from_str(&list(Json::Array, n)).unwrap();
            assert_eq!(v.as_array().map(Vec::len), Some(n));
            let lines = list(Json::Lines, n);
            assert_eq!(lines.lines().count(), n);
            for (i, l) in lines.lines().enumerate() {
                assert_eq!(serde_json::from_str::<serde_json::Value>(l).unwrap()["id"], i);
            }
        }
    }
}
