//! The provider cache on disk, as Java's `AbstractRegistry` keeps it: the last
//! provider list of every subscribed service, in a properties file
//! (`{group/}interface{:version}=url url …`, full URLs separated by spaces),
//! so that a consumer starting while its registry server is down starts from
//! the last list it saw. The file is written whole (a temporary file renamed
//! over it), merged with what other processes wrote there.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::Query;
use crate::url::Url;

/// The largest cache file read (a corrupt or foreign file is not read whole).
const MAX_FILE: u64 = 16 << 20;
/// At most this many lines are read.
const MAX_LINES: usize = 100_000;

/// A provider cache file.
pub(crate) struct ProviderCache {
    path: PathBuf,
    /// What this process knows: service key → full URLs.
    entries: Mutex<BTreeMap<String, Vec<String>>>,
}

/// Java's service key of a query: `group/interface:version`, the parts that are set.
pub(crate) fn service_key(query: &Query) -> String {
    let mut key = String::new();
    if !query.group.is_empty() {
        key.push_str(&query.group);
        key.push('/');
    }
    key.push_str(&query.interface);
    if !query.version.is_empty() {
        key.push(':');
        key.push_str(&query.version);
    }
    key
}

impl ProviderCache {
    /// The cache in `path` (read now; a missing or unreadable file is an empty cache).
    pub(crate) fn open(path: PathBuf) -> ProviderCache {
        let entries = read(&path);
        ProviderCache { path, entries: Mutex::new(entries) }
    }

    /// The cached providers of `query` that it still matches, or `None` when none are cached.
    pub(crate) fn get(&self, query: &Query) -> Option<Vec<Url>> {
        let key = service_key(query);
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if !entries.contains_key(&key) {
            // Another process may have written it since.
            if let Some(urls) = read(&self.path).remove(&key) {
                entries.insert(key.clone(), urls);
            }
        }
        let urls: Vec<Url> = entries.get(&key)?.iter().filter_map(|u| Url::parse(u).ok()).filter(|u| query.matches(u)).collect();
        (!urls.is_empty()).then_some(urls)
    }

    /// Records `urls` as the providers of `query` (an empty list removes the entry)
    /// and writes the file when that changed something. Errors are logged: the
    /// cache is a help, never a reason for a call to fail.
    pub(crate) fn save(&self, query: &Query, urls: &[Url]) {
        let key = service_key(query);
        let value: Vec<String> = urls.iter().map(Url::to_full_string).collect();
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let unchanged = match entries.get(&key) {
            Some(now) => *now == value,
            None => value.is_empty(),
        };
        if unchanged {
            return;
        }
        if value.is_empty() {
            entries.remove(&key);
        } else {
            entries.insert(key.clone(), value.clone());
        }
        // Merge with what is on disk (other processes), ours winning for our keys.
        let mut merged = read(&self.path);
        match value.is_empty() {
            true => merged.remove(&key),
            false => merged.insert(key, value),
        };
        for (k, v) in entries.iter() {
            merged.insert(k.clone(), v.clone());
        }
        if let Err(e) = write(&self.path, &merged) {
            tracing::warn!(path = %self.path.display(), error = %e, "could not write the provider cache");
        }
    }
}

/// The entries of the file at `path` (empty when it cannot be read).
fn read(path: &Path) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let Ok(meta) = std::fs::metadata(path) else { return out };
    if meta.len() > MAX_FILE {
        tracing::warn!(path = %path.display(), size = meta.len(), "the provider cache is too large; not read");
        return out;
    }
    let Ok(text) = std::fs::read_to_string(path) else { return out };
    for line in text.lines().take(MAX_LINES) {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
            continue;
        }
        let (key, value) = split_property(line);
        let urls: Vec<String> = value.split_whitespace().filter(|u| !u.starts_with("empty://")).map(str::to_owned).collect();
        if !key.is_empty() && !urls.is_empty() {
            out.insert(key, urls);
        }
    }
    out
}

/// A properties line's key and value, unescaped (`\:` `\=` `\\` `\uXXXX` …).
fn split_property(line: &str) -> (String, String) {
    let mut key = String::new();
    let mut chars = line.chars();
    let mut escaped = false;
    for c in chars.by_ref() {
        if escaped {
            key.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '=' || c == ':' {
            break;
        } else {
            key.push(c);
        }
    }
    (unescape(&key), unescape(chars.as_str().trim_start()))
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                if let Some(c) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(c);
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Escapes as `java.util.Properties.store` does (`key` also escapes spaces).
fn escape(text: &str, key: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, c) in text.chars().enumerate() {
        match c {
            '\\' | '=' | ':' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            ' ' if key || i == 0 => out.push_str("\\ "),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if !(' '..='~').contains(&c) => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Writes `entries` to `path` through a temporary file renamed over it.
fn write(path: &Path, entries: &BTreeMap<String, Vec<String>>) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut text = String::from("#Dubbo Registry Cache\n");
    for (key, urls) in entries {
        text.push_str(&escape(key, true));
        text.push('=');
        text.push_str(&escape(&urls.join(" "), false));
        text.push('\n');
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "cache".into());
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(version: &str) -> Query {
        Query::new("org.example.Greeter", version, "")
    }

    #[test]
    fn lists_survive_a_new_cache_on_the_same_file_in_java_s_format() {
        let dir = std::env::temp_dir().join(format!("libdubbo-cache-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("dubbo-registry-127.0.0.1-2181.cache");
        let url = Url::parse("dubbo://127.0.0.1:20880/org.example.Greeter?interface=org.example.Greeter&side=provider&version=1.0.0").unwrap();
        let cache = ProviderCache::open(path.clone());
        assert!(cache.get(&query("1.0.0")).is_none());
        cache.save(&query("1.0.0"), std::slice::from_ref(&url));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("org.example.Greeter\\:1.0.0=dubbo\\://127.0.0.1\\:20880/org.example.Greeter?"), "{text}");

        let again = ProviderCache::open(path.clone());
        assert_eq!(again.get(&query("1.0.0")).unwrap(), vec![url.clone()]);
        assert!(again.get(&query("2.0.0")).is_none(), "another version is another key");
        again.save(&query("1.0.0"), &[]);
        assert!(ProviderCache::open(path).get(&query("1.0.0")).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn foreign_lines_are_read_without_panicking() {
        for line in ["", "=", "\\", "a\\u12", "k=\\uZZZZ", "#c", "key:empty://x", "k = dubbo\\://h\\:1/x"] {
            let _ = split_property(line);
        }
        assert_eq!(split_property("g/a\\:1=dubbo\\://h\\:1/a b"), ("g/a:1".into(), "dubbo://h:1/a b".into()));
        assert_eq!(unescape(&escape("a b:=#!\\é", true)), "a b:=#!\\é");
    }
}
