//! Application-level registration data, as Java 3.3 writes it to ZooKeeper
//! (facts §3.3–§3.5): the instance node `/services/{app}/{ip}:{port}` in
//! Curator's JSON, its MetadataInfo (`/dubbo/metadata/{app}/{revision}`, with
//! `dubbo.metadata.storage-type=remote`, so no MetadataService is needed) and
//! the service-name mapping `/dubbo/mapping/{interface}`. Pure functions; the
//! ZooKeeper registry writes what they make.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::url::Url;

/// Parameters Java's `DefaultMetadataParamsFilter` leaves out of MetadataInfo.
const EXCLUDED: [&str; 8] = ["monitor", "bind.ip", "bind.port", "validation", "interfaces", "pid", "timestamp", "heartbeat.timeout"];

/// Which levels a provider registers at (`register-mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegisterMode {
    /// `interface`: `/dubbo/{interface}/providers/…` only.
    Interface,
    /// `instance`: `/services/{app}/{ip}:{port}` only.
    Instance,
    /// `all`: both.
    All,
}

impl RegisterMode {
    /// The mode a `register-mode` value names; `None` for an unknown one.
    pub fn parse(text: &str) -> Option<RegisterMode> {
        match text.trim() {
            "interface" => Some(RegisterMode::Interface),
            "instance" => Some(RegisterMode::Instance),
            "all" => Some(RegisterMode::All),
            _ => None,
        }
    }

    /// True when it writes interface-level nodes.
    pub fn interface(self) -> bool {
        self != RegisterMode::Instance
    }

    /// True when it writes the instance node.
    pub fn instance(self) -> bool {
        self != RegisterMode::Interface
    }
}

/// `{group/}{interface}{:version}:{protocol}`, MetadataInfo's key of a service.
pub fn match_key(url: &Url) -> String {
    let mut key = String::new();
    if !url.group().is_empty() {
        let _ = write!(key, "{}/", url.group());
    }
    key.push_str(url.interface());
    if !url.version().is_empty() {
        let _ = write!(key, ":{}", url.version());
    }
    let _ = write!(key, ":{}", url.protocol);
    key
}

/// The parameters of `url` that go into MetadataInfo.
fn metadata_params(url: &Url) -> BTreeMap<&str, &str> {
    url.params
        .iter()
        .filter(|(k, _)| !EXCLUDED.contains(&k.as_str()) && !k.starts_with("qos.") && k.as_str() != "ipv6")
        .map(|(k, v)| (k.as_str(), v.trim()))
        .collect()
}

/// The services by match key (one URL per key; the last wins).
fn by_key(services: &[Url]) -> BTreeMap<String, &Url> {
    services.iter().map(|u| (match_key(u), u)).collect()
}

/// MetadataInfo's revision: the lowercase hex MD5 of `app` and, per service in
/// match-key order, match key + port + path + its parameters as Java's
/// `TreeMap.toString` (`{k1=v1, k2=v2}`).
pub fn revision(app: &str, services: &[Url]) -> String {
    let mut text = String::from(app);
    for (key, url) in by_key(services) {
        let params: Vec<String> = metadata_params(url).iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = write!(text, "{key}{}{}{{{}}}", url.port, url.path, params.join(", "));
    }
    format!("{:x}", md5::compute(text.as_bytes()))
}

/// A JSON string literal.
fn json(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_object<'a>(entries: impl IntoIterator<Item = (&'a str, String)>) -> String {
    let fields: Vec<String> = entries.into_iter().map(|(k, v)| format!("{}:{v}", json(k))).collect();
    format!("{{{}}}", fields.join(","))
}

/// The MetadataInfo JSON of `app`'s `services` (as fastjson2 writes it: no null fields).
pub fn metadata_info(app: &str, revision: &str, services: &[Url]) -> String {
    let services = by_key(services).into_iter().map(|(key, url)| {
        let mut fields = vec![("name", json(url.interface()))];
        if !url.group().is_empty() {
            fields.push(("group", json(url.group())));
        }
        if !url.version().is_empty() {
            fields.push(("version", json(url.version())));
        }
        fields.push(("protocol", json(&url.protocol)));
        fields.push(("port", url.port.to_string()));
        fields.push(("path", json(&url.path)));
        fields.push(("params", json_object(metadata_params(url).into_iter().map(|(k, v)| (k, json(v))))));
        (key, json_object(fields))
    });
    let services: Vec<String> = services.map(|(k, v)| format!("{}:{v}", json(&k))).collect();
    format!("{{\"app\":{},\"revision\":{},\"services\":{{{}}}}}", json(app), json(revision), services.join(","))
}

/// The Curator instance JSON of `app` at `host:port` serving `services`.
pub fn instance_json(app: &str, host: &str, port: u16, revision: &str, services: &[Url], registered_ms: u128) -> String {
    let id = format!("{host}:{port}");
    let endpoints = format!("[{{\"port\":{port},\"protocol\":\"dubbo\"}}]");
    let mut metadata = vec![
        ("dubbo.endpoints", json(&endpoints)),
        ("dubbo.metadata.revision", json(revision)),
        ("dubbo.metadata.storage-type", json("remote")),
    ];
    if let Some(timestamp) = services.iter().find_map(|u| u.param("timestamp")) {
        metadata.push(("timestamp", json(timestamp)));
    }
    let payload = json_object([
        ("@class", json("org.apache.dubbo.registry.zookeeper.ZookeeperInstance")),
        ("id", json(&id)),
        ("name", json(app)),
        ("metadata", json_object(metadata)),
    ]);
    json_object([
        ("name", json(app)),
        ("id", json(&id)),
        ("address", json(host)),
        ("port", port.to_string()),
        ("sslPort", "null".into()),
        ("payload", payload),
        ("registrationTimeUTC", registered_ms.to_string()),
        ("serviceType", json("DYNAMIC")),
        ("uriSpec", "null".into()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn match_keys_revisions_and_json_are_as_java_builds_them() {
        let a = url("dubbo://10.0.0.5:20880/org.example.Greeter?application=demo&interface=org.example.Greeter&pid=7&side=provider&timestamp=1&version=1.0.0&group=g1");
        let b = url("dubbo://10.0.0.5:20880/org.example.Other?application=demo&interface=org.example.Other&side=provider");
        assert_eq!(match_key(&a), "g1/org.example.Greeter:1.0.0:dubbo");
        assert_eq!(match_key(&b), "org.example.Other:dubbo");
        let text = "demog1/org.example.Greeter:1.0.0:dubbo20880org.example.Greeter{application=demo, group=g1, interface=org.example.Greeter, side=provider, version=1.0.0}org.example.Other:dubbo20880org.example.Other{application=demo, interface=org.example.Other, side=provider}";
        let rev = revision("demo", &[b.clone(), a.clone()]);
        assert_eq!(rev, format!("{:x}", md5::compute(text)));
        assert_eq!(rev, revision("demo", &[a.clone(), b.clone()]), "order does not matter");
        let info = metadata_info("demo", &rev, std::slice::from_ref(&a));
        assert!(info.starts_with(&format!("{{\"app\":\"demo\",\"revision\":\"{rev}\",\"services\":{{\"g1/org.example.Greeter:1.0.0:dubbo\":{{\"name\":\"org.example.Greeter\",\"group\":\"g1\",\"version\":\"1.0.0\",\"protocol\":\"dubbo\",\"port\":20880,\"path\":\"org.example.Greeter\",\"params\":{{\"application\":\"demo\"")), "{info}");
        assert!(!info.contains("pid") && !info.contains("timestamp"), "{info}");
        let node = instance_json("demo", "10.0.0.5", 20880, &rev, &[a], 5);
        assert!(node.starts_with("{\"name\":\"demo\",\"id\":\"10.0.0.5:20880\",\"address\":\"10.0.0.5\",\"port\":20880,\"sslPort\":null,\"payload\":{\"@class\":\"org.apache.dubbo.registry.zookeeper.ZookeeperInstance\""), "{node}");
        assert!(node.contains("\"dubbo.endpoints\":\"[{\\\"port\\\":20880,\\\"protocol\\\":\\\"dubbo\\\"}]\""), "{node}");
        assert!(node.ends_with("\"registrationTimeUTC\":5,\"serviceType\":\"DYNAMIC\",\"uriSpec\":null}"), "{node}");
        assert_eq!(json("a\"\\\u{1}"), "\"a\\\"\\\\\\u0001\"");
    }

    #[test]
    fn modes_parse_by_java_s_names() {
        assert_eq!(RegisterMode::parse("all"), Some(RegisterMode::All));
        assert!(RegisterMode::parse("instance").is_some_and(|m| m.instance() && !m.interface()));
        assert!(RegisterMode::parse("interface").is_some_and(|m| !m.instance() && m.interface()));
        assert_eq!(RegisterMode::parse("nope"), None);
    }
}
