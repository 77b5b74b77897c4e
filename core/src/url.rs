//! The Dubbo URL (`protocol://user:pass@host:port/path?k=v&...`) as Java's
//! `org.apache.dubbo.common.URL` reads and writes it: parameters sorted by key
//! when written, the whole URL `URLEncoder`-encoded for registry node names, and
//! Java's parameter names and defaults (`timeout` 1000, `retries` 2, ...),
//! including per-method parameters (`sayHello.timeout`).

use std::collections::BTreeMap;
use std::fmt;

/// Java's parameter names (`CommonConstants`, `RegistryConstants`, cluster `Constants`).
pub mod keys {
    /// The call timeout in ms.
    pub const TIMEOUT: &str = "timeout";
    /// Failover retries (calls beyond the first).
    pub const RETRIES: &str = "retries";
    /// The load balancer's name.
    pub const LOADBALANCE: &str = "loadbalance";
    /// The fault-tolerance strategy's name.
    pub const CLUSTER: &str = "cluster";
    /// A provider's weight.
    pub const WEIGHT: &str = "weight";
    /// A provider's warm-up time in ms.
    pub const WARMUP: &str = "warmup";
    /// When the provider started (ms since the epoch).
    pub const TIMESTAMP: &str = "timestamp";
    /// The service version.
    pub const VERSION: &str = "version";
    /// The service group.
    pub const GROUP: &str = "group";
    /// The interface name.
    pub const INTERFACE: &str = "interface";
    /// The methods a provider serves, comma-separated and sorted.
    pub const METHODS: &str = "methods";
    /// `provider` or `consumer`.
    pub const SIDE: &str = "side";
    /// The application name.
    pub const APPLICATION: &str = "application";
    /// The registry category (`providers`, `consumers`, ...).
    pub const CATEGORY: &str = "category";
    /// False when a provider is switched off.
    pub const ENABLED: &str = "enabled";
    /// Consistent hash: virtual nodes per provider.
    pub const HASH_NODES: &str = "hash.nodes";
    /// Consistent hash: which arguments make the key.
    pub const HASH_ARGUMENTS: &str = "hash.arguments";
    /// Forking: how many providers to call at once.
    pub const FORKS: &str = "forks";
    /// Broadcast: the failure share (percent) after which it stops.
    pub const BROADCAST_FAIL_PERCENT: &str = "broadcast.fail.percent";
}

/// Java's defaults for the keys in [`keys`].
pub mod defaults {
    /// `timeout` (ms).
    pub const TIMEOUT: u64 = 1000;
    /// `retries` (failover).
    pub const RETRIES: u32 = 2;
    /// `retries` for failback.
    pub const FAILBACK_RETRIES: u32 = 3;
    /// `loadbalance`.
    pub const LOADBALANCE: &str = "random";
    /// `cluster`.
    pub const CLUSTER: &str = "failover";
    /// `weight`.
    pub const WEIGHT: i64 = 100;
    /// `warmup` (ms, ten minutes).
    pub const WARMUP: i64 = 600_000;
    /// `hash.nodes`.
    pub const HASH_NODES: usize = 160;
    /// `hash.arguments`.
    pub const HASH_ARGUMENTS: &str = "0";
    /// `forks`.
    pub const FORKS: usize = 2;
    /// `broadcast.fail.percent`.
    pub const BROADCAST_FAIL_PERCENT: u32 = 100;
    /// The dubbo protocol version Java 3.x writes as `dubbo`.
    pub const DUBBO: &str = "2.0.2";
}

/// Why a string is not a Dubbo URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad URL {url:?}: {why}")]
pub struct UrlError {
    /// The text that was read.
    pub url: String,
    /// What is wrong with it.
    pub why: &'static str,
}

/// A Dubbo URL. Parameters are kept sorted by key, as Java writes them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Url {
    /// `dubbo`, `zookeeper`, `embedded`, ...
    pub protocol: String,
    /// The user of `user:pass@`.
    pub username: Option<String>,
    /// The password of `user:pass@`.
    pub password: Option<String>,
    /// The host (an IPv6 address without its brackets).
    pub host: String,
    /// The port, 0 when none.
    pub port: u16,
    /// The path without its leading `/` (usually the interface name).
    pub path: String,
    /// The parameters.
    pub params: BTreeMap<String, String>,
}

impl Url {
    /// A URL with no user and no parameters.
    pub fn new(protocol: &str, host: &str, port: u16, path: &str) -> Url {
        Url { protocol: protocol.to_owned(), host: host.to_owned(), port, path: path.to_owned(), ..Url::default() }
    }

    /// Reads a URL as Java's `URL.valueOf(String)` does (no decoding; see [`Url::decode_parse`]).
    /// A parameter without `=` has its own name as value, as in Java.
    pub fn parse(text: &str) -> Result<Url, UrlError> {
        let bad = |why| UrlError { url: text.to_owned(), why };
        let text_t = text.trim();
        if text_t.is_empty() {
            return Err(bad("empty"));
        }
        let (rest, query) = match text_t.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (text_t, None),
        };
        let mut url = Url::default();
        if let Some(query) = query {
            for part in query.split('&').map(str::trim).filter(|p| !p.is_empty()) {
                let (k, v) = part.split_once('=').unwrap_or((part, part));
                url.params.insert(k.to_owned(), v.to_owned());
            }
        }
        let rest = match rest.split_once("://") {
            Some((p, r)) if !p.is_empty() => {
                url.protocol = p.to_owned();
                r
            }
            Some(_) => return Err(bad("no protocol before ://")),
            None => return Err(bad("no ://")),
        };
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        url.path = path.to_owned();
        let host_port = match authority.rsplit_once('@') {
            Some((user, hp)) => {
                let (u, p) = match user.split_once(':') {
                    Some((u, p)) => (u, Some(p.to_owned())),
                    None => (user, None),
                };
                url.username = Some(u.to_owned());
                url.password = p;
                hp
            }
            None => authority,
        };
        let (host, port) = split_host_port(host_port).ok_or_else(|| bad("bad host:port"))?;
        url.host = host.to_owned();
        url.port = match port {
            Some(p) => p.parse().map_err(|_| bad("bad port"))?,
            None => 0,
        };
        Ok(url)
    }

    /// Reads a registry node name: Java's `URL.valueOf(URL.decode(text))`.
    pub fn decode_parse(encoded: &str) -> Result<Url, UrlError> {
        let decoded = decode(encoded).ok_or_else(|| UrlError { url: encoded.to_owned(), why: "bad percent-encoding" })?;
        Url::parse(&decoded)
    }

    /// `protocol://user:pass@host:port/path?sorted params`: Java's `toFullString()`.
    pub fn to_full_string(&self) -> String {
        let mut s = self.to_identity_string();
        let mut first = true;
        for (k, v) in &self.params {
            if k.is_empty() {
                continue;
            }
            s.push(if first { '?' } else { '&' });
            first = false;
            s.push_str(k);
            s.push('=');
            s.push_str(v.trim());
        }
        s
    }

    /// `protocol://user:pass@host:port/path`: Java's `toIdentityString()`.
    pub fn to_identity_string(&self) -> String {
        let mut s = String::with_capacity(64);
        if !self.protocol.is_empty() {
            s.push_str(&self.protocol);
            s.push_str("://");
        }
        if let Some(user) = self.username.as_deref().filter(|u| !u.is_empty()) {
            s.push_str(user);
            if let Some(pass) = self.password.as_deref().filter(|p| !p.is_empty()) {
                s.push(':');
                s.push_str(pass);
            }
            s.push('@');
        }
        s.push_str(&self.address());
        if !self.path.is_empty() {
            s.push('/');
            s.push_str(&self.path);
        }
        s
    }

    /// `host:port` (`[v6]:port`), or the host alone when the port is 0: Java's `getAddress()`.
    pub fn address(&self) -> String {
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        if self.port > 0 { format!("{host}:{}", self.port) } else { host }
    }

    /// The full URL encoded as a registry node name (Java's `URL.encode(toFullString())`).
    pub fn to_encoded(&self) -> String {
        encode(&self.to_full_string())
    }

    /// A parameter's value; blank counts as absent, as in Java.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params.get(key).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    /// Sets a parameter (builder style).
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Url {
        self.params.insert(key.to_owned(), value.into());
        self
    }

    /// A parameter for one method: `method.key` (or `methods.method.key`), else `key`.
    pub fn method_param(&self, method: &str, key: &str) -> Option<&str> {
        if !method.is_empty() {
            for k in [format!("{method}.{key}"), format!("methods.{method}.{key}")] {
                if let Some(v) = self.param(&k) {
                    return Some(v);
                }
            }
        }
        self.param(key)
    }

    /// A number parameter of a method (see [`Url::method_param`]); `default` when absent or bad.
    pub fn method_number<T: std::str::FromStr>(&self, method: &str, key: &str, default: T) -> T {
        self.method_param(method, key).and_then(|v| v.parse().ok()).unwrap_or(default)
    }

    /// `interface`, else the path (Java's `getServiceInterface()`).
    pub fn interface(&self) -> &str {
        self.param(keys::INTERFACE).unwrap_or(&self.path)
    }

    /// `version`, `""` when none (`0.0.0` counts as none).
    pub fn version(&self) -> &str {
        self.param(keys::VERSION).filter(|v| *v != "0.0.0").unwrap_or("")
    }

    /// `group`, `""` when none.
    pub fn group(&self) -> &str {
        self.param(keys::GROUP).unwrap_or("")
    }

    /// Java's `getServiceKey()`: `group/interface:version`, blank parts left out.
    pub fn service_key(&self) -> String {
        service_key(self.interface(), self.version(), self.group())
    }

    /// The call timeout of `method` in ms (default 1000).
    pub fn timeout(&self, method: &str) -> u64 {
        self.method_number(method, keys::TIMEOUT, defaults::TIMEOUT)
    }

    /// The failover retries of `method` (default 2; negative counts as 0).
    pub fn retries(&self, method: &str) -> u32 {
        self.method_number::<i64>(method, keys::RETRIES, defaults::RETRIES as i64).clamp(0, 1000) as u32
    }

    /// The load balancer of `method` (default `random`).
    pub fn loadbalance(&self, method: &str) -> &str {
        self.method_param(method, keys::LOADBALANCE).unwrap_or(defaults::LOADBALANCE)
    }

    /// The cluster strategy (default `failover`).
    pub fn cluster(&self) -> &str {
        self.param(keys::CLUSTER).unwrap_or(defaults::CLUSTER)
    }

    /// The weight of `method` (default 100).
    pub fn weight(&self, method: &str) -> i64 {
        self.method_number(method, keys::WEIGHT, defaults::WEIGHT)
    }

    /// The warm-up in ms (default 600 000).
    pub fn warmup(&self) -> i64 {
        self.param(keys::WARMUP).and_then(|v| v.parse().ok()).unwrap_or(defaults::WARMUP)
    }

    /// `timestamp` in ms since the epoch, when present.
    pub fn timestamp(&self) -> Option<i64> {
        self.param(keys::TIMESTAMP).and_then(|v| v.parse().ok())
    }

    /// Whether this provider URL serves a consumer of (interface, version, group),
    /// as Java's `UrlUtils.isMatch`: interface equal (or `*`), `enabled` not false,
    /// group `*`, equal or in a comma list, version `*` or equal.
    pub fn serves(&self, interface: &str, version: &str, group: &str) -> bool {
        if interface != "*" && self.interface() != interface {
            return false;
        }
        if self.param(keys::ENABLED) == Some("false") || self.param(keys::CATEGORY).is_some_and(|c| c != "providers") {
            return false;
        }
        let version = if version == "0.0.0" { "" } else { version };
        let group_ok = group == "*" || group == self.group() || (group.contains(',') && group.split(',').any(|g| g.trim() == self.group()));
        group_ok && (version == "*" || version == self.version())
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_full_string())
    }
}

impl std::str::FromStr for Url {
    type Err = UrlError;
    fn from_str(s: &str) -> Result<Url, UrlError> {
        Url::parse(s)
    }
}

/// Java's `URL.buildKey`: `group/interface:version`, blank parts left out.
pub fn service_key(interface: &str, version: &str, group: &str) -> String {
    let mut key = String::with_capacity(interface.len() + version.len() + group.len() + 2);
    if !group.is_empty() {
        key.push_str(group);
        key.push('/');
    }
    key.push_str(interface);
    if !version.is_empty() && version != "0.0.0" {
        key.push(':');
        key.push_str(version);
    }
    key
}

/// `host[:port]` or `[v6][:port]`; `None` when the brackets do not close or the host is empty.
fn split_host_port(hp: &str) -> Option<(&str, Option<&str>)> {
    if let Some(v6) = hp.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        return match after.strip_prefix(':') {
            Some(port) => Some((host, Some(port))),
            None if after.is_empty() => Some((host, None)),
            None => None,
        };
    }
    match hp.rsplit_once(':') {
        // An IPv6 address without brackets and no port (Java tolerates it too).
        Some((host, _)) if host.contains(':') => Some((hp, None)),
        Some((host, port)) => Some((host, Some(port))),
        None => Some((hp, None)),
    }
    .filter(|(h, _)| !h.is_empty() || hp.is_empty())
}

/// Java's `URLEncoder.encode(s, "UTF-8")`: letters, digits and `.-*_` stay, space is `+`,
/// every other byte of the UTF-8 form is `%XX` (upper case).
pub fn encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for &b in s.as_bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => out.push(b as char),
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 15) as usize] as char);
            }
        }
    }
    out
}

/// Java's `URLDecoder.decode(s, "UTF-8")`: `+` is a space, `%XX` a byte. `None` for a
/// broken escape or bytes that are not UTF-8.
pub fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The representative 3.3 provider URL of the facts file (§3.2).
    const PROVIDER: &str = "dubbo://10.0.0.5:20880/org.example.Greeter?application=demo-provider&deprecated=false&dubbo=2.0.2&dynamic=true&generic=false&interface=org.example.Greeter&methods=add,sayHello&prefer.serialization=hessian2,fastjson2&release=3.3.1&service-name-mapping=true&side=provider&timestamp=1730000000000";

    #[test]
    fn a_java_provider_url_reads_and_writes_back_unchanged() {
        let url = Url::parse(PROVIDER).unwrap();
        assert_eq!((url.protocol.as_str(), url.host.as_str(), url.port, url.path.as_str()), ("dubbo", "10.0.0.5", 20880, "org.example.Greeter"));
        assert_eq!(url.param("methods"), Some("add,sayHello"));
        assert_eq!(url.timestamp(), Some(1_730_000_000_000));
        assert_eq!(url.to_full_string(), PROVIDER);
        assert_eq!(url.service_key(), "org.example.Greeter");
        assert_eq!(url.address(), "10.0.0.5:20880");
    }

    #[test]
    fn parameters_are_written_sorted_by_key_and_trimmed() {
        let url = Url::new("dubbo", "127.0.0.1", 1, "x").with("side", "provider").with("application", " app ").with("b.c", "1");
        assert_eq!(url.to_full_string(), "dubbo://127.0.0.1:1/x?application=app&b.c=1&side=provider");
        let reread = Url::parse("dubbo://127.0.0.1:1/x?side=provider&application=app&b.c=1").unwrap();
        assert_eq!(reread.to_full_string(), url.to_full_string());
    }

    #[test]
    fn user_password_ipv6_no_port_and_flags_parse_like_java() {
        let url = Url::parse("zookeeper://admin:secret@[::1]:2181/org.apache.dubbo.registry.RegistryService?backup=10.0.0.2:2181,10.0.0.3:2181&check").unwrap();
        assert_eq!((url.username.as_deref(), url.password.as_deref()), (Some("admin"), Some("secret")));
        assert_eq!((url.host.as_str(), url.port), ("::1", 2181));
        assert_eq!(url.param("backup"), Some("10.0.0.2:2181,10.0.0.3:2181"));
        assert_eq!(url.param("check"), Some("check"));
        assert_eq!(url.address(), "[::1]:2181");
        let plain = Url::parse("embedded://").unwrap();
        assert_eq!((plain.protocol.as_str(), plain.host.as_str(), plain.port), ("embedded", "", 0));
        assert_eq!(Url::parse("dubbo://127.0.0.1").unwrap().port, 0);
        for bad in ["", "127.0.0.1:20880", "://x", "dubbo://h:port", "dubbo://[::1", "dubbo://h:99999"] {
            assert!(Url::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn registry_node_names_are_url_encoded_as_java_does() {
        // What ZooKeeper shows under /dubbo/org.example.Greeter/providers for a 3.3 provider.
        let url = Url::parse("dubbo://10.0.0.5:20880/org.example.Greeter?application=demo-provider&methods=add,sayHello&side=provider").unwrap();
        let node = url.to_encoded();
        assert_eq!(node, "dubbo%3A%2F%2F10.0.0.5%3A20880%2Forg.example.Greeter%3Fapplication%3Ddemo-provider%26methods%3Dadd%2CsayHello%26side%3Dprovider");
        assert_eq!(Url::decode_parse(&node).unwrap(), url);
        assert_eq!(encode("a b*~é"), "a+b*%7E%C3%A9");
        assert_eq!(decode("a+b*%7E%C3%A9").as_deref(), Some("a b*~é"));
        assert_eq!(decode("%zz"), None);
        assert_eq!(decode("%4"), None);
        assert_eq!(decode("%FF"), None, "not UTF-8");
    }

    #[test]
    fn java_defaults_and_per_method_parameters() {
        let url = Url::parse("dubbo://127.0.0.1:20880/org.example.Greeter?timeout=3000&sayHello.timeout=500&retries=-1&add.loadbalance=roundrobin&methods.echo.retries=5").unwrap();
        assert_eq!((url.timeout("sayHello"), url.timeout("add")), (500, 3000));
        assert_eq!((url.retries("add"), url.retries("echo")), (0, 5));
        assert_eq!((url.loadbalance("add"), url.loadbalance("sayHello")), ("roundrobin", "random"));
        let bare = Url::parse("dubbo://127.0.0.1:20880/org.example.Greeter").unwrap();
        assert_eq!((bare.timeout("x"), bare.retries("x"), bare.cluster(), bare.weight("x"), bare.warmup()), (1000, 2, "failover", 100, 600_000));
        assert_eq!(bare.timestamp(), None);
    }

    #[test]
    fn service_keys_and_consumer_matching_follow_java() {
        let url = Url::parse("dubbo://127.0.0.1:1/org.example.Greeter?interface=org.example.Greeter&version=1.0.0&group=g").unwrap();
        assert_eq!(url.service_key(), "g/org.example.Greeter:1.0.0");
        assert_eq!(service_key("I", "0.0.0", ""), "I");
        assert!(url.serves("org.example.Greeter", "1.0.0", "g"));
        assert!(url.serves("org.example.Greeter", "*", "*"));
        assert!(url.serves("org.example.Greeter", "1.0.0", "a,g"));
        assert!(!url.serves("org.example.Greeter", "1.0.0", ""));
        assert!(!url.serves("org.example.Greeter", "", "g"));
        assert!(!url.serves("org.example.Other", "1.0.0", "g"));
        assert!(!url.clone().with("enabled", "false").serves("org.example.Greeter", "1.0.0", "g"));
        let plain = Url::parse("dubbo://127.0.0.1:1/org.example.Greeter").unwrap();
        assert!(plain.serves("org.example.Greeter", "0.0.0", ""));
    }
}
