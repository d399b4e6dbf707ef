//! `--manifest`: the page URL of each input file, for text dumps that carry
//! none (site learning keys its lines by host).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Maps input paths to page URLs (`--manifest`): CSV with a `path,url`
/// header, or JSON lines `{"path": …, "url": …}`. Relative paths are tried
/// against the manifest's directory and the working directory.
#[derive(Debug, Default)]
pub struct Manifest {
    urls: HashMap<PathBuf, String>,
}

impl Manifest {
    pub fn read(file: &Path) -> anyhow::Result<Manifest> {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("{}: cannot read manifest", file.display()))?;
        let base = file.parent().unwrap_or(Path::new("."));
        let pairs = if text.trim_start().starts_with('{') { jsonl_pairs(&text) } else { csv_pairs(&text) }
            .with_context(|| format!("{}: not a path,url manifest", file.display()))?;
        let mut urls = HashMap::new();
        for (path, url) in pairs {
            let p = PathBuf::from(&path);
            let candidates = if p.is_absolute() { vec![p] } else { vec![base.join(&p), p] };
            for c in candidates {
                if let Ok(c) = c.canonicalize() {
                    urls.insert(c, url.clone());
                }
            }
        }
        Ok(Manifest { urls })
    }

    /// The URL listed for an input path, if any.
    pub fn url_for(&self, path: &Path) -> Option<&str> {
        if self.urls.is_empty() {
            return None;
        }
        self.urls.get(&path.canonicalize().ok()?).map(String::as_str)
    }
}

fn jsonl_pairs(text: &str) -> anyhow::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).with_context(|| format!("line {}", i + 1))?;
        let field = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let (Some(p), Some(u)) = (field("path"), field("url")) else {
            anyhow::bail!("line {}: needs \"path\" and \"url\"", i + 1);
        };
        out.push((p, u));
    }
    Ok(out)
}

fn csv_pairs(text: &str) -> anyhow::Result<Vec<(String, String)>> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = r.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let (Some(p), Some(u)) = (col("path"), col("url")) else { anyhow::bail!("the header needs columns path and url") };
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec?;
        if let (Some(path), Some(url)) = (rec.get(p), rec.get(u)) {
            if !path.trim().is_empty() && !url.trim().is_empty() {
                out.push((path.trim().to_string(), url.trim().to_string()));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_reads_csv_and_json_lines_with_relative_paths() {
        let tmp = tempfile::tempdir().unwrap();
        let page = tmp.path().join("a.txt");
        std::fs::write(&page, "x").unwrap();
        let csv = tmp.path().join("m.csv");
        std::fs::write(&csv, "url,path\nhttps://example.com/a,a.txt\n").unwrap();
        assert_eq!(Manifest::read(&csv).unwrap().url_for(&page), Some("https://example.com/a"));
        let jsonl = tmp.path().join("m.jsonl");
        std::fs::write(&jsonl, format!("{{\"path\": {:?}, \"url\": \"https://example.com/b\"}}\n", page.display()))
            .unwrap();
        assert_eq!(Manifest::read(&jsonl).unwrap().url_for(&page), Some("https://example.com/b"));
        assert_eq!(Manifest::read(&jsonl).unwrap().url_for(&tmp.path().join("other.txt")), None);
        // A manifest without the columns is an error that names the file.
        let bad = tmp.path().join("bad.csv");
        std::fs::write(&bad, "file,link\na.txt,https://example.com/a\n").unwrap();
        let e = format!("{:#}", Manifest::read(&bad).unwrap_err());
        assert!(e.contains("bad.csv") && e.contains("path and url"), "{e}");
    }
}
