//! URLs over HTTP(S): conditional GET, redirects, retries, politeness.
//!
//! [`HttpFetcher::fetch`] sends `If-None-Match` / `If-Modified-Since` from
//! the stored validators, so a refresh of an unchanged page costs a 304 and
//! no download. Redirects are followed one hop at a time (each hop recorded
//! and checked against robots.txt); 429 and 5xx are retried with exponential
//! backoff, honouring `Retry-After`; a per-host gate bounds concurrent
//! requests and spaces them by a delay (or the site's robots.txt
//! `Crawl-delay`, if larger). Bodies are capped.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use thresh_doc::{Doc, Source, SourceKind};

use crate::{load_bytes, FetchError};

/// HTTP settings.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// The User-Agent header (its first word is the robots.txt token).
    pub user_agent: String,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout (headers and body).
    pub timeout: Duration,
    /// Largest body accepted.
    pub max_body: u64,
    /// Most redirects followed.
    pub max_redirects: usize,
    /// Retries after a 429, a 5xx or a connection failure.
    pub retries: u32,
    /// First backoff; doubled on each retry.
    pub backoff: Duration,
    /// Longest `Retry-After` honoured.
    pub max_retry_after: Duration,
    /// Requests in flight to one host at a time.
    pub per_host: usize,
    /// Pause between two requests to one host.
    pub per_host_delay: Duration,
    /// Obey robots.txt.
    pub robots: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            user_agent: concat!("thresh/", env!("CARGO_PKG_VERSION"), " (+https://example.invalid/thresh)").into(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_body: 16 << 20,
            max_redirects: 5,
            retries: 3,
            backoff: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(60),
            per_host: 2,
            per_host_delay: Duration::from_millis(250),
            robots: true,
        }
    }
}

/// Stored validators for a conditional request.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    /// `ETag` from the last answer.
    pub etag: Option<String>,
    /// `Last-Modified` from the last answer.
    pub last_modified: Option<String>,
}

/// What a fetch came to.
#[derive(Debug)]
pub enum Fetched {
    /// A body to clean.
    Doc(Box<Doc>),
    /// 304: unchanged since the validators were stored.
    NotModified,
    /// 404 or 410.
    Gone(u16),
    /// robots.txt forbids it.
    Disallowed,
}

#[derive(Default)]
struct HostState {
    in_flight: usize,
    next_at: Option<Instant>,
    robots: Option<Arc<Option<texting_robots::Robot>>>,
}

/// A reusable fetcher: one connection pool, one politeness gate per host.
pub struct HttpFetcher {
    agent: ureq::Agent,
    cfg: HttpConfig,
    hosts: Mutex<HashMap<String, HostState>>,
    wake: Condvar,
}

struct Permit<'a> {
    f: &'a HttpFetcher,
    host: String,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut hosts = self.f.hosts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(h) = hosts.get_mut(&self.host) {
            h.in_flight -= 1;
        }
        self.f.wake.notify_all();
    }
}

fn host_of(url: &str) -> Result<String, String> {
    let u = url::Url::parse(url).map_err(|e| format!("bad URL: {e}"))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(format!("unsupported scheme {:?}", u.scheme()));
    }
    let host = u.host_str().ok_or("URL has no host")?;
    Ok(match u.port() {
        Some(p) => format!("{}://{host}:{p}", u.scheme()),
        None => format!("{}://{host}", u.scheme()),
    })
}

impl HttpFetcher {
    /// A fetcher with these settings.
    pub fn new(cfg: HttpConfig) -> HttpFetcher {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_connect(Some(cfg.connect_timeout))
            .timeout_global(Some(cfg.timeout))
            .max_redirects(0)
            .max_redirects_will_error(false)
            .http_status_as_error(false)
            .user_agent(cfg.user_agent.clone())
            .build()
            .into();
        HttpFetcher { agent, cfg, hosts: Mutex::new(HashMap::new()), wake: Condvar::new() }
    }

    /// Wait for a slot on `host` that respects the concurrency limit and delay.
    fn permit(&self, host: &str, delay: Duration) -> Permit<'_> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            let h = hosts.entry(host.to_string()).or_default();
            let now = Instant::now();
            let ready = h.next_at.is_none_or(|t| t <= now);
            if h.in_flight < self.cfg.per_host.max(1) && ready {
                h.in_flight += 1;
                h.next_at = Some(now + delay);
                return Permit { f: self, host: host.to_string() };
            }
            let wait = h.next_at.map_or(Duration::from_millis(50), |t| t.saturating_duration_since(now));
            hosts =
                self.wake.wait_timeout(hosts, wait.max(Duration::from_millis(1))).unwrap_or_else(|p| p.into_inner()).0;
        }
    }

    /// The parsed robots.txt of `host` (fetched once per run); None when there is none.
    fn robots(&self, host: &str) -> Arc<Option<texting_robots::Robot>> {
        if let Some(r) = self.hosts.lock().unwrap_or_else(|p| p.into_inner()).get(host).and_then(|h| h.robots.clone()) {
            return r;
        }
        let token = self.cfg.user_agent.split(['/', ' ']).next().unwrap_or("thresh");
        let url = format!("{host}/robots.txt");
        let parsed = {
            let _p = self.permit(host, self.cfg.per_host_delay);
            match self.agent.get(&url).call() {
                Ok(mut r) if r.status().as_u16() == 200 => r
                    .body_mut()
                    .with_config()
                    .limit(512 * 1024)
                    .read_to_vec()
                    .ok()
                    .and_then(|b| texting_robots::Robot::new(token, &b).ok()),
                // 4xx: no rules; 5xx or unreachable: also treated as no rules.
                _ => None,
            }
        };
        let arc = Arc::new(parsed);
        self.hosts.lock().unwrap_or_else(|p| p.into_inner()).entry(host.to_string()).or_default().robots =
            Some(arc.clone());
        arc
    }

    fn delay_for(&self, robots: &Option<texting_robots::Robot>) -> Duration {
        let crawl = robots.as_ref().and_then(|r| r.delay).map(|d| Duration::from_secs_f32(d.clamp(0.0, 60.0)));
        crawl.map_or(self.cfg.per_host_delay, |c| c.max(self.cfg.per_host_delay))
    }

    /// Fetch `url`, conditionally when validators are given.
    pub fn fetch(&self, url: &str, validators: Option<&Validators>) -> Result<Fetched, FetchError> {
        let fail = |why: String| FetchError::Http { url: url.to_string(), why };
        let mut current = url.to_string();
        let mut redirects = Vec::new();
        for _hop in 0..=self.cfg.max_redirects {
            let host = host_of(&current).map_err(fail)?;
            let robots = if self.cfg.robots { self.robots(&host) } else { Arc::new(None) };
            if robots.as_ref().as_ref().is_some_and(|r| !r.allowed(&current)) {
                return Ok(Fetched::Disallowed);
            }
            let delay = self.delay_for(&robots);
            let mut attempt = 0;
            let (status, mut resp) = loop {
                let result = {
                    let _permit = self.permit(&host, delay);
                    let mut req = self.agent.get(&current);
                    if let Some(v) = validators {
                        if let Some(e) = &v.etag {
                            req = req.header("If-None-Match", e);
                        }
                        if let Some(m) = &v.last_modified {
                            req = req.header("If-Modified-Since", m);
                        }
                    }
                    req.call()
                };
                let retry_after = match &result {
                    Ok(r) if r.status().as_u16() == 429 || r.status().is_server_error() => {
                        Some(r.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(parse_retry_after))
                    }
                    Ok(_) => None,
                    Err(ureq::Error::Timeout(_)) | Err(ureq::Error::ConnectionFailed) | Err(ureq::Error::Io(_)) => {
                        Some(None)
                    }
                    Err(_) => None,
                };
                match (retry_after, attempt < self.cfg.retries) {
                    (Some(after), true) => {
                        let backoff = self.cfg.backoff * 2u32.saturating_pow(attempt);
                        std::thread::sleep(after.map_or(backoff, |a| a.min(self.cfg.max_retry_after).max(backoff)));
                        attempt += 1;
                    }
                    _ => {
                        let r = result.map_err(|e| fail(describe(&e)))?;
                        break (r.status().as_u16(), r);
                    }
                }
            };
            match status {
                304 => return Ok(Fetched::NotModified),
                404 | 410 => return Ok(Fetched::Gone(status)),
                301 | 302 | 303 | 307 | 308 => {
                    let loc = resp
                        .headers()
                        .get("location")
                        .and_then(|v| v.to_str().ok())
                        .ok_or_else(|| fail(format!("HTTP {status} without Location")))?;
                    let next = url::Url::parse(&current)
                        .and_then(|base| base.join(loc))
                        .map_err(|e| fail(format!("bad redirect {loc:?}: {e}")))?;
                    redirects.push(current.clone());
                    current = next.to_string();
                    continue;
                }
                200..=299 => {}
                s => {
                    return Err(fail(format!(
                        "HTTP {s}{}",
                        if attempt > 0 { format!(" after {attempt} retries") } else { String::new() }
                    )))
                }
            }
            let header = |n: &str| resp.headers().get(n).and_then(|v| v.to_str().ok()).map(String::from);
            let ctype = header("content-type").unwrap_or_default().to_ascii_lowercase();
            let (etag, last_modified) = (header("etag"), header("last-modified"));
            if !(ctype.is_empty() || ctype.contains("html") || ctype.starts_with("text/")) {
                return Err(fail(format!("not HTML or text: {ctype}")));
            }
            // The cap is on the decoded bytes (a small gzip response can
            // inflate to gigabytes), read through a cap of our own.
            let mut body = Vec::new();
            let max = self.cfg.max_body;
            std::io::Read::read_to_end(
                &mut std::io::Read::take(resp.body_mut().with_config().limit(u64::MAX).reader(), max + 1),
                &mut body,
            )
            .map_err(|e| fail(format!("reading body: {e}")))?;
            if body.len() as u64 > max {
                return Err(fail(format!("body larger than the {max}-byte cap (after content decoding)")));
            }
            let charset = ctype
                .split(';')
                .find_map(|p| p.trim().strip_prefix("charset=").map(|c| c.trim_matches('"').to_string()));
            let source = Source { kind: SourceKind::Url, locator: url.to_string() };
            let mut doc = load_bytes(source, &body, charset.as_deref(), Some(&current))?;
            if ctype.starts_with("text/plain") {
                doc.media_type = thresh_doc::MediaType::Text;
            }
            doc.url = Some(current);
            doc.redirects = redirects;
            doc.etag = etag;
            doc.last_modified = last_modified;
            doc.http_status = Some(status);
            doc.fetched_at = Some(now_iso());
            return Ok(Fetched::Doc(Box::new(doc)));
        }
        Err(fail(format!("more than {} redirects", self.cfg.max_redirects)))
    }
}

fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(t) => format!("timed out ({t:?})"),
        ureq::Error::HostNotFound => "host not found (DNS)".into(),
        ureq::Error::ConnectionFailed => "connection refused or failed".into(),
        ureq::Error::BodyExceedsLimit(n) => format!("body larger than {n} bytes"),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => "connection refused".into(),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => "timed out".into(),
        ureq::Error::Io(io) => format!("network error: {io}"),
        e => e.to_string(),
    }
}

/// `Retry-After`: seconds, or an HTTP date.
fn parse_retry_after(v: &str) -> Option<Duration> {
    if let Ok(s) = v.trim().parse::<u64>() {
        return Some(Duration::from_secs(s));
    }
    let t = httpdate::parse_http_date(v.trim()).ok()?;
    Some(t.duration_since(std::time::SystemTime::now()).unwrap_or_default())
}

fn now_iso() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn host_keys() {
        assert_eq!(host_of("http://127.0.0.1:8080/a?b").unwrap(), "http://127.0.0.1:8080");
        assert_eq!(host_of("https://Example.com/x").unwrap(), "https://example.com");
        assert!(host_of("ftp://x/y").is_err());
        assert!(host_of("not a url").is_err());
    }

    #[test]
    fn unreachable_host_is_a_clear_error() {
        let f = HttpFetcher::new(HttpConfig { retries: 0, robots: false, ..Default::default() });
        // Port 9 on loopback: nothing listens there.
        let e = f.fetch("http://127.0.0.1:9/page", None).unwrap_err();
        assert!(e.to_string().starts_with("http://127.0.0.1:9/page: "), "{e}");
    }
}
