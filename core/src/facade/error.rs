//! The one closed set of error kinds every front maps (DESIGN "Errors"), with
//! what a Java exception from the provider carries.

use std::fmt;

use crate::protocol::{ProtocolError, Status};
use crate::transport::TransportError;
use crate::value::{StackFrame, Value};

/// What kind of failure an [`Error`] is; the same names in every language.
///
/// A closed set on purpose (not `#[non_exhaustive]`): each front maps it with an
/// exhaustive `match`, so a new kind fails their builds instead of slipping
/// through a wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The call's deadline passed.
    Timeout,
    /// No provider to call (none configured, or none available).
    NoProvider,
    /// Connecting, reading or writing failed, or the connection ended mid-call.
    Network,
    /// Too many calls in flight on the connection: back off and retry.
    Overloaded,
    /// A request or response could not be encoded or decoded.
    Codec,
    /// The provider's method threw: [`Error::exception`] has the Java exception.
    RemoteException,
    /// The provider answered with an error status: [`Error::status`] says which.
    RemoteServer,
    /// The caller passed something unusable (bad URL, arguments that do not fit).
    InvalidArgument,
    /// The call was cancelled before it completed.
    Cancelled,
    /// The client, server or runtime was closed.
    Closed,
    /// Used in a child process after `fork()`, from the parent's state.
    Forked,
    /// A bug: something panicked inside libdubbo (or inside a handler).
    Panic,
}

impl ErrorKind {
    /// A stable lower-case name (`"timeout"`, `"remote_exception"`), for fronts and logs.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Timeout => "timeout",
            ErrorKind::NoProvider => "no_provider",
            ErrorKind::Network => "network",
            ErrorKind::Overloaded => "overloaded",
            ErrorKind::Codec => "codec",
            ErrorKind::RemoteException => "remote_exception",
            ErrorKind::RemoteServer => "remote_server",
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::Closed => "closed",
            ErrorKind::Forked => "forked",
            ErrorKind::Panic => "panic",
        }
    }
}

/// A Java exception thrown by a provider.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteException {
    /// Its Java class (`org.example.GreeterException`).
    pub class: String,
    /// `getMessage()`.
    pub message: Option<String>,
    /// Its stack trace, as the provider sent it.
    pub stack_trace: Vec<StackFrame>,
    /// Its cause, when it has one.
    pub cause: Option<Box<RemoteException>>,
    /// The whole exception object, for subclass fields (`code`).
    pub value: Value,
}

impl RemoteException {
    /// Reads a Throwable value; `None` if it is not one.
    pub fn from_value(value: Value) -> Option<RemoteException> {
        // The exception is the response's first container: ref 0 is itself.
        Self::read(&value, Some(0), 0).map(|mut e| {
            e.value = value;
            e
        })
    }

    fn read(value: &Value, own_ref: Option<u32>, depth: usize) -> Option<RemoteException> {
        let t = value.as_throwable(own_ref)?;
        // Causes are plain nested objects here; refs (other than to itself) are not followed.
        let cause = t.cause.filter(|_| depth < 16).and_then(|c| Self::read(c, None, depth + 1)).map(Box::new);
        Some(RemoteException {
            class: t.class().to_owned(),
            message: t.message.map(str::to_owned),
            stack_trace: t.stack_trace,
            cause,
            value: Value::Null,
        })
    }

    /// A field of the exception object (`code` of a business exception).
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.value.field(name)
    }
}

/// Why a facade call failed: a kind, a message, and what the provider sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// The kind.
    pub kind: ErrorKind,
    /// A message for people.
    pub message: String,
    /// The status of a [`ErrorKind::RemoteServer`] answer.
    pub status: Option<Status>,
    /// The Java exception of a [`ErrorKind::RemoteException`].
    pub exception: Option<Box<RemoteException>>,
}

impl Error {
    /// An error of `kind`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into(), status: None, exception: None }
    }

    /// An invalid-argument error.
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidArgument, message)
    }

    /// The error for a Java exception a provider threw.
    pub fn remote_exception(value: Value) -> Self {
        match RemoteException::from_value(value.clone()) {
            Some(e) => {
                let message = match &e.message {
                    Some(m) => format!("{}: {m}", e.class),
                    None => e.class.clone(),
                };
                Error { kind: ErrorKind::RemoteException, message, status: None, exception: Some(Box::new(e)) }
            }
            None => Error::new(ErrorKind::Codec, format!("the provider threw something that is not a Throwable: {value:?}")),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.message)
    }
}

impl std::error::Error for Error {}

impl From<TransportError> for Error {
    fn from(e: TransportError) -> Self {
        let message = e.to_string();
        match e {
            TransportError::Timeout(_) => Error::new(ErrorKind::Timeout, message),
            TransportError::Closed(_) | TransportError::Io(_) => Error::new(ErrorKind::Network, message),
            TransportError::Overloaded(_) => Error::new(ErrorKind::Overloaded, message),
            TransportError::Protocol(e) => e.into(),
            TransportError::Remote { status, .. } => Error { status: Some(status), ..Error::new(ErrorKind::RemoteServer, message) },
        }
    }
}

impl From<ProtocolError> for Error {
    fn from(e: ProtocolError) -> Self {
        Error::new(ErrorKind::Codec, e.to_string())
    }
}

impl From<crate::registry::RegistryError> for Error {
    fn from(e: crate::registry::RegistryError) -> Self {
        use crate::registry::RegistryError as R;
        let kind = match &e {
            R::Unavailable(_) => ErrorKind::Network,
            R::Invalid(_) => ErrorKind::InvalidArgument,
            R::Closed => ErrorKind::Closed,
        };
        Error::new(kind, e.to_string())
    }
}
