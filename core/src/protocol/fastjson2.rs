//! Just enough fastjson2 (serialization id 23) to read what a Java 3.2 provider
//! sends in it whatever the caller asked for: the error string of a non-OK
//! response and the null of a heartbeat (facts §1.3, §1.6). Dubbo's
//! `FastJson2ObjectOutput` frames each value as a 4-byte big-endian length and
//! then fastjson2's binary JSON (JSONB); a string is a type byte, a length and
//! the characters.

use super::ProtocolError;

/// JSONB type bytes (fastjson2's `JSONB.Constants`).
mod code {
    pub const NULL: u8 = 0xaf;
    /// 0x49..=0x78: an ASCII string of 0..=47 bytes, the length in the type byte.
    pub const ASCII_FIX_MIN: u8 = 0x49;
    pub const ASCII_FIX_MAX: u8 = 0x78;
    pub const ASCII: u8 = 0x79;
    pub const UTF8: u8 = 0x7a;
    pub const UTF16: u8 = 0x7b;
    pub const UTF16LE: u8 = 0x7c;
    pub const UTF16BE: u8 = 0x7d;
}

/// Reads one framed fastjson2 value that must be a string or null (`None`).
pub fn read_string(body: &[u8]) -> Result<Option<String>, ProtocolError> {
    let bad = |why: &str| ProtocolError::BadBody(format!("fastjson2 string: {why}"));
    let (len, jsonb) = body.split_first_chunk::<4>().ok_or_else(|| bad("shorter than its length prefix"))?;
    let len = u32::from_be_bytes(*len) as usize;
    let jsonb = jsonb.get(..len).ok_or_else(|| bad("length prefix beyond the body"))?;
    let (&kind, rest) = jsonb.split_first().ok_or_else(|| bad("empty"))?;
    if kind == code::NULL {
        return Ok(None);
    }
    let (n, rest) = match kind {
        code::ASCII_FIX_MIN..=code::ASCII_FIX_MAX => ((kind - code::ASCII_FIX_MIN) as usize, rest),
        code::ASCII | code::UTF8 | code::UTF16 | code::UTF16LE | code::UTF16BE => {
            let (n, rest) = read_int(rest).ok_or_else(|| bad("bad length"))?;
            (usize::try_from(n).map_err(|_| bad("negative length"))?, rest)
        }
        other => return Err(bad(&format!("type byte 0x{other:02x} is not a string"))),
    };
    let bytes = rest.get(..n).ok_or_else(|| bad("truncated"))?;
    let text = match kind {
        code::UTF16 | code::UTF16BE => utf16(bytes, u16::from_be_bytes),
        code::UTF16LE => utf16(bytes, u16::from_le_bytes),
        // ASCII is UTF-8 too.
        _ => String::from_utf8(bytes.to_vec()).ok(),
    };
    text.map(Some).ok_or_else(|| bad("invalid characters"))
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Option<String> {
    let (pairs, rest) = bytes.as_chunks::<2>();
    if !rest.is_empty() {
        return None;
    }
    char::decode_utf16(pairs.iter().map(|p| unit(*p))).collect::<Result<String, _>>().ok()
}

/// A JSONB int32: one byte for -16..=47, else 2, 3 or 5 bytes.
fn read_int(bytes: &[u8]) -> Option<(i32, &[u8])> {
    let (&b, rest) = bytes.split_first()?;
    let signed = b as i8 as i32;
    match b {
        0x00..=0x2f | 0xf0..=0xff => Some((signed, rest)),
        0x30..=0x3f => {
            let (&b1, rest) = rest.split_first()?;
            Some((((b as i32 - 0x38) << 8) | b1 as i32, rest))
        }
        0x40..=0x47 => {
            let (two, rest) = rest.split_first_chunk::<2>()?;
            Some((((b as i32 - 0x44) << 16) | u16::from_be_bytes(*two) as i32, rest))
        }
        0x48 => {
            let (four, rest) = rest.split_first_chunk::<4>()?;
            Some((i32::from_be_bytes(*four), rest))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(jsonb: &[u8]) -> Vec<u8> {
        let mut out = (jsonb.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(jsonb);
        out
    }

    #[test]
    fn reads_each_string_form() {
        assert_eq!(read_string(&framed(&[0x49 + 2, b'h', b'i'])).unwrap().as_deref(), Some("hi"));
        assert_eq!(read_string(&framed(&[0xaf])).unwrap(), None);
        let long = "x".repeat(300);
        let mut ascii = vec![0x79, 0x39, 0x2c]; // 300 = (0x39 - 0x38) << 8 | 0x2c
        ascii.extend_from_slice(long.as_bytes());
        assert_eq!(read_string(&framed(&ascii)).unwrap().as_deref(), Some(long.as_str()));
        let mut utf8 = vec![0x7a, 6];
        utf8.extend_from_slice("né✓".as_bytes());
        assert_eq!(read_string(&framed(&utf8)).unwrap().as_deref(), Some("né✓"));
        assert_eq!(read_string(&framed(&[0x7c, 4, b'o', 0, b'k', 0])).unwrap().as_deref(), Some("ok"));
    }

    #[test]
    fn rejects_what_is_not_a_framed_string() {
        for bad in [&[][..], &[0, 0, 0, 9, 0x4a], &[0, 0, 0, 1, 0x90], &[0, 0, 0, 2, 0x7a, 9], &[0, 0, 0, 3, 0x7c, 1, 0]] {
            assert!(read_string(bad).is_err(), "{bad:?}");
        }
    }
}
