//! Comparing values as Java would: fields by name, map entries as a set, and
//! refs by what they point at.

use super::{RefTable, Value};

/// True when two values mean the same Java data: objects are compared field by
/// field by name (Java's field order depends on the JVM), maps by content
/// (Java's `HashMap` order is not ours to keep), doubles by bits (so NaN matches
/// itself), and a [`Value::Ref`] by the container it points at, so the same
/// object graph written in another order compares equal.
pub fn equivalent(a: &Value, b: &Value) -> bool {
    equivalent_messages(std::slice::from_ref(a), std::slice::from_ref(b))
}

/// [`equivalent`] for the values of two whole messages (refs span a message).
pub fn equivalent_messages(a: &[Value], b: &[Value]) -> bool {
    let mut graphs = Graphs { a: RefTable::build(a), b: RefTable::build(b), assumed: Vec::new() };
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| graphs.same(x, y))
}

/// Two message graphs under comparison. Pairs of containers being compared are
/// assumed equal while their contents are (so cycles end), and the assumption
/// is dropped again if the comparison fails.
struct Graphs<'a> {
    a: RefTable<'a>,
    b: RefTable<'a>,
    assumed: Vec<(*const Value, *const Value)>,
}

impl<'a> Graphs<'a> {
    fn same(&mut self, x: &'a Value, y: &'a Value) -> bool {
        let x = match x {
            Value::Ref(n) => self.a.get(*n).unwrap_or(x),
            _ => x,
        };
        let y = match y {
            Value::Ref(n) => self.b.get(*n).unwrap_or(y),
            _ => y,
        };
        let pair = (x as *const Value, y as *const Value);
        if self.assumed.contains(&pair) {
            return true;
        }
        let mark = self.assumed.len();
        self.assumed.push(pair);
        let same = self.contents(x, y);
        if !same {
            self.assumed.truncate(mark);
        }
        same
    }

    fn contents(&mut self, x: &'a Value, y: &'a Value) -> bool {
        match (x, y) {
            (Value::Double(p), Value::Double(q)) => p.to_bits() == q.to_bits() || p == q,
            (Value::List(p), Value::List(q)) => {
                p.type_name == q.type_name
                    && p.items.len() == q.items.len()
                    && p.items.iter().zip(&q.items).all(|(v, w)| self.same(v, w))
            }
            (Value::Map(p), Value::Map(q)) => {
                p.type_name == q.type_name
                    && p.entries.len() == q.entries.len()
                    && p.entries.iter().all(|(k, v)| {
                        q.entries.iter().any(|(k2, v2)| {
                            let mark = self.assumed.len();
                            let hit = self.same(k, k2) && self.same(v, v2);
                            if !hit {
                                self.assumed.truncate(mark);
                            }
                            hit
                        })
                    })
            }
            (Value::Object(p), Value::Object(q)) => {
                if p.class() != q.class() || p.values().len() != q.values().len() {
                    return false;
                }
                if p.def().fields == q.def().fields {
                    return p.values().iter().zip(q.values()).all(|(v, w)| self.same(v, w));
                }
                p.fields().all(|(name, v)| q.get(name).is_some_and(|w| self.same(v, w)))
            }
            _ => x == y,
        }
    }
}
