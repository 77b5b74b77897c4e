//! The bytes between the TypeScript layer and Rust: `Value`s in a small tagged
//! form that `ts/wire.ts` writes and reads. Converting in JavaScript and crossing
//! once as a Buffer keeps Rust from walking (or building) JS object graphs value
//! by value (bindings rule 13). Shared and cyclic structure crosses as
//! [`Value::Ref`]: the TypeScript side numbers lists, maps and objects in the
//! same pre-order as a Hessian message, by object identity.
//!
//! Every number is little-endian; a string is a `u32` byte length and UTF-8.
//!
//! | tag | value | body |
//! |---|---|---|
//! | 0 / 1 / 2 | null / true / false | |
//! | 3 | int | `i32` |
//! | 4 | long | `i64` |
//! | 5 | double | `f64` |
//! | 6 | string | string |
//! | 7 | string with lone surrogates | `u32` count, `u16` units |
//! | 8 | bytes | `u32` length, bytes |
//! | 9 | date | `f64` milliseconds |
//! | 10 | list | type (string, empty: none), `u32` count, items |
//! | 11 | map | type, `u32` count, `u8` 1 if every key is a string, keys and values |
//! | 12 | object | class, `u32` count, (field name, value) pairs |
//! | 13 | ref | `u32` index |
//! | 14 | boxed float | `f32` (written as Java writes a `Float`) |
//! | 15 | BigDecimal | its decimal string (one object of the message) |

use libdubbo_core::Value;

const NULL: u8 = 0;
const TRUE: u8 = 1;
const FALSE: u8 = 2;
const INT: u8 = 3;
const LONG: u8 = 4;
const DOUBLE: u8 = 5;
const STRING: u8 = 6;
const UTF16: u8 = 7;
const BYTES: u8 = 8;
const DATE: u8 = 9;
const LIST: u8 = 10;
const MAP: u8 = 11;
const OBJECT: u8 = 12;
const REF: u8 = 13;
const FLOAT: u8 = 14;
const DECIMAL: u8 = 15;

/// How deep a value may nest (V8's own stack allows far more, but Java's does not).
pub const MAX_DEPTH: usize = 512;

/// Writes values, attachments and answers for the TypeScript side.
#[derive(Default)]
pub struct Writer {
    pub out: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.out.push(v);
    }

    pub fn u32(&mut self, v: u32) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }

    pub fn i32(&mut self, v: i32) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }

    pub fn str(&mut self, s: &str) {
        self.len(s.len());
        self.out.extend_from_slice(s.as_bytes());
    }

    pub fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }

    fn len(&mut self, n: usize) {
        // Payloads are bounded far below 4 GiB (the core's `payload` limit).
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }

    /// One value (iteratively deep values are refused by the core's decoder long
    /// before this recursion could matter; it is bounded anyway).
    pub fn value(&mut self, v: &Value) {
        self.value_at(v, 0);
    }

    fn value_at(&mut self, v: &Value, depth: usize) {
        if depth > MAX_DEPTH {
            self.u8(NULL);
            return;
        }
        match v {
            Value::Null => self.u8(NULL),
            Value::Bool(true) => self.u8(TRUE),
            Value::Bool(false) => self.u8(FALSE),
            Value::Int(i) => {
                self.u8(INT);
                self.i32(*i);
            }
            Value::Long(l) => {
                self.u8(LONG);
                self.out.extend_from_slice(&l.to_le_bytes());
            }
            Value::Double(d) => {
                self.u8(DOUBLE);
                self.out.extend_from_slice(&d.to_le_bytes());
            }
            Value::String(s) => {
                self.u8(STRING);
                self.str(s);
            }
            Value::Utf16(units) => {
                self.u8(UTF16);
                self.len(units.len());
                for u in units {
                    self.out.extend_from_slice(&u.to_le_bytes());
                }
            }
            Value::Bytes(b) => {
                self.u8(BYTES);
                self.len(b.len());
                self.out.extend_from_slice(b);
            }
            Value::Date(ms) => {
                self.u8(DATE);
                self.out.extend_from_slice(&(*ms as f64).to_le_bytes());
            }
            Value::List(l) => {
                self.u8(LIST);
                self.str(l.type_name.as_deref().unwrap_or(""));
                self.len(l.items.len());
                for item in &l.items {
                    self.value_at(item, depth + 1);
                }
            }
            Value::Map(m) => {
                self.u8(MAP);
                self.str(m.type_name.as_deref().unwrap_or(""));
                self.len(m.entries.len());
                self.u8(u8::from(m.entries.iter().all(|(k, _)| matches!(k, Value::String(_)))));
                for (k, v) in &m.entries {
                    self.value_at(k, depth + 1);
                    self.value_at(v, depth + 1);
                }
            }
            Value::Object(_) if v.as_big_decimal().is_some() => {
                self.u8(DECIMAL);
                self.str(v.as_big_decimal().unwrap_or_default());
            }
            Value::Object(o) => {
                self.u8(OBJECT);
                self.str(o.class());
                self.len(o.values().len());
                for (name, field) in o.fields() {
                    self.str(name);
                    self.value_at(field, depth + 1);
                }
            }
            Value::Ref(n) => {
                self.u8(REF);
                self.u32(*n);
            }
        }
    }

    /// `(key, value)` pairs: a count, then each key and value (each value its own message).
    pub fn attachments(&mut self, attachments: &[(String, Value)]) {
        self.len(attachments.len());
        for (k, v) in attachments {
            self.str(k);
            self.value(v);
        }
    }
}

/// Why bytes from the TypeScript side could not be read (a bug there, or a
/// value this side refuses).
pub type ReadError = String;

/// Reads what `ts/wire.ts` wrote.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ReadError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len()).ok_or("truncated value bytes")?;
        let out = &self.buf[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], ReadError> {
        let mut a = [0; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    pub fn u8(&mut self) -> Result<u8, ReadError> {
        Ok(self.take(1)?[0])
    }

    pub fn u32(&mut self) -> Result<u32, ReadError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    /// A count, bounded by the bytes left (each element takes at least one byte).
    pub fn count(&mut self) -> Result<usize, ReadError> {
        let n = self.u32()? as usize;
        if n > self.buf.len() - self.pos {
            return Err("a count larger than the value bytes".into());
        }
        Ok(n)
    }

    pub fn str(&mut self) -> Result<String, ReadError> {
        let n = self.u32()? as usize;
        let bytes = self.take(n)?;
        std::str::from_utf8(bytes).map(str::to_owned).map_err(|_| "a string that is not UTF-8".into())
    }

    pub fn opt_str(&mut self) -> Result<Option<String>, ReadError> {
        Ok(if self.u8()? == 0 { None } else { Some(self.str()?) })
    }

    pub fn value(&mut self) -> Result<Value, ReadError> {
        self.value_at(0)
    }

    fn value_at(&mut self, depth: usize) -> Result<Value, ReadError> {
        if depth > MAX_DEPTH {
            return Err(format!("the value nests deeper than {MAX_DEPTH} levels"));
        }
        Ok(match self.u8()? {
            NULL => Value::Null,
            TRUE => Value::Bool(true),
            FALSE => Value::Bool(false),
            INT => Value::Int(i32::from_le_bytes(self.array()?)),
            LONG => Value::Long(i64::from_le_bytes(self.array()?)),
            DOUBLE => Value::Double(f64::from_le_bytes(self.array()?)),
            STRING => Value::String(self.str()?),
            UTF16 => {
                let n = self.count()?;
                let bytes = self.take(n.checked_mul(2).ok_or("a string too long")?)?;
                Value::Utf16(bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect())
            }
            BYTES => {
                let n = self.u32()? as usize;
                Value::Bytes(self.take(n)?.to_vec())
            }
            DATE => {
                let ms = f64::from_le_bytes(self.array()?);
                if !ms.is_finite() {
                    return Err("an invalid Date".into());
                }
                Value::Date(ms as i64)
            }
            LIST => {
                let type_name = self.str()?;
                let n = self.count()?;
                let items = (0..n).map(|_| self.value_at(depth + 1)).collect::<Result<Vec<_>, _>>()?;
                if type_name.is_empty() { Value::list(items) } else { Value::typed_list(&type_name, items) }
            }
            MAP => {
                let type_name = self.str()?;
                let n = self.count()?;
                let _string_keys = self.u8()?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    let k = self.value_at(depth + 1)?;
                    entries.push((k, self.value_at(depth + 1)?));
                }
                if type_name.is_empty() { Value::map(entries) } else { Value::typed_map(&type_name, entries) }
            }
            OBJECT => {
                let class = self.str()?;
                if class.is_empty() {
                    return Err("a Java object needs a class name".into());
                }
                let n = self.count()?;
                let mut fields = Vec::with_capacity(n);
                for _ in 0..n {
                    let name = self.str()?;
                    fields.push((name, self.value_at(depth + 1)?));
                }
                Value::object(class, fields)
            }
            REF => Value::Ref(self.u32()?),
            FLOAT => Value::float(f32::from_le_bytes(self.array()?)),
            DECIMAL => Value::big_decimal(self.str()?),
            tag => return Err(format!("unknown value tag {tag}")),
        })
    }

    /// `(key, value)` pairs, as [`Writer::attachments`] writes them.
    pub fn attachments(&mut self) -> Result<Vec<(String, Value)>, ReadError> {
        let n = self.count()?;
        (0..n).map(|_| Ok((self.str()?, self.value()?))).collect()
    }

    /// Values of one message (a call's arguments).
    pub fn values(&mut self) -> Result<Vec<Value>, ReadError> {
        let n = self.count()?;
        (0..n).map(|_| self.value()).collect()
    }

    /// Fails unless every byte was read.
    pub fn finish(&self) -> Result<(), ReadError> {
        if self.pos == self.buf.len() { Ok(()) } else { Err("trailing value bytes".into()) }
    }
}
