//! The core's `tracing` events, for Python's `logging`: runtime threads queue
//! them (bounded, never touching Python) and a Python thread of `libdubbo`
//! takes them with `next_logs` and hands them to `logging.getLogger("libdubbo...")`.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use pyo3::prelude::*;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

/// Records kept when Python does not keep up; older ones are dropped (and counted).
const CAPACITY: usize = 1024;

struct Queue {
    records: Mutex<(VecDeque<(u8, String, String)>, u64)>,
    arrived: Condvar,
}

static QUEUE: Queue = Queue { records: Mutex::new((VecDeque::new(), 0)), arrived: Condvar::new() };

struct ToPython;

impl<S: Subscriber> Layer<S> for ToPython {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut text = Message::default();
        event.record(&mut text);
        // Python's logging levels.
        let level = match *event.metadata().level() {
            Level::ERROR => 40,
            Level::WARN => 30,
            Level::INFO => 20,
            _ => 10,
        };
        let target = event.metadata().target().replace("::", ".").replacen("libdubbo_core", "libdubbo", 1);
        let mut records = QUEUE.records.lock().unwrap_or_else(|p| p.into_inner());
        if records.0.len() >= CAPACITY {
            records.0.pop_front();
            records.1 += 1;
        }
        records.0.push_back((level, target, text.finish()));
        drop(records);
        QUEUE.arrived.notify_one();
    }
}

/// `message` first, then `key=value` for the other fields.
#[derive(Default)]
struct Message {
    message: String,
    fields: String,
}

impl Message {
    fn finish(self) -> String {
        if self.fields.is_empty() { self.message } else { format!("{}{}", self.message, self.fields) }
    }
}

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={value}", field.name());
        }
    }
}

/// Installs the forwarding subscriber (unless the process has one already);
/// `debug` also forwards debug events.
#[pyfunction]
#[pyo3(name = "_init_logging")]
pub fn init(debug: bool) {
    let level = if debug { tracing::level_filters::LevelFilter::DEBUG } else { tracing::level_filters::LevelFilter::INFO };
    let subscriber = tracing_subscriber::registry().with(ToPython.with_filter(level));
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// The records queued so far as `(level, logger name, message)`, waiting up to
/// `timeout` seconds without the GIL for the first; a line counts dropped ones.
#[pyfunction]
#[pyo3(name = "_next_logs")]
pub fn next_logs(py: Python<'_>, timeout: f64) -> Vec<(u8, String, String)> {
    let wait = Duration::from_secs_f64(timeout.clamp(0.0, 60.0));
    py.detach(|| {
        let mut records = QUEUE.records.lock().unwrap_or_else(|p| p.into_inner());
        if records.0.is_empty() {
            records = QUEUE.arrived.wait_timeout(records, wait).unwrap_or_else(|p| p.into_inner()).0;
        }
        let mut out: Vec<_> = records.0.drain(..).collect();
        if records.1 > 0 {
            out.push((30, "libdubbo".to_owned(), format!("{} log records were dropped (Python did not keep up)", records.1)));
            records.1 = 0;
        }
        out
    })
}
