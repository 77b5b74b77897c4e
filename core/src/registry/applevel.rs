//! Application-level discovery as a Java 3.3 consumer does it (facts §3.3–§3.7):
//! the service-name mapping `/dubbo/mapping/{interface}` names the provider
//! applications, `/services/{app}/{ip}:{port}` lists their instances (Curator
//! JSON), and each instance's revision names its MetadataInfo — in ZooKeeper
//! (`/dubbo/metadata/{app}/{revision}`, storage type `remote`) or served by the
//! instance itself (`local`, Java's default) through
//! `org.apache.dubbo.metadata.MetadataService#getMetadataInfo(String)`, group
//! = the app, version 1.0.0, over dubbo2. Parsing here never panics: input that
//! does not fit is `None` and its caller logs and skips it.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use serde_json::Value as Json;

use super::Query;
use crate::protocol::{Invocation, Outcome};
use crate::transport::{ClientOptions, Connection};
use crate::url::{self, Url};
use crate::value::{RefTable, Value};

/// Java's consumer migration step (`migration.step`, facts §3.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MigrationStep {
    /// `FORCE_INTERFACE`: interface-level providers only.
    ForceInterface,
    /// `APPLICATION_FIRST` (Java's default): application-level providers when
    /// any are found, else interface-level ones.
    #[default]
    ApplicationFirst,
    /// `FORCE_APPLICATION`: application-level providers only.
    ForceApplication,
}

impl MigrationStep {
    /// The step a `migration.step` value names (Java's names); `None` for an unknown one.
    pub fn parse(text: &str) -> Option<MigrationStep> {
        match text.trim() {
            "FORCE_INTERFACE" => Some(MigrationStep::ForceInterface),
            "APPLICATION_FIRST" => Some(MigrationStep::ApplicationFirst),
            "FORCE_APPLICATION" => Some(MigrationStep::ForceApplication),
            _ => None,
        }
    }

    /// True when it reads the interface level.
    pub fn interface(self) -> bool {
        self != MigrationStep::ForceApplication
    }

    /// True when it reads the application level.
    pub fn application(self) -> bool {
        self != MigrationStep::ForceInterface
    }
}

/// The MetadataService interface (v1, dubbo protocol).
pub const METADATA_SERVICE: &str = "org.apache.dubbo.metadata.MetadataService";
/// Its version (`MetadataService.VERSION`).
pub const METADATA_SERVICE_VERSION: &str = "1.0.0";
/// How long a MetadataService call may take (`dubbo.application.metadata.proxy.delay`'s 5000 ms).
pub const METADATA_TIMEOUT: Duration = Duration::from_secs(5);

/// The application names in a mapping node (comma list, trimmed, no empties).
pub fn app_names(data: &[u8]) -> Vec<String> {
    let mut apps: Vec<String> = String::from_utf8_lossy(data).split(',').map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect();
    apps.sort();
    apps.dedup();
    apps
}

/// One instance node, as far as discovery needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// The application.
    pub app: String,
    /// Its address (`::ffff:127.0.0.1` from a Java peer on loopback).
    pub host: String,
    /// Its port (the first protocol's).
    pub port: u16,
    /// `dubbo.metadata.revision`.
    pub revision: String,
    /// `dubbo.metadata.storage-type`: `local` (the default) or `remote`.
    pub storage: String,
    /// Protocol → port, from `dubbo.endpoints`.
    pub endpoints: BTreeMap<String, u16>,
    /// The MetadataService's port, from `dubbo.metadata-service.url-params`.
    pub metadata_port: Option<u16>,
    /// The MetadataService's protocol from there (`dubbo` when not given).
    pub metadata_protocol: String,
    /// `meta-v`: `1.0.0` (MetadataService, dubbo) or `2.0.0` (MetadataServiceV2, triple only).
    pub metadata_version: String,
}

fn json_port(v: &Json) -> Option<u16> {
    match v {
        Json::Number(n) => n.as_u64().and_then(|p| u16::try_from(p).ok()),
        Json::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A JSON value that may itself be a JSON document in a string (Dubbo's metadata values are strings).
fn nested(v: &Json) -> Option<Json> {
    match v {
        Json::String(s) => serde_json::from_str(s).ok(),
        other => Some(other.clone()),
    }
}

/// The instance in Curator JSON `data` of `app`; `None` when it does not parse or lacks an address.
pub fn parse_instance(app: &str, data: &[u8]) -> Option<Instance> {
    let doc: Json = serde_json::from_slice(data).ok()?;
    let host = doc.get("address")?.as_str()?.trim().trim_start_matches('[').trim_end_matches(']').to_owned();
    let port = doc.get("port").and_then(json_port)?;
    if host.is_empty() || port == 0 {
        return None;
    }
    let metadata = doc.get("payload").and_then(|p| p.get("metadata"));
    let text = |key: &str| metadata.and_then(|m| m.get(key)).and_then(Json::as_str).map(str::to_owned);
    let mut endpoints = BTreeMap::new();
    if let Some(Json::Array(list)) = metadata.and_then(|m| m.get("dubbo.endpoints")).and_then(nested) {
        for e in list.iter().take(64) {
            if let (Some(protocol), Some(port)) = (e.get("protocol").and_then(Json::as_str), e.get("port").and_then(json_port)) {
                endpoints.insert(protocol.to_owned(), port);
            }
        }
    }
    let service_params = metadata.and_then(|m| m.get("dubbo.metadata-service.url-params")).and_then(nested);
    let metadata_port = service_params.as_ref().and_then(|p| p.get("port").and_then(json_port));
    let metadata_protocol = service_params.as_ref().and_then(|p| p.get("protocol")).and_then(Json::as_str).unwrap_or("dubbo").to_owned();
    Some(Instance {
        app: app.to_owned(),
        host,
        port,
        revision: text("dubbo.metadata.revision").unwrap_or_default(),
        storage: text("dubbo.metadata.storage-type").unwrap_or_else(|| "local".to_owned()),
        endpoints,
        metadata_port,
        metadata_protocol,
        metadata_version: text("meta-v").unwrap_or_else(|| METADATA_SERVICE_VERSION.to_owned()),
    })
}

/// One service of a MetadataInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceInfo {
    /// The interface.
    pub name: String,
    /// `""` for none.
    pub group: String,
    /// `""` for none.
    pub version: String,
    /// `dubbo`, `tri`, ...
    pub protocol: String,
    /// 0 when not given.
    pub port: u16,
    /// The service path.
    pub path: String,
    /// Its URL parameters.
    pub params: BTreeMap<String, String>,
}

/// The services of a MetadataInfo JSON document (`/dubbo/metadata/{app}/{revision}`).
pub fn parse_metadata_json(data: &[u8]) -> Option<Vec<ServiceInfo>> {
    let doc: Json = serde_json::from_slice(data).ok()?;
    let services = doc.get("services")?.as_object()?;
    let mut out = Vec::new();
    for service in services.values() {
        let text = |key: &str| service.get(key).and_then(Json::as_str).unwrap_or("").to_owned();
        let name = text("name");
        if name.is_empty() {
            continue;
        }
        let params = service
            .get("params")
            .and_then(Json::as_object)
            .map(|p| p.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned()))).collect())
            .unwrap_or_default();
        let path = text("path");
        out.push(ServiceInfo {
            path: if path.is_empty() { name.clone() } else { path },
            name,
            group: text("group"),
            version: text("version"),
            protocol: text("protocol"),
            port: service.get("port").and_then(json_port).unwrap_or(0),
            params,
        });
    }
    Some(out)
}

/// The services of a MetadataInfo object a MetadataService returned (Hessian:
/// `org.apache.dubbo.metadata.MetadataInfo` with a `services` map of `ServiceInfo` objects).
pub fn metadata_from_value(value: &Value) -> Option<Vec<ServiceInfo>> {
    let refs = RefTable::build(std::iter::once(value));
    let resolve = |v: &'_ Value| -> Option<Value> {
        match v {
            Value::Ref(n) => refs.get(*n).cloned(),
            other => Some(other.clone()),
        }
    };
    let info = value.as_object()?;
    let services = resolve(info.get("services")?)?;
    let services = services.as_map()?;
    let mut out = Vec::new();
    for (_, service) in &services.entries {
        let Some(service) = resolve(service) else { continue };
        let Some(service) = service.as_object() else { continue };
        let text = |key: &str| service.get(key).and_then(Value::as_str).unwrap_or("").to_owned();
        let name = text("name");
        if name.is_empty() {
            continue;
        }
        let mut params = BTreeMap::new();
        if let Some(map) = service.get("params").and_then(resolve) {
            for (k, v) in map.as_map().map(|m| m.entries.as_slice()).unwrap_or(&[]) {
                if let (Some(k), Some(v)) = (k.as_str(), v.as_str()) {
                    params.insert(k.to_owned(), v.to_owned());
                }
            }
        }
        let path = text("path");
        out.push(ServiceInfo {
            path: if path.is_empty() { name.clone() } else { path },
            name,
            group: text("group"),
            version: text("version"),
            protocol: text("protocol"),
            port: service.get("port").and_then(Value::as_i64).and_then(|p| u16::try_from(p).ok()).unwrap_or(0),
            params,
        });
    }
    Some(out)
}

/// The provider URLs of `instance` for the `services` `query` wants: the
/// instance's host, the service's port (else its protocol's endpoint, else the
/// instance port) and the service's parameters.
pub fn provider_urls(instance: &Instance, services: &[ServiceInfo], query: &Query) -> Vec<Url> {
    let mut urls = Vec::new();
    for s in services {
        let protocol = if s.protocol.is_empty() { "dubbo" } else { s.protocol.as_str() };
        let port = if s.port != 0 { s.port } else { instance.endpoints.get(protocol).copied().unwrap_or(instance.port) };
        let mut url = Url::new(protocol, &instance.host, port, &s.path);
        for (k, v) in &s.params {
            url = url.with(k, v.as_str());
        }
        for (key, value) in [(url::keys::INTERFACE, &s.name), (url::keys::VERSION, &s.version), (url::keys::GROUP, &s.group)] {
            if !value.is_empty() && url.param(key).is_none() {
                url = url.with(key, value.as_str());
            }
        }
        if url.param(url::keys::SIDE).is_none() {
            url = url.with(url::keys::SIDE, "provider");
        }
        if query.matches(&url) {
            urls.push(url);
        }
    }
    urls
}

/// Asks `instance`'s MetadataService for the MetadataInfo of its revision.
pub async fn fetch_local(instance: &Instance) -> Result<Vec<ServiceInfo>, String> {
    if instance.metadata_protocol != "dubbo" || instance.metadata_version == "2.0.0" {
        return Err(format!("MetadataService {} over {} is not served over dubbo2", instance.metadata_version, instance.metadata_protocol));
    }
    let ip: IpAddr = instance.host.parse().map_err(|_| format!("instance address {:?} is not an IP", instance.host))?;
    let port = instance.metadata_port.unwrap_or(instance.port);
    let addr = SocketAddr::new(ip.to_canonical(), port);
    // One deadline for connecting and calling.
    let deadline = tokio::time::Instant::now() + METADATA_TIMEOUT;
    let options = ClientOptions { connect_timeout: METADATA_TIMEOUT, ..ClientOptions::default() };
    let connection = Connection::connect_by(addr, options, deadline).await.map_err(|e| format!("MetadataService at {addr}: {e}"))?;
    let mut invocation = Invocation::new(METADATA_SERVICE, "getMetadataInfo", "Ljava/lang/String;", vec![Value::from(instance.revision.as_str())]);
    invocation.version = METADATA_SERVICE_VERSION.to_owned();
    let mut invocation = invocation.with_consumer_attachments(METADATA_TIMEOUT.as_millis() as u64);
    invocation.attachments.push(("group".to_owned(), Value::from(instance.app.as_str())));
    let result = connection.call_by(&invocation, deadline).await;
    connection.close();
    match result.map_err(|e| format!("MetadataService at {addr}: {e}"))?.outcome {
        Outcome::Value(v) => metadata_from_value(&v).ok_or_else(|| format!("MetadataService at {addr}: not a MetadataInfo: {v:?}")),
        Outcome::Null => Err(format!("MetadataService at {addr}: no MetadataInfo for revision {}", instance.revision)),
        Outcome::Exception(e) => Err(format!("MetadataService at {addr} threw {e:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Object;

    #[test]
    fn steps_parse_by_java_s_names() {
        assert_eq!(MigrationStep::parse("FORCE_APPLICATION"), Some(MigrationStep::ForceApplication));
        assert_eq!(MigrationStep::parse(" FORCE_INTERFACE"), Some(MigrationStep::ForceInterface));
        assert_eq!(MigrationStep::parse("APPLICATION_FIRST"), Some(MigrationStep::default()));
        assert_eq!(MigrationStep::parse("force_application"), None);
    }

    #[test]
    fn instances_and_metadata_parse_and_bad_input_is_none() {
        let node = br#"{"name":"demo","id":"x","address":"::ffff:127.0.0.1","port":20880,"payload":{"metadata":{"dubbo.endpoints":"[{\"port\":20881,\"protocol\":\"dubbo\"}]","dubbo.metadata-service.url-params":"{\"port\":\"20882\",\"protocol\":\"dubbo\"}","dubbo.metadata.revision":"abc"}}}"#;
        let i = parse_instance("demo", node).unwrap();
        assert_eq!((i.host.as_str(), i.port, i.revision.as_str(), i.storage.as_str(), i.metadata_port), ("::ffff:127.0.0.1", 20880, "abc", "local", Some(20882)));
        assert_eq!(i.endpoints.get("dubbo"), Some(&20881));
        assert_eq!((i.metadata_protocol.as_str(), i.metadata_version.as_str()), ("dubbo", "1.0.0"));
        for bad in [&b""[..], b"{", b"[]", b"{\"address\":1}", b"{\"address\":\"h\",\"port\":70000}", b"\xff"] {
            assert_eq!(parse_instance("demo", bad), None);
        }
        let meta = br#"{"app":"demo","revision":"abc","services":{"g/org.x.G:1.0.0:dubbo":{"name":"org.x.G","group":"g","version":"1.0.0","protocol":"dubbo","port":20880,"path":"org.x.G","params":{"side":"provider","interface":"org.x.G","version":"1.0.0","group":"g"}},"bad":{"port":"x"}}}"#;
        let services = parse_metadata_json(meta).unwrap();
        assert_eq!(services.len(), 1);
        let urls = provider_urls(&i, &services, &Query::new("org.x.G", "1.0.0", "g"));
        assert_eq!(urls.len(), 1);
        assert_eq!((urls[0].host.as_str(), urls[0].port, urls[0].version()), ("::ffff:127.0.0.1", 20880, "1.0.0"));
        assert!(provider_urls(&i, &services, &Query::new("org.x.G", "2.0.0", "g")).is_empty());
        assert_eq!(parse_metadata_json(b"{\"services\":3}"), None);
        assert_eq!(app_names(b" b, a,,a "), vec!["a".to_owned(), "b".to_owned()]);
    }

    #[test]
    fn a_metadata_info_object_reads_as_its_services() {
        let params = Value::Map(crate::value::Map { type_name: None, entries: vec![(Value::from("side"), Value::from("provider"))] });
        let service = Object::new(
            "org.apache.dubbo.metadata.MetadataInfo$ServiceInfo",
            [("name", Value::from("org.x.G")), ("group", Value::Null), ("version", Value::Null), ("protocol", Value::from("dubbo")), ("port", Value::Int(20880)), ("path", Value::from("org.x.G")), ("params", params)],
        );
        let services = Value::Map(crate::value::Map { type_name: Some("java.util.concurrent.ConcurrentHashMap".into()), entries: vec![(Value::from("org.x.G:dubbo"), Value::Object(service))] });
        let info = Value::Object(Object::new("org.apache.dubbo.metadata.MetadataInfo", [("app", Value::from("demo")), ("revision", Value::from("abc")), ("services", services)]));
        let got = metadata_from_value(&info).unwrap();
        assert_eq!((got[0].name.as_str(), got[0].port, got[0].params.get("side").map(String::as_str)), ("org.x.G", 20880, Some("provider")));
        assert_eq!(metadata_from_value(&Value::Int(1)), None);
    }
}
