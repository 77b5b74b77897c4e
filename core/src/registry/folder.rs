//! The embedded registry's files: `{root}/{URL.encode(interface)}/{category}/{name}`,
//! one file per registered URL holding its full string. The name says who owns
//! it (`{pid namespace}-{pid}-{hash of the URL}`), so liveness needs no read: a
//! file is live while its owner refreshes its mtime (every second) and, when the
//! owner is in our pid namespace, while that pid exists. Writes are atomic (a
//! temp file renamed into place); readers skip names that start with `.`.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use crate::url::{self, Url};

/// A file whose mtime is older than this is stale (its owner stopped refreshing it).
pub(super) const STALE_AFTER: Duration = Duration::from_secs(3);

/// A file stale for this long is removed by whoever sees it.
const REMOVE_AFTER: Duration = Duration::from_secs(10);

/// Files read per scan at most (a bound on a folder filled by mistake).
const MAX_FILES: usize = 100_000;

/// The folder of one interface and category.
pub(super) fn category_dir(root: &Path, interface: &str, category: &str) -> PathBuf {
    root.join(url::encode(interface)).join(category)
}

/// This process's pid namespace (`/proc/self/ns/pid` names it `pid:[N]`), `0` when unknown.
fn pid_namespace() -> u64 {
    static NS: OnceLock<u64> = OnceLock::new();
    *NS.get_or_init(|| {
        fs::read_link("/proc/self/ns/pid")
            .ok()
            .and_then(|p| p.to_str().and_then(|s| s.strip_prefix("pid:[")?.strip_suffix(']')?.parse().ok()))
            .unwrap_or(0)
    })
}

/// The file name this process gives `url`.
pub(super) fn file_name(url: &Url) -> String {
    let digest = md5::compute(url.to_full_string().as_bytes());
    let hash: String = digest.0[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{hash}", pid_namespace(), std::process::id())
}

/// The owner's (pid namespace, pid) from a file name.
fn owner(name: &str) -> Option<(u64, u32)> {
    let mut parts = name.splitn(3, '-');
    let ns = parts.next()?.parse().ok()?;
    let pid = parts.next()?.parse().ok()?;
    parts.next()?;
    Some((ns, pid))
}

/// False only when the owner is surely gone: same pid namespace, `/proc` there, no `/proc/{pid}`.
fn owner_alive(ns: u64, pid: u32) -> bool {
    if ns == 0 || ns != pid_namespace() || !Path::new("/proc/self").exists() {
        return true;
    }
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Writes `url` into `dir/name` atomically, creating the folders.
pub(super) fn write(dir: &Path, name: &str, url: &Url) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let tmp = dir.join(format!(".tmp-{name}-{nanos}"));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(url.to_full_string().as_bytes())?;
        file.write_all(b"\n")?;
        fs::rename(&tmp, dir.join(name))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Refreshes the mtime of `dir/name`; `false` when the file is gone.
pub(super) fn touch(dir: &Path, name: &str) -> bool {
    match fs::File::options().write(true).open(dir.join(name)) {
        Ok(file) => file.set_modified(SystemTime::now()).is_ok(),
        Err(_) => false,
    }
}

/// Reads one folder's live URLs. `cache` keeps what files said (a file's
/// content never changes under one name), so a scan reads only new files;
/// files found stale for long are removed.
pub(super) fn scan(dir: &Path, cache: &mut HashMap<String, Url>) -> Vec<Url> {
    let Ok(entries) = fs::read_dir(dir) else {
        cache.clear();
        return Vec::new();
    };
    let now = SystemTime::now();
    let mut seen = HashMap::with_capacity(cache.len());
    let mut live = Vec::new();
    for entry in entries.flatten().take(MAX_FILES) {
        let Ok(name) = entry.file_name().into_string() else { continue };
        if name.starts_with('.') {
            continue;
        }
        let Some((ns, pid)) = owner(&name) else { continue };
        let age = entry.metadata().ok().and_then(|m| m.modified().ok()).and_then(|m| now.duration_since(m).ok()).unwrap_or_default();
        let alive = owner_alive(ns, pid);
        if age > STALE_AFTER || !alive {
            if age > REMOVE_AFTER || !alive {
                let _ = fs::remove_file(entry.path());
            }
            continue;
        }
        let url = match cache.remove(&name) {
            Some(url) => url,
            None => match fs::read_to_string(entry.path()).ok().and_then(|t| Url::parse(t.trim()).ok()) {
                Some(url) => url,
                None => continue,
            },
        };
        live.push(url.clone());
        seen.insert(name, url);
    }
    *cache = seen;
    live.sort_by_cached_key(Url::to_full_string);
    live.dedup();
    live
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_owner_and_dead_or_quiet_owners_are_not_live() {
        let dir = std::env::temp_dir().join(format!("libdubbo-folder-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let url = Url::parse("dubbo://127.0.0.1:1/I?interface=I&side=provider").unwrap();
        let name = file_name(&url);
        assert_eq!(owner(&name).map(|o| o.1), Some(std::process::id()));
        write(&dir, &name, &url).unwrap();
        let mut cache = HashMap::new();
        assert_eq!(scan(&dir, &mut cache), vec![url.clone()]);
        assert!(touch(&dir, &name));

        // A file of a pid that does not exist (in our namespace) is gone at once.
        let dead = format!("{}-{}-00", pid_namespace(), u32::MAX - 1);
        write(&dir, &dead, &url.clone().with("x", "1")).unwrap();
        // A quiet owner (mtime 5 s old) is stale but left for a while.
        let quiet = "0-1-01".to_string();
        write(&dir, &quiet, &url.clone().with("x", "2")).unwrap();
        let old = SystemTime::now() - Duration::from_secs(5);
        fs::File::options().write(true).open(dir.join(&quiet)).unwrap().set_modified(old).unwrap();
        fs::write(dir.join("garbage"), "x").unwrap();
        fs::write(dir.join(".tmp-partial"), "x").unwrap();
        assert_eq!(scan(&dir, &mut cache), vec![url.clone()]);
        if pid_namespace() != 0 {
            assert!(!dir.join(&dead).exists(), "a dead owner's file is removed");
        }
        assert!(dir.join(&quiet).exists());
        fs::remove_dir_all(&dir).unwrap();
        assert!(scan(&dir, &mut cache).is_empty());
        assert!(!touch(&dir, &name));
    }
}
