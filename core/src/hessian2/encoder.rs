//! The Hessian2 writer, byte for byte as hessian-lite's `Hessian2Output` writes.

use std::sync::Arc;

use super::codes::*;
use super::{EncodeError, Limits};
use crate::value::{ClassDef, List, Map, Object, Value};

/// Writes the values of one message into one Hessian2 stream: the class
/// definitions, type table and ref numbering span every value written until
/// [`Encoder::reset`] (Java's `Hessian2Output.reset`).
///
/// After an error the stream is unusable: call `reset` before reusing it.
#[derive(Debug, Default)]
pub struct Encoder {
    buf: Vec<u8>,
    classes: Vec<Arc<ClassDef>>,
    types: Vec<Arc<str>>,
    refs: u32,
    depth: usize,
    limits: Limits,
}

impl Encoder {
    /// A new stream with the default limits.
    pub fn new() -> Self {
        Self::default()
    }

    /// A new stream with the given limits.
    pub fn with_limits(limits: Limits) -> Self {
        Encoder { limits, ..Self::default() }
    }

    /// The bytes written so far.
    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }

    /// The buffer itself, for framing code that writes around the stream.
    pub(crate) fn buffer_mut(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }

    /// The bytes written.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    /// Empties the buffer and forgets the class, type and ref tables.
    pub fn reset(&mut self) {
        self.buf.clear();
        self.classes.clear();
        self.types.clear();
        self.refs = 0;
        self.depth = 0;
    }

    /// Appends one value to the stream.
    pub fn write(&mut self, value: &Value) -> Result<(), EncodeError> {
        match value {
            Value::Null => self.buf.push(NULL),
            Value::Bool(b) => self.buf.push(if *b { TRUE } else { FALSE }),
            Value::Int(v) => self.write_int(*v),
            Value::Long(v) => self.write_long(*v),
            Value::Double(v) => self.write_double(*v),
            Value::String(s) => self.write_str(s),
            Value::Utf16(units) => self.write_utf16(units),
            Value::Bytes(b) => self.write_bytes(b),
            Value::Date(ms) => self.write_date(*ms),
            Value::List(l) => self.nested(|e| e.write_list(l))?,
            Value::Map(m) => self.nested(|e| e.write_map(m))?,
            Value::Object(o) => self.nested(|e| e.write_object(o))?,
            Value::Ref(index) => {
                if *index >= self.refs {
                    return Err(EncodeError::RefOutOfRange { index: *index, len: self.refs });
                }
                self.buf.push(REF);
                self.write_int(*index as i32);
            }
        }
        Ok(())
    }

    /// Runs `f` one level deeper, counting a ref for the container it writes.
    fn nested(&mut self, f: impl FnOnce(&mut Self) -> Result<(), EncodeError>) -> Result<(), EncodeError> {
        if self.depth >= self.limits.max_depth {
            return Err(EncodeError::TooDeep(self.limits.max_depth));
        }
        self.depth += 1;
        self.refs += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    /// `int`: the shortest of Java's four forms.
    pub fn write_int(&mut self, v: i32) {
        if (INT_DIRECT_MIN..=INT_DIRECT_MAX).contains(&v) {
            self.buf.push((v + INT_ZERO as i32) as u8);
        } else if (INT_BYTE_MIN..=INT_BYTE_MAX).contains(&v) {
            self.buf.extend_from_slice(&[(INT_BYTE_ZERO as i32 + (v >> 8)) as u8, v as u8]);
        } else if (INT_SHORT_MIN..=INT_SHORT_MAX).contains(&v) {
            self.buf.extend_from_slice(&[(INT_SHORT_ZERO as i32 + (v >> 16)) as u8, (v >> 8) as u8, v as u8]);
        } else {
            self.buf.push(INT);
            self.buf.extend_from_slice(&v.to_be_bytes());
        }
    }

    /// `long`: the shortest of Java's five forms.
    pub fn write_long(&mut self, v: i64) {
        if (LONG_DIRECT_MIN..=LONG_DIRECT_MAX).contains(&v) {
            self.buf.push((v + LONG_ZERO as i64) as u8);
        } else if (LONG_BYTE_MIN..=LONG_BYTE_MAX).contains(&v) {
            self.buf.extend_from_slice(&[(LONG_BYTE_ZERO as i64 + (v >> 8)) as u8, v as u8]);
        } else if (LONG_SHORT_MIN..=LONG_SHORT_MAX).contains(&v) {
            self.buf.extend_from_slice(&[(LONG_SHORT_ZERO as i64 + (v >> 16)) as u8, (v >> 8) as u8, v as u8]);
        } else if let Ok(small) = i32::try_from(v) {
            self.buf.push(LONG_INT);
            self.buf.extend_from_slice(&small.to_be_bytes());
        } else {
            self.buf.push(LONG);
            self.buf.extend_from_slice(&v.to_be_bytes());
        }
    }

    /// `double`: Java's compact forms, including whole thousandths as `0x5f` mills.
    pub fn write_double(&mut self, v: f64) {
        // Java's (int) casts saturate and map NaN to 0, as Rust's `as` does.
        let int = v as i32;
        if f64::from(int) == v {
            match int {
                0 => return self.buf.push(DOUBLE_ZERO),
                1 => return self.buf.push(DOUBLE_ONE),
                -0x80..=0x7f => return self.buf.extend_from_slice(&[DOUBLE_BYTE, int as u8]),
                -0x8000..=0x7fff => {
                    return self.buf.extend_from_slice(&[DOUBLE_SHORT, (int >> 8) as u8, int as u8]);
                }
                _ => {}
            }
        }
        let mills = (v * 1000.0) as i32;
        if 0.001 * f64::from(mills) == v {
            self.buf.push(DOUBLE_MILL);
            self.buf.extend_from_slice(&mills.to_be_bytes());
        } else {
            self.buf.push(DOUBLE);
            self.buf.extend_from_slice(&v.to_bits().to_be_bytes());
        }
    }

    /// `java.util.Date`: whole minutes as `0x4b` + int32, else `0x4a` + int64 ms.
    pub fn write_date(&mut self, ms: i64) {
        if ms % 60_000 == 0
            && let Ok(minutes) = i32::try_from(ms / 60_000)
        {
            self.buf.push(DATE_MINUTE);
            self.buf.extend_from_slice(&minutes.to_be_bytes());
            return;
        }
        self.buf.push(DATE);
        self.buf.extend_from_slice(&ms.to_be_bytes());
    }

    /// A string: length in UTF-16 units, supplementary characters as two 3-byte
    /// surrogates, chunks of 0x8000 units that never end on a high surrogate.
    pub fn write_str(&mut self, s: &str) {
        if s.is_ascii() {
            let mut rest = s.as_bytes();
            while rest.len() > STRING_CHUNK_UNITS {
                self.string_header(STRING_CHUNK_UNITS, false);
                self.buf.extend_from_slice(&rest[..STRING_CHUNK_UNITS]);
                rest = &rest[STRING_CHUNK_UNITS..];
            }
            self.string_header(rest.len(), true);
            self.buf.extend_from_slice(rest);
            return;
        }
        let (_, mut units) = prefix_units(s.as_bytes(), usize::MAX);
        let mut rest = s;
        while units > STRING_CHUNK_UNITS {
            // Whole characters up to 0x8000 units: a pair straddling the edge waits.
            let (end, taken) = prefix_units(rest.as_bytes(), STRING_CHUNK_UNITS);
            self.string_header(taken, false);
            self.write_cesu8(&rest[..end]);
            rest = &rest[end..];
            units -= taken;
        }
        self.string_header(units, true);
        self.write_cesu8(rest);
    }

    /// A string with lone surrogates, unit by unit as Java writes it.
    fn write_utf16(&mut self, units: &[u16]) {
        let mut rest = units;
        while rest.len() > STRING_CHUNK_UNITS {
            let mut len = STRING_CHUNK_UNITS;
            if (0xd800..=0xdbff).contains(&rest[len - 1]) {
                len -= 1;
            }
            self.string_header(len, false);
            rest[..len].iter().for_each(|&u| self.push_unit(u));
            rest = &rest[len..];
        }
        self.string_header(rest.len(), true);
        rest.iter().for_each(|&u| self.push_unit(u));
    }

    fn string_header(&mut self, units: usize, last: bool) {
        if !last {
            self.buf.extend_from_slice(&[STRING_CHUNK, (units >> 8) as u8, units as u8]);
        } else if units <= STRING_DIRECT_MAX {
            self.buf.push(units as u8);
        } else if units <= STRING_SHORT_MAX {
            self.buf.extend_from_slice(&[STRING_SHORT + (units >> 8) as u8, units as u8]);
        } else {
            self.buf.extend_from_slice(&[STRING, (units >> 8) as u8, units as u8]);
        }
    }

    /// UTF-8 with each supplementary character as two 3-byte surrogates (what Java reads).
    fn write_cesu8(&mut self, s: &str) {
        let bytes = s.as_bytes();
        // Only 4-byte sequences (lead byte 0xF0..) differ from plain UTF-8. Blocks
        // of byte-wide ORs vectorise where a byte-by-byte `any` would not.
        let has_four_byte = bytes.chunks(64).any(|block| block.iter().fold(0u8, |a, &b| a | u8::from(b >= 0xf0)) != 0);
        if !has_four_byte {
            return self.buf.extend_from_slice(bytes);
        }
        let mut start = 0;
        for (i, c) in s.char_indices() {
            if c.len_utf8() == 4 {
                self.buf.extend_from_slice(&bytes[start..i]);
                let mut pair = [0u16; 2];
                c.encode_utf16(&mut pair);
                pair.iter().for_each(|&u| self.push_unit(u));
                start = i + 4;
            }
        }
        self.buf.extend_from_slice(&bytes[start..]);
    }

    /// One UTF-16 unit as 1-3 bytes, the way Java's `printString` does.
    fn push_unit(&mut self, u: u16) {
        let u = u32::from(u);
        if u < 0x80 {
            self.buf.push(u as u8);
        } else if u < 0x800 {
            self.buf.extend_from_slice(&[0xc0 | (u >> 6) as u8, 0x80 | (u & 0x3f) as u8]);
        } else {
            self.buf.extend_from_slice(&[
                0xe0 | (u >> 12) as u8,
                0x80 | ((u >> 6) & 0x3f) as u8,
                0x80 | (u & 0x3f) as u8,
            ]);
        }
    }

    /// `byte[]`: compact forms, or `A` chunks of hessian-lite's buffer size then a final `B`.
    pub fn write_bytes(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while rest.len() > BINARY_CHUNK_BYTES {
            let n = BINARY_CHUNK_BYTES;
            self.buf.extend_from_slice(&[BINARY_CHUNK, (n >> 8) as u8, n as u8]);
            self.buf.extend_from_slice(&rest[..n]);
            rest = &rest[n..];
        }
        let n = rest.len();
        if n <= BINARY_DIRECT_MAX {
            self.buf.push(BINARY_DIRECT + n as u8);
        } else if n <= BINARY_SHORT_MAX {
            self.buf.extend_from_slice(&[BINARY_SHORT + (n >> 8) as u8, n as u8]);
        } else {
            self.buf.extend_from_slice(&[BINARY, (n >> 8) as u8, n as u8]);
        }
        self.buf.extend_from_slice(rest);
    }

    /// A type name: the first time as a string, later as its index in the type table.
    fn write_type(&mut self, name: &Arc<str>) -> Result<(), EncodeError> {
        if name.is_empty() {
            return Err(EncodeError::EmptyTypeName);
        }
        match self.types.iter().position(|t| Arc::ptr_eq(t, name) || t == name) {
            Some(i) => self.write_int(i as i32),
            None => {
                self.types.push(name.clone());
                self.write_str(name);
            }
        }
        Ok(())
    }

    /// Java always knows a collection's size, so lists are written in fixed-length form.
    fn write_list(&mut self, list: &List) -> Result<(), EncodeError> {
        let len = list.items.len();
        let len32 = i32::try_from(len).map_err(|_| EncodeError::TooLong(len))?;
        match (&list.type_name, len <= LIST_DIRECT_MAX) {
            (Some(t), true) => {
                self.buf.push(LIST_DIRECT + len as u8);
                self.write_type(t)?;
            }
            (Some(t), false) => {
                self.buf.push(LIST_FIXED);
                self.write_type(t)?;
                self.write_int(len32);
            }
            (None, true) => self.buf.push(LIST_DIRECT_UNTYPED + len as u8),
            (None, false) => {
                self.buf.push(LIST_FIXED_UNTYPED);
                self.write_int(len32);
            }
        }
        list.items.iter().try_for_each(|v| self.write(v))
    }

    fn write_map(&mut self, map: &Map) -> Result<(), EncodeError> {
        match &map.type_name {
            Some(t) => {
                self.buf.push(MAP);
                self.write_type(t)?;
            }
            None => self.buf.push(MAP_UNTYPED),
        }
        for (k, v) in &map.entries {
            self.write(k)?;
            self.write(v)?;
        }
        self.buf.push(END);
        Ok(())
    }

    /// An object: its class definition the first time, then `0x60+n` / `O n` and the field values.
    fn write_object(&mut self, object: &Object) -> Result<(), EncodeError> {
        let def = object.def();
        if def.name.is_empty() {
            return Err(EncodeError::EmptyTypeName);
        }
        let known = self.classes.iter().position(|c| Arc::ptr_eq(c, def) || **c == **def);
        let index = match known {
            Some(i) => i,
            None => {
                let fields = def.fields.len();
                self.buf.push(CLASS_DEF);
                self.write_str(&def.name);
                self.write_int(i32::try_from(fields).map_err(|_| EncodeError::TooLong(fields))?);
                def.fields.iter().for_each(|f| self.write_str(f));
                self.classes.push(def.clone());
                self.classes.len() - 1
            }
        };
        if index <= OBJECT_DIRECT_MAX {
            self.buf.push(OBJECT_DIRECT + index as u8);
        } else {
            self.buf.push(OBJECT);
            self.write_int(index as i32);
        }
        object.values().iter().try_for_each(|v| self.write(v))
    }
}

/// The byte length of the longest prefix of UTF-8 `bytes` that holds at most
/// `max` UTF-16 units without splitting a character, and its unit count.
fn prefix_units(bytes: &[u8], max: usize) -> (usize, usize) {
    let is_start = |b: u8| (b as i8) >= -0x40;
    let (mut i, mut units) = (0usize, 0usize);
    // Whole blocks while they surely fit (a block counts at most 65 units: 63 bytes
    // plus a 4-byte lead at its end); these loops vectorise.
    while i + 64 <= bytes.len() && units.saturating_add(65) <= max {
        let block = &bytes[i..i + 64];
        // At most 128 per block: byte-wide sums.
        units += usize::from(block.iter().fold(0u8, |n, &b| n + u8::from(is_start(b)) + u8::from(b >= 0xf0)));
        i += 64;
    }
    // Then byte by byte: continuation bytes belong to a character already counted.
    while i < bytes.len() {
        if is_start(bytes[i]) {
            let u = if bytes[i] >= 0xf0 { 2 } else { 1 };
            if units + u > max {
                break;
            }
            units += u;
        }
        i += 1;
    }
    (i, units)
}
