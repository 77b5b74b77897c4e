//! Python objects ⇄ `Value`, following DESIGN.md's type mapping. Shared and
//! cyclic structure crosses as Hessian refs both ways: the same Python list, dict
//! or object reached twice becomes a `Value::Ref`, and a `Value::Ref` comes back
//! as the very Python object made for its target.

mod from_value;
mod to_value;

pub use from_value::FromValue;
pub use to_value::ToValue;

use libdubbo_core::Value;

/// How deep a value may nest before it is refused (Python's own limit is about 1000).
pub const MAX_DEPTH: usize = 512;

/// How many lists, maps and objects `value` holds, itself included: what it
/// takes of a message's ref numbering (the same pre-order walk as `RefTable`).
pub fn containers_in(value: &Value) -> u32 {
    let mut count = 0;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::List(l) => {
                count += 1;
                stack.extend(l.items.iter());
            }
            Value::Map(m) => {
                count += 1;
                stack.extend(m.entries.iter().flat_map(|(k, v)| [k, v]));
            }
            Value::Object(o) => {
                count += 1;
                stack.extend(o.values().iter());
            }
            _ => {}
        }
    }
    count
}
