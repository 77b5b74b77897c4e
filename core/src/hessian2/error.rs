//! Hessian2 codec errors: each says what was wrong and, when decoding, where.

use thiserror::Error;

/// What went wrong while decoding, with the byte offset where it was found.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("hessian2 decode error at byte {offset}: {kind}")]
pub struct DecodeError {
    /// What was wrong.
    pub kind: DecodeErrorKind,
    /// Offset in the input where it was found.
    pub offset: usize,
}

/// The kinds of malformed Hessian2 input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input ended inside a value.
    #[error("unexpected end of input")]
    UnexpectedEnd,
    /// A byte that starts no value.
    #[error("unknown type code 0x{0:02x}")]
    UnknownCode(u8),
    /// A code that is valid Hessian2 but not where it stands (e.g. `Z` outside a list or map).
    #[error("unexpected code 0x{code:02x} {context}")]
    UnexpectedCode {
        /// The byte found.
        code: u8,
        /// What was expected there.
        context: &'static str,
    },
    /// A string byte sequence that is not 1-3 byte UTF-8 (Java rejects 4-byte UTF-8 too).
    #[error("bad utf-8 in string")]
    BadUtf8,
    /// `Q n` with no such list, map or object yet.
    #[error("ref {index} out of range ({len} defined)")]
    RefOutOfRange {
        /// The index asked for.
        index: i64,
        /// How many refs were defined.
        len: usize,
    },
    /// An object naming a class definition that does not exist.
    #[error("class definition {index} out of range ({len} defined)")]
    ClassOutOfRange {
        /// The index asked for.
        index: i64,
        /// How many definitions exist.
        len: usize,
    },
    /// A list or map type naming a type-table entry that does not exist.
    #[error("type ref {index} out of range ({len} defined)")]
    TypeOutOfRange {
        /// The index asked for.
        index: i64,
        /// How many types exist.
        len: usize,
    },
    /// A class definition whose field count or field names are malformed.
    #[error("bad class definition: {0}")]
    BadClassDef(&'static str),
    /// A length that is negative or larger than the remaining input can hold.
    #[error("length {len} is impossible here ({remaining} bytes left)")]
    BadLength {
        /// The declared length.
        len: i64,
        /// The bytes left in the input.
        remaining: usize,
    },
    /// Lists, maps and objects nested deeper than the configured limit.
    #[error("nesting deeper than {0}")]
    TooDeep(usize),
    /// An empty class or type name (Java never writes one).
    #[error("empty class or type name")]
    EmptyTypeName,
    /// More bytes after the value(s) that were asked for.
    #[error("{0} unread bytes after the value")]
    TrailingBytes(usize),
}

/// What went wrong while encoding a value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// `Value::Ref(n)` with fewer than n+1 lists, maps and objects written before it.
    #[error("ref {index} out of range ({len} written so far)")]
    RefOutOfRange {
        /// The index.
        index: u32,
        /// How many refs exist so far.
        len: u32,
    },
    /// Lists, maps and objects nested deeper than the configured limit.
    #[error("nesting deeper than {0}")]
    TooDeep(usize),
    /// A list or map type name, or class name, that is empty (Java rejects it).
    #[error("empty type name")]
    EmptyTypeName,
    /// A length Hessian2 cannot express (over 2^31 - 1 elements).
    #[error("length {0} too large for hessian2")]
    TooLong(usize),
}
