//! The services a server exports, and the lookup a Java provider does for each
//! request (facts §0.6, §1.9): interface and version first (status 40 when not
//! exported), then the group from the `group` attachment (70), then the method
//! and its descriptor (40), answered with Java's own texts.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};

use crate::protocol::{Invocation, RpcResult, Status, DEFAULT_VERSION};

/// A boxed future, as handlers return them.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// What serves the calls of one service: given the invocation (generic calls
/// already unwrapped), its result, or a rejection sent as an error status.
pub type Handler = Arc<dyn Fn(Invocation) -> BoxFuture<Result<RpcResult, Rejection>> + Send + Sync>;

/// A call refused with a non-OK status (e.g. 100 when a handler queue is full).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The status sent.
    pub status: Status,
    /// The message sent as the body.
    pub message: String,
}

/// What identifies an exported service: interface, version and group, with
/// `""` for no version (Java's `"0.0.0"`) and no group.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServiceKey {
    /// The interface name, the request's path.
    pub interface: String,
    /// The version, `""` when none.
    pub version: String,
    /// The group, `""` when none.
    pub group: String,
}

impl ServiceKey {
    /// A key; `"0.0.0"` and `"*"`-free empty versions mean "no version", as in Java.
    pub fn new(interface: impl Into<String>, version: &str, group: &str) -> Self {
        ServiceKey { interface: interface.into(), version: plain_version(version).to_owned(), group: group.to_owned() }
    }

    /// Java's `URL.buildKey`: `group/interface:version`, empty parts left out.
    pub fn to_java_key(&self) -> String {
        let mut key = String::new();
        if !self.group.is_empty() {
            key.push_str(&self.group);
            key.push('/');
        }
        key.push_str(&self.interface);
        if !self.version.is_empty() {
            key.push(':');
            key.push_str(&self.version);
        }
        key
    }
}

fn plain_version(version: &str) -> &str {
    if version == DEFAULT_VERSION { "" } else { version }
}

/// One exported service.
pub struct Exported {
    /// Its key.
    pub key: ServiceKey,
    /// The methods it serves as (name, descriptor); `None` serves any method.
    pub methods: Option<Vec<(String, String)>>,
    /// What runs its calls.
    pub handler: Handler,
}

impl Exported {
    fn serves(&self, method: &str, descriptor: &str) -> bool {
        match &self.methods {
            None => true,
            Some(methods) => methods.iter().any(|(m, d)| m == method && d == descriptor),
        }
    }

    /// True when some method of this name exists (generic calls may name it without types).
    pub fn has_method(&self, method: &str) -> bool {
        self.methods.as_ref().is_none_or(|ms| ms.iter().any(|(m, _)| m == method))
    }
}

/// Where a request goes: its service, or the status and text Java would answer.
pub(super) enum Target {
    Service(Arc<Exported>),
    Reject(Rejection),
}

/// Exported services by (interface, version), then by group.
type Table = HashMap<(String, String), HashMap<String, Arc<Exported>>>;

/// The services of one server, keyed by interface and version, then group.
#[derive(Default)]
pub struct Exports {
    services: RwLock<Table>,
    /// Serves requests for services not exported, when set.
    fallback: Option<Arc<Exported>>,
}

impl Exports {
    /// No services yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A table that sends every request, whatever its service and method, to one
    /// handler: for tests, benchmarks and proxies.
    pub fn any(handler: Handler) -> Self {
        let key = ServiceKey::new("*", "", "");
        Exports { services: RwLock::default(), fallback: Some(Arc::new(Exported { key, methods: None, handler })) }
    }

    /// Adds (or replaces) a service.
    pub fn export(&self, service: Exported) {
        let key = &service.key;
        let mut services = self.services.write().unwrap_or_else(|p| p.into_inner());
        let groups = services.entry((key.interface.clone(), key.version.clone())).or_default();
        groups.insert(key.group.clone(), Arc::new(service));
    }

    /// Removes a service; true if it was there.
    pub fn unexport(&self, key: &ServiceKey) -> bool {
        let mut services = self.services.write().unwrap_or_else(|p| p.into_inner());
        let id = (key.interface.clone(), key.version.clone());
        let removed = services.get_mut(&id).and_then(|groups| groups.remove(&key.group)).is_some();
        if services.get(&id).is_some_and(HashMap::is_empty) {
            services.remove(&id);
        }
        removed
    }

    /// The keys of every exported service.
    pub fn keys(&self) -> Vec<ServiceKey> {
        let services = self.services.read().unwrap_or_else(|p| p.into_inner());
        services.values().flat_map(|groups| groups.values().map(|s| s.key.clone())).collect()
    }

    /// Finds the service of a request, as Java's provider does. `local_port` and
    /// `channel` (the "consumer --> provider" text) go into Java's 70 message.
    pub(super) fn resolve(&self, call: &Invocation, local_port: u16, channel: &str) -> Target {
        let version = plain_version(&call.version);
        let group = call.attachments.iter().find(|(k, _)| k == "group").and_then(|(_, v)| v.as_str()).unwrap_or("");
        let services = self.services.read().unwrap_or_else(|p| p.into_inner());
        let Some(groups) = services.get(&(call.path.clone(), version.to_owned())) else {
            if let Some(any) = &self.fallback {
                return Target::Service(any.clone());
            }
            let shown = if version.is_empty() { DEFAULT_VERSION } else { version };
            let cause = format!("java.io.IOException: Service {}:{shown} not found, invocation rejected.", call.path);
            return reject(Status::BadRequest, broken_request(&call.method, &cause));
        };
        let Some(service) = groups.get(group) else {
            let wanted = ServiceKey::new(call.path.clone(), version, group).to_java_key();
            let mut known: Vec<String> = services.values().flat_map(|g| g.values()).map(|s| format!("{}:{local_port}", s.key.to_java_key())).collect();
            known.sort();
            return reject(
                Status::ServiceError,
                format!(
                    "org.apache.dubbo.remoting.RemotingException: Not found exported service: {wanted}:{local_port} in [{}], may be version or group mismatch , channel: {channel}, message:RpcInvocation [methodName={}, parameterTypes=[{}]]",
                    known.join(", "),
                    call.method,
                    java_class_list(&call.descriptor)
                ),
            );
        };
        if !call.is_echo() && !call.is_generic() && !service.serves(&call.method, &call.descriptor) {
            let cause = format!("java.lang.IllegalArgumentException: Service not found:{}, {}", call.path, call.method);
            return reject(Status::BadRequest, broken_request(&call.method, &cause));
        }
        Target::Service(service.clone())
    }
}

/// Java 3.3's (and 3.2's) text for a request it could not take: the invocation
/// as Java prints a broken one, on the first line. Java logs the cause on its
/// side only; we add it on a second line, where Java puts stack traces.
fn broken_request(method: &str, cause: &str) -> String {
    format!("Fail to decode request due to: RpcInvocation [methodName={method}, parameterTypes=null]\n{cause}")
}

/// Java's text for a generic call of a method the interface does not have (status 70).
pub(super) fn no_such_method(interface: &str, method: &str) -> String {
    format!("org.apache.dubbo.rpc.RpcException: No such method {method} in class interface {interface}")
}

/// Parameter types as Java prints a `Class[]` (`class java.lang.String, int`).
fn java_class_list(descriptor: &str) -> String {
    let types = crate::value::JavaType::parse_descriptors(descriptor).unwrap_or_default();
    let shown: Vec<String> = types
        .iter()
        .map(|t| match t {
            crate::value::JavaType::Class(_) | crate::value::JavaType::Array(_) => format!("class {}", t.name()),
            primitive => primitive.name(),
        })
        .collect();
    shown.join(", ")
}

fn reject(status: Status, message: String) -> Target {
    Target::Reject(Rejection { status, message })
}
