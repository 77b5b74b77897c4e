//! The Hessian2 reader: every form hessian-lite's `Hessian2Input` accepts, with
//! typed errors instead of panics, and no allocation the input cannot justify.

use std::sync::Arc;

use super::codes::*;
use super::class_cache::{ClassCache, MAX_DEF_BYTES};
use super::string::Utf16Sink;
use super::{DecodeError, DecodeErrorKind as Kind, Limits};
use crate::value::{ClassDef, List, Map, Object, Value};

/// Reads the values of one message from one Hessian2 stream. Class definitions,
/// the type table and the ref numbering span every value read from it.
#[derive(Debug)]
pub struct Decoder<'a> {
    input: &'a [u8],
    pos: usize,
    classes: Vec<Arc<ClassDef>>,
    types: Vec<Arc<str>>,
    refs: u32,
    depth: usize,
    limits: Limits,
    legacy_draft: bool,
    cache: Option<&'a ClassCache>,
}

type Result<T> = std::result::Result<T, DecodeError>;

impl<'a> Decoder<'a> {
    /// A reader over `input` with the default limits.
    pub fn new(input: &'a [u8]) -> Self {
        Self::with_limits(input, Limits::default())
    }

    /// A reader over `input` with the given limits.
    pub fn with_limits(input: &'a [u8], limits: Limits) -> Self {
        Decoder { input, pos: 0, classes: Vec::new(), types: Vec::new(), refs: 0, depth: 0, limits, legacy_draft: false, cache: None }
    }

    /// Looks class definitions up in `cache` (and adds new ones) instead of
    /// parsing each again: see [`ClassCache`].
    pub fn class_cache(mut self, cache: &'a ClassCache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Also reads the pre-1.0 Hessian 2 draft forms some old Caucho writers used:
    /// `O len chars count names` definitions, `o n` instances, `J b` / `K b b`
    /// refs and `s` string chunks. Off by default: hessian-lite reads none of
    /// them, and they reuse codes that mean other things in Hessian 2.0.
    pub fn legacy_draft(mut self, on: bool) -> Self {
        self.legacy_draft = on;
        self
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// True when every byte has been read.
    pub fn is_at_end(&self) -> bool {
        self.pos >= self.input.len()
    }

    /// Fails with `TrailingBytes` unless every byte has been read.
    pub fn finish(&self) -> Result<()> {
        match self.input.len() - self.pos {
            0 => Ok(()),
            n => Err(self.error(Kind::TrailingBytes(n))),
        }
    }

    fn error(&self, kind: Kind) -> DecodeError {
        DecodeError { kind, offset: self.pos }
    }

    fn remaining(&self) -> usize {
        self.input.len() - self.pos
    }

    #[inline]
    fn byte(&mut self) -> Result<u8> {
        let b = *self.input.get(self.pos).ok_or_else(|| self.error(Kind::UnexpectedEnd))?;
        self.pos += 1;
        Ok(b)
    }

    #[inline]
    fn peek(&self) -> Result<u8> {
        self.input.get(self.pos).copied().ok_or_else(|| self.error(Kind::UnexpectedEnd))
    }

    #[inline]
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.remaining() {
            return Err(self.error(Kind::UnexpectedEnd));
        }
        let s = &self.input[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    #[inline]
    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let s = self.take(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    #[inline]
    fn u16(&mut self) -> Result<usize> {
        Ok(u16::from_be_bytes(self.array()?) as usize)
    }

    /// Reads the next value.
    pub fn read(&mut self) -> Result<Value> {
        // Class definitions precede the value that uses them: a loop, not recursion,
        // so a long run of them cannot exhaust the stack.
        loop {
            let code = self.byte()?;
            match code {
                CLASS_DEF => self.class_def()?,
                b'O' if self.legacy_draft => self.legacy_class_def()?,
                _ => return self.value(code),
            }
        }
    }

    fn value(&mut self, code: u8) -> Result<Value> {
        if self.legacy_draft
            && let Some(v) = self.legacy_value(code)?
        {
            return Ok(v);
        }
        Ok(match code {
            NULL => Value::Null,
            TRUE => Value::Bool(true),
            FALSE => Value::Bool(false),
            0x80..=0xd7 | INT => Value::Int(self.int_body(code)?),
            0xd8..=0xff | 0x38..=0x3f | LONG_INT | LONG => Value::Long(self.long_body(code)?),
            DOUBLE_ZERO => Value::Double(0.0),
            DOUBLE_ONE => Value::Double(1.0),
            DOUBLE_BYTE => Value::Double(f64::from(self.byte()? as i8)),
            DOUBLE_SHORT => Value::Double(f64::from(i16::from_be_bytes(self.array()?))),
            DOUBLE_MILL => Value::Double(0.001 * f64::from(i32::from_be_bytes(self.array()?))),
            DOUBLE => Value::Double(f64::from_bits(u64::from_be_bytes(self.array()?))),
            DATE => Value::Date(i64::from_be_bytes(self.array()?)),
            DATE_MINUTE => Value::Date(i64::from(i32::from_be_bytes(self.array()?)) * 60_000),
            0x00..=0x1f | 0x30..=0x33 | STRING | STRING_CHUNK => self.string_body(code)?,
            0x20..=0x2f | 0x34..=0x37 | BINARY | BINARY_CHUNK => Value::Bytes(self.binary_body(code)?),
            LIST_VARIABLE | LIST_FIXED | LIST_VARIABLE_UNTYPED | LIST_FIXED_UNTYPED | 0x70..=0x7f => {
                self.nested(|d| d.list_body(code))?
            }
            MAP_UNTYPED | MAP => self.nested(|d| d.map_body(code))?,
            OBJECT | 0x60..=0x6f => self.nested(|d| d.object_body(code))?,
            REF => {
                let index = self.int()?;
                self.reference(index)?
            }
            END => return Err(self.error(Kind::UnexpectedCode { code, context: "where a value should start" })),
            _ => return Err(self.error(Kind::UnknownCode(code))),
        })
    }

    #[inline]
    fn reference(&self, index: i64) -> Result<Value> {
        if index < 0 || index as u64 >= u64::from(self.refs) {
            return Err(self.error(Kind::RefOutOfRange { index, len: self.refs as usize }));
        }
        Ok(Value::Ref(index as u32))
    }

    /// The draft forms (see [`Decoder::legacy_draft`]); `None` for any other code.
    fn legacy_value(&mut self, code: u8) -> Result<Option<Value>> {
        Ok(Some(match code {
            0x6f => self.nested(|d| d.object_body(OBJECT))?,
            0x4a => {
                let index = self.byte()?.into();
                self.reference(index)?
            }
            0x4b => {
                let index = self.u16()? as i64;
                self.reference(index)?
            }
            0x73 => self.string_body(code)?,
            _ => return Ok(None),
        }))
    }

    /// A draft definition: `O`, the name's length and characters, then as `C`.
    fn legacy_class_def(&mut self) -> Result<()> {
        let len = self.length()?;
        let mut name = Utf16Sink::default();
        self.pos = name.read_units(self.input, self.pos, len).map_err(|at| DecodeError { kind: Kind::BadUtf8, offset: at })?;
        match name.finish() {
            Value::String(name) if !name.is_empty() => self.class_fields(name),
            _ => Err(self.error(Kind::EmptyTypeName)),
        }
    }

    /// Runs `f` one level deeper, reserving the ref slot of the container it reads.
    fn nested(&mut self, f: impl FnOnce(&mut Self) -> Result<Value>) -> Result<Value> {
        if self.depth >= self.limits.max_depth {
            return Err(self.error(Kind::TooDeep(self.limits.max_depth)));
        }
        self.depth += 1;
        self.refs += 1;
        let v = f(self);
        self.depth -= 1;
        v
    }

    fn int_body(&mut self, code: u8) -> Result<i32> {
        Ok(match code {
            0x80..=0xbf => i32::from(code) - i32::from(INT_ZERO),
            0xc0..=0xcf => ((i32::from(code) - i32::from(INT_BYTE_ZERO)) << 8) | i32::from(self.byte()?),
            0xd0..=0xd7 => {
                let [b1, b0] = self.array()?;
                ((i32::from(code) - i32::from(INT_SHORT_ZERO)) << 16) | (i32::from(b1) << 8) | i32::from(b0)
            }
            _ => i32::from_be_bytes(self.array()?),
        })
    }

    fn long_body(&mut self, code: u8) -> Result<i64> {
        Ok(match code {
            0xd8..=0xef => i64::from(code) - i64::from(LONG_ZERO),
            0xf0..=0xff => ((i64::from(code) - i64::from(LONG_BYTE_ZERO)) << 8) | i64::from(self.byte()?),
            0x38..=0x3f => {
                let [b1, b0] = self.array()?;
                ((i64::from(code) - i64::from(LONG_SHORT_ZERO)) << 16) | (i64::from(b1) << 8) | i64::from(b0)
            }
            LONG_INT => i64::from(i32::from_be_bytes(self.array()?)),
            _ => i64::from_be_bytes(self.array()?),
        })
    }

    /// An integer where the grammar wants one (lengths, indices): int or long forms.
    fn int(&mut self) -> Result<i64> {
        let code = self.byte()?;
        match code {
            0x80..=0xd7 | INT => Ok(self.int_body(code)?.into()),
            0xd8..=0xff | 0x38..=0x3f | LONG_INT | LONG => self.long_body(code),
            _ => Err(self.error(Kind::UnexpectedCode { code, context: "where an integer should be" })),
        }
    }

    /// A length that must be non-negative and coverable by the bytes left (each element takes at least one).
    fn length(&mut self) -> Result<usize> {
        let len = self.int()?;
        match usize::try_from(len) {
            Ok(n) if n <= self.remaining() => Ok(n),
            _ => Err(self.error(Kind::BadLength { len, remaining: self.remaining() })),
        }
    }

    fn string_body(&mut self, code: u8) -> Result<Value> {
        // The common case: one final chunk of ASCII, one byte per unit.
        let single = match code {
            0x00..=0x1f => Some((usize::from(code), self.pos)),
            0x30..=0x33 => self.peek().ok().map(|b| ((usize::from(code - STRING_SHORT) << 8) | usize::from(b), self.pos + 1)),
            STRING => self.input.get(self.pos..self.pos + 2).map(|b| (usize::from(u16::from_be_bytes([b[0], b[1]])), self.pos + 2)),
            _ => None,
        };
        if let Some((units, start)) = single
            && let Some(text) = self.input.get(start..start + units).filter(|t| t.is_ascii())
        {
            self.pos = start + units;
            return Ok(Value::String(std::str::from_utf8(text).unwrap_or_default().to_owned()));
        }
        // The first chunk's unit count is a lower bound on its byte length.
        let hint = single.map_or(0, |(units, _)| units);
        let mut sink = Utf16Sink::with_capacity(hint.min(self.remaining()));
        self.string_chunks(code, &mut sink)?;
        Ok(sink.finish())
    }

    /// A class or type name: a plain, non-empty string.
    fn type_string(&mut self, what: &'static str) -> Result<String> {
        let name = self.name(what)?;
        if name.is_empty() {
            return Err(self.error(Kind::EmptyTypeName));
        }
        Ok(name)
    }

    /// Reads a string that must be a plain string (class and field names, type names).
    fn name(&mut self, what: &'static str) -> Result<String> {
        let code = self.byte()?;
        match code {
            0x00..=0x1f | 0x30..=0x33 | STRING | STRING_CHUNK => match self.string_body(code)? {
                Value::String(s) => Ok(s),
                _ => Err(self.error(Kind::BadUtf8)),
            },
            _ => Err(self.error(Kind::UnexpectedCode { code, context: what })),
        }
    }

    fn string_chunks(&mut self, mut code: u8, sink: &mut Utf16Sink) -> Result<()> {
        loop {
            let (units, last) = match code {
                0x00..=0x1f => (usize::from(code), true),
                0x30..=0x33 => ((usize::from(code - STRING_SHORT) << 8) | usize::from(self.byte()?), true),
                STRING => (self.u16()?, true),
                STRING_CHUNK => (self.u16()?, false),
                0x73 if self.legacy_draft => (self.u16()?, false),
                _ => return Err(self.error(Kind::UnexpectedCode { code, context: "in a string chunk" })),
            };
            if units > self.remaining() {
                return Err(self.error(Kind::BadLength { len: units as i64, remaining: self.remaining() }));
            }
            self.pos = sink
                .read_units(self.input, self.pos, units)
                .map_err(|at| DecodeError { kind: Kind::BadUtf8, offset: at })?;
            if last {
                return Ok(());
            }
            code = self.byte()?;
        }
    }

    fn binary_body(&mut self, mut code: u8) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        loop {
            let (len, last) = match code {
                0x20..=0x2f => (usize::from(code - BINARY_DIRECT), true),
                0x34..=0x37 => ((usize::from(code - BINARY_SHORT) << 8) | usize::from(self.byte()?), true),
                BINARY => (self.u16()?, true),
                BINARY_CHUNK => (self.u16()?, false),
                _ => return Err(self.error(Kind::UnexpectedCode { code, context: "in a binary chunk" })),
            };
            out.extend_from_slice(self.take(len)?);
            if last {
                return Ok(out);
            }
            code = self.byte()?;
        }
    }

    /// A list or map type: a string (added to the type table) or an index into it.
    fn type_name(&mut self) -> Result<Arc<str>> {
        match self.peek()? {
            0x00..=0x1f | 0x30..=0x33 | STRING | STRING_CHUNK => {
                let name: Arc<str> = self.type_string("where a type should be")?.into();
                self.types.push(name.clone());
                Ok(name)
            }
            _ => {
                let index = self.int()?;
                usize::try_from(index)
                    .ok()
                    .and_then(|i| self.types.get(i).cloned())
                    .ok_or_else(|| self.error(Kind::TypeOutOfRange { index, len: self.types.len() }))
            }
        }
    }

    fn list_body(&mut self, code: u8) -> Result<Value> {
        let type_name = match code {
            LIST_VARIABLE | LIST_FIXED | 0x70..=0x77 => Some(self.type_name()?),
            _ => None,
        };
        let fixed = match code {
            LIST_FIXED | LIST_FIXED_UNTYPED => Some(self.length()?),
            0x70..=0x77 => Some(usize::from(code - LIST_DIRECT)),
            0x78..=0x7f => Some(usize::from(code - LIST_DIRECT_UNTYPED)),
            _ => None,
        };
        let items = match fixed {
            Some(n) => {
                let mut items = Vec::with_capacity(n.min(self.remaining()));
                for _ in 0..n {
                    items.push(self.read()?);
                }
                items
            }
            None => {
                let mut items = Vec::new();
                while self.peek()? != END {
                    items.push(self.read()?);
                }
                self.pos += 1;
                items
            }
        };
        Ok(Value::List(List { type_name, items }))
    }

    fn map_body(&mut self, code: u8) -> Result<Value> {
        let type_name = if code == MAP { Some(self.type_name()?) } else { None };
        // A map that is not empty usually holds a handful of entries: one allocation, not two.
        let capacity = if self.peek()? == END { 0 } else { 8.min(self.remaining() / 2) };
        let mut entries = Vec::with_capacity(capacity);
        while self.peek()? != END {
            let k = self.read()?;
            let v = self.read()?;
            entries.push((k, v));
        }
        self.pos += 1;
        Ok(Value::Map(Map { type_name, entries }))
    }

    /// `C name count field*`: a class definition, numbered in order of appearance.
    fn class_def(&mut self) -> Result<()> {
        let Some(cache) = self.cache else { return self.parse_class_def() };
        let Some(end) = self.class_def_end() else { return self.parse_class_def() };
        let bytes = &self.input[self.pos..end];
        if let Some(def) = cache.get(bytes) {
            self.classes.push(def);
            self.pos = end;
            return Ok(());
        }
        self.parse_class_def()?;
        if let Some(def) = self.classes.last() {
            cache.insert(bytes, def);
        }
        Ok(())
    }

    /// Where a class definition of ASCII names and a compact field count ends
    /// (the cacheable kind), found without allocating; `None` for any other.
    fn class_def_end(&self) -> Option<usize> {
        let input = self.input;
        let ascii_string_end = |at: usize| -> Option<usize> {
            let code = *input.get(at)?;
            let (len, start) = match code {
                0x00..=0x1f => (usize::from(code), at + 1),
                0x30..=0x33 => ((usize::from(code - STRING_SHORT) << 8) | usize::from(*input.get(at + 1)?), at + 2),
                STRING => (usize::from(u16::from_be_bytes([*input.get(at + 1)?, *input.get(at + 2)?])), at + 3),
                _ => return None,
            };
            input.get(start..start + len).filter(|s| s.is_ascii()).map(|_| start + len)
        };
        let mut at = ascii_string_end(self.pos)?;
        let count = match *input.get(at)? {
            c @ 0x90..=0xbf => {
                at += 1;
                usize::from(c - INT_ZERO)
            }
            c @ 0xc8..=0xcf => {
                at += 2;
                (usize::from(c - INT_BYTE_ZERO) << 8) | usize::from(*input.get(at - 1)?)
            }
            _ => return None,
        };
        for _ in 0..count {
            at = ascii_string_end(at)?;
            if at - self.pos > MAX_DEF_BYTES {
                return None;
            }
        }
        Some(at)
    }

    fn parse_class_def(&mut self) -> Result<()> {
        let name = self.type_string("where a class name should be")?;
        self.class_fields(name)
    }

    /// The field count and names of a class definition.
    fn class_fields(&mut self, name: String) -> Result<()> {
        let count = self.int()?;
        let count = usize::try_from(count)
            .ok()
            .filter(|&n| n <= self.remaining())
            .ok_or_else(|| self.error(Kind::BadClassDef("field count is negative or longer than the input")))?;
        let mut fields = Vec::with_capacity(count);
        for _ in 0..count {
            match self.peek()? {
                0x00..=0x1f | 0x30..=0x33 | STRING | STRING_CHUNK => fields.push(self.name("")?),
                _ => return Err(self.error(Kind::BadClassDef("fewer field names than the field count"))),
            }
        }
        self.classes.push(Arc::new(ClassDef { name, fields }));
        Ok(())
    }

    fn object_body(&mut self, code: u8) -> Result<Value> {
        let index = match code {
            OBJECT => self.int()?,
            _ => i64::from(code - OBJECT_DIRECT),
        };
        let def = usize::try_from(index)
            .ok()
            .and_then(|i| self.classes.get(i).cloned())
            .ok_or_else(|| self.error(Kind::ClassOutOfRange { index, len: self.classes.len() }))?;
        let mut values = Vec::with_capacity(def.fields.len());
        for _ in 0..def.fields.len() {
            values.push(self.read()?);
        }
        Ok(Value::Object(Object::from_parts(def, values)))
    }
}
