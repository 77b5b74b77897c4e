//! Resolving [`Value::Ref`]: the n-th list, map or object of a message.

use super::Value;

/// The containers of a message in ref order, so that `Ref(n)` can be looked up.
///
/// Built by walking the message's values in pre-order, the order in which both
/// Java's Hessian2 writer and our encoder number them.
#[derive(Debug, Default)]
pub struct RefTable<'a> {
    containers: Vec<&'a Value>,
}

impl<'a> RefTable<'a> {
    /// Numbers the containers of the given top-level values (one message).
    pub fn build(message: impl IntoIterator<Item = &'a Value>) -> Self {
        let mut containers = Vec::new();
        // An explicit stack: user-built values may be deeper than the call stack allows.
        let mut stack: Vec<&'a Value> = Vec::new();
        for top in message {
            stack.push(top);
            while let Some(v) = stack.pop() {
                match v {
                    Value::List(l) => {
                        containers.push(v);
                        stack.extend(l.items.iter().rev());
                    }
                    Value::Map(m) => {
                        containers.push(v);
                        stack.extend(m.entries.iter().rev().flat_map(|(k, v)| [v, k]));
                    }
                    Value::Object(o) => {
                        containers.push(v);
                        stack.extend(o.values().iter().rev());
                    }
                    _ => {}
                }
            }
        }
        RefTable { containers }
    }

    /// The container `Ref(index)` points at.
    pub fn get(&self, index: u32) -> Option<&'a Value> {
        self.containers.get(index as usize).copied()
    }

    /// The ref index of a container of this message (by identity).
    pub fn index_of(&self, value: &Value) -> Option<u32> {
        self.containers.iter().position(|c| std::ptr::eq(*c, value)).map(|i| i as u32)
    }

    /// How many containers the message holds.
    pub fn len(&self) -> usize {
        self.containers.len()
    }

    /// True when the message holds no container.
    pub fn is_empty(&self) -> bool {
        self.containers.is_empty()
    }
}
