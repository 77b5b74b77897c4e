//! Hessian2 type codes (hessian-lite's `Hessian2Constants`), grouped by kind.

pub const NULL: u8 = b'N';
pub const TRUE: u8 = b'T';
pub const FALSE: u8 = b'F';

pub const INT: u8 = b'I';
/// Single-byte ints: `0x90 + v` for v in -16..=47.
pub const INT_ZERO: u8 = 0x90;
pub const INT_DIRECT_MIN: i32 = -0x10;
pub const INT_DIRECT_MAX: i32 = 0x2f;
/// Two-byte ints: `0xc8 + (v >> 8)`, b0.
pub const INT_BYTE_ZERO: u8 = 0xc8;
pub const INT_BYTE_MIN: i32 = -0x800;
pub const INT_BYTE_MAX: i32 = 0x7ff;
/// Three-byte ints: `0xd4 + (v >> 16)`, b1, b0.
pub const INT_SHORT_ZERO: u8 = 0xd4;
pub const INT_SHORT_MIN: i32 = -0x40000;
pub const INT_SHORT_MAX: i32 = 0x3ffff;

pub const LONG: u8 = b'L';
/// A long held in four bytes.
pub const LONG_INT: u8 = 0x59;
pub const LONG_ZERO: u8 = 0xe0;
pub const LONG_DIRECT_MIN: i64 = -0x08;
pub const LONG_DIRECT_MAX: i64 = 0x0f;
pub const LONG_BYTE_ZERO: u8 = 0xf8;
pub const LONG_BYTE_MIN: i64 = -0x800;
pub const LONG_BYTE_MAX: i64 = 0x7ff;
pub const LONG_SHORT_ZERO: u8 = 0x3c;
pub const LONG_SHORT_MIN: i64 = -0x40000;
pub const LONG_SHORT_MAX: i64 = 0x3ffff;

pub const DOUBLE: u8 = b'D';
pub const DOUBLE_ZERO: u8 = 0x5b;
pub const DOUBLE_ONE: u8 = 0x5c;
pub const DOUBLE_BYTE: u8 = 0x5d;
pub const DOUBLE_SHORT: u8 = 0x5e;
/// A double that is a whole number of thousandths: int32 mills.
pub const DOUBLE_MILL: u8 = 0x5f;

/// Date as int64 milliseconds.
pub const DATE: u8 = 0x4a;
/// Date as int32 minutes.
pub const DATE_MINUTE: u8 = 0x4b;

pub const STRING: u8 = b'S';
pub const STRING_CHUNK: u8 = b'R';
pub const STRING_DIRECT_MAX: usize = 0x1f;
pub const STRING_SHORT: u8 = 0x30;
pub const STRING_SHORT_MAX: usize = 0x3ff;
/// Java chunks strings longer than this many UTF-16 units.
pub const STRING_CHUNK_UNITS: usize = 0x8000;

pub const BINARY: u8 = b'B';
pub const BINARY_CHUNK: u8 = b'A';
pub const BINARY_DIRECT: u8 = 0x20;
pub const BINARY_DIRECT_MAX: usize = 0x0f;
pub const BINARY_SHORT: u8 = 0x34;
pub const BINARY_SHORT_MAX: usize = 0x3ff;
/// hessian-lite's output buffer is 8 KiB; a binary chunk fills it less the 3-byte header.
pub const BINARY_CHUNK_BYTES: usize = 8 * 1024 - 3;

pub const LIST_VARIABLE: u8 = 0x55;
pub const LIST_FIXED: u8 = b'V';
pub const LIST_VARIABLE_UNTYPED: u8 = 0x57;
pub const LIST_FIXED_UNTYPED: u8 = 0x58;
pub const LIST_DIRECT: u8 = 0x70;
pub const LIST_DIRECT_UNTYPED: u8 = 0x78;
pub const LIST_DIRECT_MAX: usize = 0x07;

pub const MAP_UNTYPED: u8 = b'H';
pub const MAP: u8 = b'M';
pub const END: u8 = b'Z';

pub const CLASS_DEF: u8 = b'C';
pub const OBJECT: u8 = b'O';
pub const OBJECT_DIRECT: u8 = 0x60;
pub const OBJECT_DIRECT_MAX: usize = 0x0f;

pub const REF: u8 = b'Q';
