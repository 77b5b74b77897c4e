//! What a provider serves: a service (interface, version, group, methods) and
//! its handler — a Rust closure, or a queue that a front drains on its own
//! threads so that host-language code never runs on a runtime thread (DESIGN
//! rule 4).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use tokio::sync::{oneshot, Notify};

use super::{Error, ErrorKind};
use crate::protocol::{Invocation, Outcome, RpcResult, Status, GENERIC_KEY};
use crate::transport::{BoxFuture, Exported, Handler, Rejection, ServiceKey};
use crate::value::{class, JavaType, Value};

/// A call as a handler sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The interface called.
    pub interface: String,
    /// The method name.
    pub method: String,
    /// The parameter types from the request's descriptor.
    pub parameter_types: Vec<JavaType>,
    /// The arguments.
    pub args: Vec<Value>,
    /// The request's attachments (Java's server attachments).
    pub attachments: Vec<(String, Value)>,
    /// True for a generic (`$invoke`) call, already unwrapped; its result is generalized.
    pub generic: bool,
}

impl Request {
    /// An attachment's value.
    pub fn attachment(&self, key: &str) -> Option<&Value> {
        self.attachments.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// A handler's answer: the value returned and response attachments.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The returned value (`Null` for null or void).
    pub value: Value,
    /// Response attachments (Java's `RpcContext.getServerResponseContext()`).
    pub attachments: Vec<(String, Value)>,
}

impl From<Value> for Response {
    fn from(value: Value) -> Self {
        Response { value, attachments: Vec::new() }
    }
}

/// How a handler fails.
#[derive(Debug, Clone, PartialEq)]
pub enum ServiceError {
    /// Throw this Java exception (an object with Throwable's fields, e.g. made by
    /// [`Value::throwable`]): a declared business exception Java catches by type.
    Exception(Value),
    /// Any other failure: reaches Java as a `java.lang.RuntimeException` with this message.
    Failed(String),
}

impl ServiceError {
    fn into_exception(self) -> Value {
        match self {
            ServiceError::Exception(e) => e,
            ServiceError::Failed(message) => Value::throwable(class::RUNTIME_EXCEPTION, Some(&message), None),
        }
    }
}

/// What a handler returns.
pub type Answer = Result<Response, ServiceError>;

/// A handler written as a Rust closure.
pub type HandlerFn = Arc<dyn Fn(Request) -> BoxFuture<Answer> + Send + Sync>;

/// A service to export.
pub struct Service {
    key: ServiceKey,
    methods: Option<Vec<(String, String)>>,
    parameters: Vec<(String, String)>,
    handler: Handler,
}

/// Builds a [`Service`].
#[derive(Debug, Clone)]
pub struct ServiceBuilder {
    interface: String,
    version: String,
    group: String,
    methods: Option<Vec<(String, String)>>,
    parameters: Vec<(String, String)>,
}

impl Service {
    /// A service of `interface`; say its methods, then how it is handled.
    pub fn builder(interface: impl Into<String>) -> ServiceBuilder {
        ServiceBuilder { interface: interface.into(), version: String::new(), group: String::new(), methods: None, parameters: Vec::new() }
    }

    /// Its key (interface, version, group).
    pub fn key(&self) -> &ServiceKey {
        &self.key
    }

    /// The names of its declared methods, sorted, once each (empty: any method).
    pub fn method_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.methods.iter().flatten().map(|(n, _)| n.clone()).collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The parameters it registers besides the standard ones (`weight`, `warmup`, ...).
    pub fn parameters(&self) -> &[(String, String)] {
        &self.parameters
    }

    pub(super) fn into_exported(self) -> Exported {
        Exported { key: self.key, methods: self.methods, handler: self.handler }
    }
}

impl ServiceBuilder {
    /// `version`.
    pub fn version(mut self, version: &str) -> Self {
        self.version = version.to_owned();
        self
    }

    /// `group`.
    pub fn group(mut self, group: &str) -> Self {
        self.group = group.to_owned();
        self
    }

    /// A parameter registered with the service URL, by Java's name
    /// (`weight`, `warmup`, `timeout`, `loadbalance`, `sayHello.timeout`, ...).
    pub fn parameter(mut self, key: &str, value: &str) -> Self {
        self.parameters.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Declares a method by its Java parameter type names (`"int"`, `"java.lang.String"`).
    /// A service with declared methods answers others as Java does (status 40); one
    /// with none serves any method.
    pub fn method(mut self, name: &str, parameter_types: &[&str]) -> Result<Self, Error> {
        let types = super::reference::java_types(parameter_types)?;
        let descriptor = types.iter().map(JavaType::descriptor).collect();
        self.methods.get_or_insert_with(Vec::new).push((name.to_owned(), descriptor));
        Ok(self)
    }

    /// Handled by a closure, run on the runtime.
    pub fn handler<F, Fut>(self, f: F) -> Service
    where
        F: Fn(Request) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Answer> + Send + 'static,
    {
        let f: HandlerFn = Arc::new(move |req| Box::pin(f(req)));
        let interface = self.interface.clone();
        let handler: Handler = Arc::new(move |inv: Invocation| {
            let (f, interface) = (f.clone(), interface.clone());
            Box::pin(async move { Ok(to_result(f(request_of(interface, inv)).await)) })
        });
        self.build(handler)
    }

    /// Handled by whoever drains the returned queue; at most `capacity` calls wait
    /// in it, and calls beyond are refused with status 100, as a Java provider
    /// whose thread pool is exhausted does.
    pub fn queue(self, capacity: usize) -> (Service, CallQueue) {
        let shared = Arc::new(QueueShared { capacity: capacity.max(1), ..QueueShared::default() });
        let producer = Arc::new(Producer(shared.clone()));
        let interface = self.interface.clone();
        let handler: Handler = Arc::new(move |inv: Invocation| {
            let (producer, interface) = (producer.clone(), interface.clone());
            Box::pin(async move {
                let (reply, answer) = oneshot::channel();
                if let Err(why) = producer.0.push(Call { request: request_of(interface, inv), reply }) {
                    let message = format!("Server side thread pool is exhausted, detail msg:{why}");
                    return Err(Rejection { status: Status::ServerThreadpoolExhausted, message });
                }
                let answer = answer.await.unwrap_or_else(|_| Err(ServiceError::Failed("the handler dropped the call without answering".into())));
                Ok(to_result(answer))
            })
        });
        (self.build(handler), CallQueue { shared })
    }

    fn build(self, handler: Handler) -> Service {
        Service { key: ServiceKey::new(self.interface, &self.version, &self.group), methods: self.methods, parameters: self.parameters, handler }
    }
}

fn request_of(interface: String, inv: Invocation) -> Request {
    let generic = inv.attachments.iter().any(|(k, v)| k == GENERIC_KEY && v.as_str().is_some_and(|g| g != "false"));
    Request {
        interface,
        parameter_types: JavaType::parse_descriptors(&inv.descriptor).unwrap_or_default(),
        method: inv.method,
        args: inv.args,
        attachments: inv.attachments,
        generic,
    }
}

fn to_result(answer: Answer) -> RpcResult {
    match answer {
        Ok(Response { value: Value::Null, attachments }) => RpcResult { outcome: Outcome::Null, attachments: Some(attachments) },
        Ok(Response { value, attachments }) => RpcResult { outcome: Outcome::Value(value), attachments: Some(attachments) },
        Err(e) => RpcResult { outcome: Outcome::Exception(e.into_exception()), attachments: Some(Vec::new()) },
    }
}

/// One call waiting in a [`CallQueue`]: answer it exactly once with [`Call::reply`];
/// dropping it unanswered answers with a RuntimeException.
#[derive(Debug)]
pub struct Call {
    /// The call.
    pub request: Request,
    reply: oneshot::Sender<Answer>,
}

impl Call {
    /// Sends the answer. False if the consumer's side is gone (server closed).
    pub fn reply(self, answer: Answer) -> bool {
        self.reply.send(answer).is_ok()
    }
}

/// The calls of a queue-handled service, for a front to drain from async code
/// ([`CallQueue::next`]) or from its own threads ([`CallQueue::next_blocking`]).
#[derive(Debug)]
pub struct CallQueue {
    shared: Arc<QueueShared>,
}

#[derive(Debug, Default)]
struct QueueShared {
    calls: Mutex<VecDeque<Call>>,
    capacity: usize,
    /// Wakes blocked threads.
    arrived: Condvar,
    /// Wakes async waiters.
    notify: Notify,
    /// Set when the service's handler is gone (unexported, server closed).
    closed: AtomicBool,
}

impl QueueShared {
    fn push(&self, call: Call) -> Result<(), &'static str> {
        if self.closed.load(Ordering::Acquire) {
            return Err("the handler queue is closed");
        }
        let mut calls = self.calls.lock().unwrap_or_else(|p| p.into_inner());
        if calls.len() >= self.capacity {
            return Err("the handler queue is full");
        }
        calls.push_back(call);
        drop(calls);
        self.arrived.notify_one();
        self.notify.notify_one();
        Ok(())
    }

    fn pop(&self) -> Option<Call> {
        self.calls.lock().unwrap_or_else(|p| p.into_inner()).pop_front()
    }
}

/// Held by the service's handler: when the handler goes, the queue closes.
struct Producer(Arc<QueueShared>);

impl Drop for Producer {
    fn drop(&mut self) {
        self.0.closed.store(true, Ordering::Release);
        self.0.arrived.notify_all();
        self.0.notify.notify_waiters();
    }
}

/// Whoever drained the queue is gone: waiting calls are answered now (a dropped
/// [`Call`] answers with a RuntimeException) and new ones are refused.
impl Drop for CallQueue {
    fn drop(&mut self) {
        self.shared.closed.store(true, Ordering::Release);
        let waiting = std::mem::take(&mut *self.shared.calls.lock().unwrap_or_else(|p| p.into_inner()));
        drop(waiting);
    }
}

impl CallQueue {
    /// The next call; `None` once the service is no longer served and the queue is empty.
    pub async fn next(&self) -> Option<Call> {
        loop {
            let notified = self.shared.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(call) = self.shared.pop() {
                return Some(call);
            }
            if self.shared.closed.load(Ordering::Acquire) {
                return None;
            }
            notified.await;
        }
    }

    /// The next call, waiting at most `timeout` (`Ok(None)` when none came); an
    /// error of kind [`ErrorKind::Closed`] once the service is no longer served.
    /// For threads that are not async (it blocks the thread).
    pub fn next_blocking(&self, timeout: Duration) -> Result<Option<Call>, Error> {
        let deadline = std::time::Instant::now() + timeout;
        let mut calls = self.shared.calls.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(call) = calls.pop_front() {
                return Ok(Some(call));
            }
            if self.shared.closed.load(Ordering::Acquire) {
                return Err(Error::new(ErrorKind::Closed, "the service is no longer served"));
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            calls = self.shared.arrived.wait_timeout(calls, left).unwrap_or_else(|p| p.into_inner()).0;
        }
    }

    /// Calls waiting now.
    pub fn len(&self) -> usize {
        self.shared.calls.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// True when no call waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
