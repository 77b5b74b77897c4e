//! A reference to one remote service: what Java's `ReferenceConfig.get()` gives,
//! as calls that take `Value`s. It picks a provider, builds the invocation Java
//! would send (descriptor, default attachments) and maps the answer.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::client::{ClientConfig, ClientShared};
use super::discovery::{Binding, Provider};
use super::{Error, ErrorKind};
use crate::protocol::{Invocation, Outcome, DEFAULT_VERSION};
use crate::cluster::{self, CallError, Invoker, LoadBalancer, Pick, Strategy};
use crate::transport::Connection;
use crate::url::{keys, Url};
use crate::value::{JavaType, Value};

/// A method's declared parameter types, so calls need not say them.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodSignature {
    /// The method name.
    pub name: String,
    /// Its parameter types (`int` vs `java.lang.Integer` matters to Java).
    pub parameter_types: Vec<JavaType>,
    /// A timeout for this method only.
    pub timeout: Option<Duration>,
}

impl MethodSignature {
    /// A signature from Java type names (`"int"`, `"java.lang.String"`, `"org.example.User"`).
    pub fn new(name: impl Into<String>, types: &[&str]) -> Result<Self, Error> {
        Ok(MethodSignature { name: name.into(), parameter_types: java_types(types)?, timeout: None })
    }
}

/// Java type names (`"int"`, `"java.lang.String"`) as types; a bad name is an invalid argument.
pub(super) fn java_types(names: &[&str]) -> Result<Vec<JavaType>, Error> {
    names.iter().map(|t| JavaType::from_name(t).ok_or_else(|| Error::invalid(format!("bad Java type name {t:?}")))).collect()
}

/// What a reference calls, with Java's parameter names.
#[derive(Debug, Clone, Default)]
pub struct ReferenceConfig {
    /// `interface`: the Java interface name.
    pub interface: String,
    /// `version` (none: Java sends `"0.0.0"`).
    pub version: Option<String>,
    /// `group` (none by default).
    pub group: Option<String>,
    /// `timeout` for this reference (else the client's).
    pub timeout: Option<Duration>,
    /// `url`: direct provider URLs, `dubbo://host:port`, comma-separated.
    pub url: Option<String>,
    /// Declared signatures of the methods called.
    pub methods: Vec<MethodSignature>,
    /// More parameters by Java's names, for the reference or one method:
    /// `loadbalance`, `cluster`, `retries`, `sayHello.loadbalance`, `hash.arguments` ...
    pub parameters: Vec<(String, String)>,
}

impl ReferenceConfig {
    /// A reference to `interface` at direct `url`.
    pub fn direct(interface: impl Into<String>, url: impl Into<String>) -> Self {
        ReferenceConfig { interface: interface.into(), url: Some(url.into()), ..Default::default() }
    }
}

/// Per-call settings.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// This call's deadline (else the method's, the reference's, the client's).
    pub timeout: Option<Duration>,
    /// Attachments sent with this call (Java's `RpcContext` client attachments).
    pub attachments: Vec<(String, Value)>,
    /// The parameter types, when the declared or inferred ones are not right.
    pub parameter_types: Option<Vec<JavaType>>,
    /// The type each argument pins where the method has no declared signature
    /// (a front's `Int(5)` wrapper pins `int`); `None` entries are inferred.
    pub argument_types: Vec<Option<JavaType>>,
}

/// A call's answer: the returned value (`Null` for null and void) and the
/// provider's response attachments.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The returned value.
    pub value: Value,
    /// Response attachments (a Java provider always sends `dubbo`).
    pub attachments: Vec<(String, Value)>,
}

/// A remote service. Cheap to clone.
#[derive(Clone)]
pub struct Reference {
    client: Arc<ClientShared>,
    config: Arc<ReferenceConfig>,
    /// The consumer URL: the reference's parameters, as Java registers them.
    consumer: Arc<Url>,
    binding: Arc<Binding>,
}

/// The consumer URL Java registers for a reference (`consumer://host/interface?...`),
/// carrying the reference's parameters.
pub(super) fn consumer_url(client: &ClientConfig, config: &ReferenceConfig) -> Url {
    let mut methods: Vec<&str> = config.methods.iter().map(|m| m.name.as_str()).collect();
    methods.sort_unstable();
    methods.dedup();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let mut url = Url::new("consumer", "127.0.0.1", 0, &config.interface)
        .with(keys::APPLICATION, client.application.as_str())
        .with(keys::CATEGORY, "consumers")
        .with("check", "false")
        .with("dubbo", crate::url::defaults::DUBBO)
        .with(keys::INTERFACE, config.interface.as_str())
        .with("pid", std::process::id().to_string())
        .with(keys::SIDE, "consumer")
        .with(keys::TIMESTAMP, now.to_string());
    if !methods.is_empty() {
        url = url.with(keys::METHODS, methods.join(","));
    }
    if let Some(v) = config.version.as_deref().filter(|v| !v.is_empty()) {
        url = url.with(keys::VERSION, v);
    }
    if let Some(g) = config.group.as_deref().filter(|g| !g.is_empty()) {
        url = url.with(keys::GROUP, g);
    }
    if let Some(t) = config.timeout {
        url = url.with(keys::TIMEOUT, t.as_millis().to_string());
    }
    for m in &config.methods {
        if let Some(t) = m.timeout {
            url = url.with(&format!("{}.{}", m.name, keys::TIMEOUT), t.as_millis().to_string());
        }
    }
    for (k, v) in &config.parameters {
        url = url.with(k, v.as_str());
    }
    url
}

impl Reference {
    pub(super) fn new(client: Arc<ClientShared>, config: ReferenceConfig, consumer: Url, binding: Binding) -> Self {
        Reference { client, config: Arc::new(config), consumer: Arc::new(consumer), binding: Arc::new(binding) }
    }

    /// The addresses of the providers it can call now (from its URLs or its registry).
    pub fn providers(&self) -> Vec<String> {
        self.binding.directory.all().iter().map(|p| p.url.address()).collect()
    }

    /// The interface it calls.
    pub fn interface(&self) -> &str {
        &self.config.interface
    }

    /// Calls `method` and waits for its answer; a Java exception is an error of
    /// kind [`ErrorKind::RemoteException`].
    pub async fn call(&self, method: &str, args: Vec<Value>, options: CallOptions) -> Result<Reply, Error> {
        let (invocation, timeout) = self.invocation(method, args, &options)?;
        let this = self.clone();
        self.client.runtime.run(async move { this.send(invocation, timeout).await }).await?
    }

    /// [`Reference::call`] from a thread that is not async, waking every 100 ms
    /// to ask `interrupted` whether to give up (for Ctrl-C).
    pub fn call_blocking(
        &self,
        method: &str,
        args: Vec<Value>,
        options: CallOptions,
        interrupted: impl FnMut() -> Result<(), Error>,
    ) -> Result<Reply, Error> {
        let (invocation, timeout) = self.invocation(method, args, &options)?;
        let this = self.clone();
        self.client.runtime.wait(async move { this.send(invocation, timeout).await }, interrupted)?
    }

    /// Sends `method` expecting no answer (Java's oneway, `return=false`).
    pub async fn oneway(&self, method: &str, args: Vec<Value>, options: CallOptions) -> Result<(), Error> {
        let (invocation, timeout) = self.invocation(method, args, &options)?;
        let this = self.clone();
        self.client
            .runtime
            .run(async move {
                let conn = this.oneway_connection(&invocation, Instant::now() + timeout).await?;
                conn.oneway(&invocation).await.map_err(Error::from)
            })
            .await?
    }

    /// A generic call (`$invoke`): parameter types by Java name, POJOs as maps
    /// with a `"class"` key; the answer comes back generalized (maps, not objects).
    pub async fn invoke_generic(&self, method: &str, types: &[&str], args: Vec<Value>, options: CallOptions) -> Result<Reply, Error> {
        self.client.check()?;
        let invocation = Invocation::generic(self.config.interface.clone(), method, types, args);
        let timeout = self.timeout_for(method, &options);
        let invocation = self.with_attachments(invocation, timeout, &options);
        let this = self.clone();
        self.client.runtime.run(async move { this.send(invocation, timeout).await }).await?
    }

    /// The invocation Java would send for this call, and its timeout.
    fn invocation(&self, method: &str, args: Vec<Value>, options: &CallOptions) -> Result<(Invocation, Duration), Error> {
        self.client.check()?;
        let types = match &options.parameter_types {
            Some(types) => types.clone(),
            None => self.declared(method, args.len()).unwrap_or_else(|| {
                let pinned = |i: usize| options.argument_types.get(i).cloned().flatten();
                args.iter().enumerate().map(|(i, a)| pinned(i).unwrap_or_else(|| JavaType::of_value(a))).collect()
            }),
        };
        if types.len() != args.len() {
            return Err(Error::invalid(format!("{method}: {} arguments for {} parameter types", args.len(), types.len())));
        }
        let descriptor: String = types.iter().map(JavaType::descriptor).collect();
        let invocation = Invocation::new(self.config.interface.clone(), method, descriptor, args);
        let timeout = self.timeout_for(method, options);
        Ok((self.with_attachments(invocation, timeout, options), timeout))
    }

    /// The declared types of `method` with `arity` parameters, if exactly one fits.
    fn declared(&self, method: &str, arity: usize) -> Option<Vec<JavaType>> {
        let mut fits = self.config.methods.iter().filter(|m| m.name == method && m.parameter_types.len() == arity);
        match (fits.next(), fits.next()) {
            (Some(one), None) => Some(one.parameter_types.clone()),
            _ => None,
        }
    }

    fn timeout_for(&self, method: &str, options: &CallOptions) -> Duration {
        options
            .timeout
            .or_else(|| self.config.methods.iter().find(|m| m.name == method).and_then(|m| m.timeout))
            .or_else(|| self.consumer.method_param(method, keys::TIMEOUT).and_then(|t| t.parse().ok()).map(Duration::from_millis))
            // A timeout the provider registered applies when the consumer set none (Java's merged URL).
            .or_else(|| {
                let providers = self.binding.directory.all();
                providers.first()?.url.method_param(method, keys::TIMEOUT)?.parse().ok().map(Duration::from_millis)
            })
            .unwrap_or(self.client.config.timeout)
    }

    /// Java 3.3's default consumer attachments (facts §1.8), then the call's own.
    fn with_attachments(&self, mut invocation: Invocation, timeout: Duration, options: &CallOptions) -> Invocation {
        invocation.version = self.config.version.clone().filter(|v| !v.is_empty()).unwrap_or_else(|| DEFAULT_VERSION.to_owned());
        let mut invocation = invocation.with_consumer_attachments(timeout.as_millis() as u64);
        let attachments = &mut invocation.attachments;
        attachments.push(("remote.application".to_owned(), Value::from(self.client.config.application.as_str())));
        if let Some(group) = self.config.group.as_ref().filter(|g| !g.is_empty()) {
            attachments.push(("group".to_owned(), Value::from(group.as_str())));
        }
        for (k, v) in &options.attachments {
            attachments.retain(|(key, _)| key != k);
            attachments.push((k.clone(), v.clone()));
        }
        invocation
    }

    /// Runs on the runtime: the cluster strategy and load balancer configured
    /// for the method pick providers; each try has its own deadline, as in Java.
    async fn send(&self, invocation: Invocation, timeout: Duration) -> Result<Reply, Error> {
        self.wait_ready(Instant::now() + timeout).await;
        let invocation = Arc::new(invocation);
        let (method, args) = balanced_args(&invocation);
        let service_key = self.service_key();
        let pick = Pick { service_key: &service_key, method, args, consumer: &self.consumer };
        let providers = self.binding.directory.selectable();
        let strategy = Strategy::configured(&providers, &pick).map_err(Error::invalid)?;
        let balancer = self.balancer(&providers, &pick)?;
        let (this, inv) = (self.clone(), invocation.clone());
        let call = move |provider: Arc<Provider>| {
            let (this, inv) = (this.clone(), inv.clone());
            async move { this.send_to(&provider, &inv, timeout).await }
        };
        cluster::invoke(strategy, &self.binding.directory, &balancer, &pick, call).await
    }

    /// One try on one provider, counted in its statistics.
    async fn send_to(&self, provider: &Provider, invocation: &Invocation, timeout: Duration) -> Result<Reply, Error> {
        self.client.check()?;
        let deadline = Instant::now() + timeout;
        let stats = provider.stats().begin();
        let conn = self.connect(provider, deadline).await?;
        let result = conn.call_by(invocation, deadline).await.map_err(|e| match e {
            crate::transport::TransportError::Timeout(_) => Error::new(
                ErrorKind::Timeout,
                format!("{}.{} timed out after {} ms (provider {})", self.config.interface, invocation.method, timeout.as_millis(), conn.peer()),
            ),
            other => Error::from(other),
        })?;
        // Java's RpcStatus counts a call that returned (even an exception) as a success.
        stats.succeeded();
        let attachments = result.attachments.unwrap_or_default();
        match result.outcome {
            Outcome::Value(value) => Ok(Reply { value, attachments }),
            Outcome::Null => Ok(Reply { value: Value::Null, attachments }),
            Outcome::Exception(e) => Err(Error::remote_exception(e)),
        }
    }

    /// The provider's connection, made before `deadline` if needed; a readonly one
    /// (the provider is stopping) is a network error, so failover moves on.
    async fn connect(&self, provider: &Provider, deadline: Instant) -> Result<Connection, Error> {
        let conn = provider.endpoint.connection(deadline).await.map_err(|e| match e {
            crate::transport::TransportError::Timeout(_) => {
                Error::new(ErrorKind::Timeout, format!("no connection to {} ({}) before the deadline", provider.url.address(), self.config.interface))
            }
            other => Error::from(other),
        })?;
        if !conn.is_available() {
            return Err(Error::new(ErrorKind::Network, format!("provider {} of {} is shutting down (readonly)", provider.url.address(), self.config.interface)));
        }
        Ok(conn)
    }

    /// Waits for the registry's first provider list, at most until `deadline`.
    async fn wait_ready(&self, deadline: Instant) {
        let directory = &self.binding.directory;
        if !directory.is_ready() {
            let _ = tokio::time::timeout_at(deadline, directory.wait_ready()).await;
        }
    }

    /// The load balancer configured for the call (`loadbalance`, `method.loadbalance`;
    /// default `random`), one instance per name and reference (they keep state).
    fn balancer(&self, providers: &[Arc<Provider>], pick: &Pick<'_>) -> Result<Arc<LoadBalancer>, Error> {
        let name = pick.param(providers, keys::LOADBALANCE).unwrap_or(crate::url::defaults::LOADBALANCE);
        let mut balancers = self.binding.balancers.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(b) = balancers.get(name) {
            return Ok(b.clone());
        }
        let balancer = LoadBalancer::named(name)
            .ok_or_else(|| Error::invalid(format!("unknown loadbalance {name:?} (known: {})", LoadBalancer::NAMES.join(", "))))?;
        let balancer = Arc::new(balancer);
        balancers.insert(name.to_owned(), balancer.clone());
        Ok(balancer)
    }

    /// Java's service key of what it calls (`group/interface:version`).
    fn service_key(&self) -> String {
        crate::url::service_key(&self.config.interface, self.config.version.as_deref().unwrap_or(""), self.config.group.as_deref().unwrap_or(""))
    }

    /// One provider for a oneway call (no retries: nothing says it failed).
    async fn oneway_connection(&self, invocation: &Invocation, deadline: Instant) -> Result<Connection, Error> {
        self.client.check()?;
        self.wait_ready(deadline).await;
        let (method, args) = balanced_args(invocation);
        let service_key = self.service_key();
        let pick = Pick { service_key: &service_key, method, args, consumer: &self.consumer };
        let providers = self.binding.directory.selectable();
        let balancer = self.balancer(&providers, &pick)?;
        let provider = cluster::strategy::select(&balancer, &providers, &pick, &[])
            .ok_or_else(|| Error::new(ErrorKind::NoProvider, format!("no provider available for {service_key}.{method}")))?;
        self.connect(&provider, deadline).await
    }
}

/// The method and arguments a balancer sees: a generic `$invoke(method, types, args)`
/// counts as the method it invokes (Java's `RpcUtils.getMethodName/getArguments`).
fn balanced_args(invocation: &Invocation) -> (&str, &[Value]) {
    if (invocation.method == "$invoke" || invocation.method == "$invokeAsync")
        && let [Value::String(method), _, Value::List(args)] = &invocation.args[..] {
            return (method, &args.items);
        }
    (&invocation.method, &invocation.args)
}

impl Default for Reply {
    /// The empty result of failsafe and failback: null, no attachments.
    fn default() -> Self {
        Reply { value: Value::Null, attachments: Vec::new() }
    }
}

impl CallError for Error {
    fn retryable(&self) -> bool {
        !matches!(
            self.kind,
            ErrorKind::RemoteException | ErrorKind::InvalidArgument | ErrorKind::Closed | ErrorKind::Forked | ErrorKind::Cancelled | ErrorKind::Panic
        )
    }

    fn no_provider(message: String) -> Self {
        Error::new(ErrorKind::NoProvider, message)
    }

    fn tried(mut self, attempts: usize, providers: &[String]) -> Self {
        if attempts > 1 {
            self.message = format!("tried {attempts} times on providers [{}]; the last error: {}", providers.join(", "), self.message);
        }
        self
    }
}
