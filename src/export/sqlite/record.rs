//! SQLite's record format: a header of serial types, then the values, and the varints
//! both use (file format §2.1 and §1.6).

/// One column's value as a record stores it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    /// Text written in pieces joined by one separator byte, as Anki's `flds` joins fields
    /// with 0x1f; saves building the joined string only to copy it.
    Joined(&'a [String], u8),
}

impl Value<'_> {
    fn serial_type(&self) -> u64 {
        match *self {
            Value::Null => 0,
            Value::Int(0) => 8,
            Value::Int(1) => 9,
            Value::Int(i) => match int_width(i) {
                1 => 1,
                2 => 2,
                3 => 3,
                4 => 4,
                6 => 5,
                _ => 6,
            },
            Value::Real(_) => 7,
            Value::Text(_) | Value::Joined(..) => self.text_len() as u64 * 2 + 13,
        }
    }

    fn text_len(&self) -> usize {
        match self {
            Value::Text(text) => text.len(),
            Value::Joined(pieces, _) => {
                pieces.iter().map(String::len).sum::<usize>() + pieces.len().saturating_sub(1)
            }
            _ => 0,
        }
    }

    fn write_body(&self, out: &mut Vec<u8>) {
        match *self {
            Value::Null | Value::Int(0) | Value::Int(1) => {}
            Value::Int(i) => {
                let width = int_width(i);
                out.extend_from_slice(&i.to_be_bytes()[8 - width..]);
            }
            Value::Real(r) => out.extend_from_slice(&r.to_bits().to_be_bytes()),
            Value::Text(text) => out.extend_from_slice(text.as_bytes()),
            Value::Joined(pieces, separator) => {
                for (index, piece) in pieces.iter().enumerate() {
                    if index > 0 {
                        out.push(separator);
                    }
                    out.extend_from_slice(piece.as_bytes());
                }
            }
        }
    }
}

/// Bytes of the smallest two's-complement form SQLite has for `i`: 1, 2, 3, 4, 6 or 8.
fn int_width(i: i64) -> usize {
    const LIMITS: [(i64, usize); 5] = [
        (0x7f, 1),
        (0x7fff, 2),
        (0x7f_ffff, 3),
        (0x7fff_ffff, 4),
        (0x7fff_ffff_ffff, 6),
    ];
    LIMITS
        .iter()
        .find(|(limit, _)| (-limit - 1..=*limit).contains(&i))
        .map_or(8, |&(_, width)| width)
}

/// Append the record of `values` to `out`; returns its length.
pub fn encode(values: &[Value], out: &mut Vec<u8>) -> usize {
    // Every row written has fewer columns than this; more only costs an allocation.
    const USUAL: usize = 32;
    let mut usual = [0u64; USUAL];
    let mut more = Vec::new();
    let types: &mut [u64] = if values.len() <= USUAL {
        &mut usual[..values.len()]
    } else {
        more.resize(values.len(), 0);
        &mut more
    };
    let mut types_len = 0;
    let mut body = 0;
    for (serial, value) in types.iter_mut().zip(values) {
        *serial = value.serial_type();
        types_len += varint_len(*serial);
        body += body_len(*serial);
    }
    // The header's length counts its own varint, which may need a second byte.
    let mut header = types_len + 1;
    if varint_len(header as u64) > 1 {
        header = types_len + varint_len((types_len + 2) as u64);
    }
    let start = out.len();
    out.reserve(header + body);
    put_varint(out, header as u64);
    for &serial in types.iter() {
        put_varint(out, serial);
    }
    for value in values {
        value.write_body(out);
    }
    out.len() - start
}

/// Bytes of a value of serial type `serial`.
fn body_len(serial: u64) -> usize {
    match serial {
        0 | 8 | 9 => 0,
        1..=4 => serial as usize,
        5 => 6,
        6 | 7 => 8,
        _ => ((serial - 12) / 2) as usize,
    }
}

/// Bytes of `v` as a SQLite varint: 7 bits a byte, most significant first, and a 9th byte
/// of 8 bits.
pub fn varint_len(v: u64) -> usize {
    if v >> 56 != 0 {
        return 9;
    }
    let bits = 64 - v.leading_zeros() as usize;
    bits.div_ceil(7).max(1)
}

pub fn put_varint(out: &mut Vec<u8>, v: u64) {
    if v < 0x80 {
        out.push(v as u8);
        return;
    }
    let mut bytes = [0u8; 9];
    let len = write_varint(&mut bytes, v);
    out.extend_from_slice(&bytes[..len]);
}

/// Write `v` at the start of `out` (9 bytes are enough); returns the bytes written.
pub fn write_varint(out: &mut [u8], v: u64) -> usize {
    if v < 0x80 {
        out[0] = v as u8;
        return 1;
    }
    let len = varint_len(v);
    if len == 9 {
        out[8] = v as u8;
        let mut rest = v >> 8;
        for byte in out[..8].iter_mut().rev() {
            *byte = (rest as u8 & 0x7f) | 0x80;
            rest >>= 7;
        }
        return 9;
    }
    let mut rest = v;
    for (index, byte) in out[..len].iter_mut().enumerate().rev() {
        let continues = if index + 1 < len { 0x80 } else { 0 };
        *byte = (rest as u8 & 0x7f) | continues;
        rest >>= 7;
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_varint(bytes: &[u8]) -> (u64, usize) {
        let mut v = 0u64;
        for (index, &byte) in bytes.iter().enumerate().take(8) {
            v = (v << 7) | u64::from(byte & 0x7f);
            if byte & 0x80 == 0 {
                return (v, index + 1);
            }
        }
        ((v << 8) | u64::from(bytes[8]), 9)
    }

    #[test]
    fn varints_round_trip_at_every_width_boundary() {
        for shift in 0..64 {
            for v in [1u64 << shift, (1u64 << shift) - 1, (1u64 << shift) + 1] {
                let mut out = Vec::new();
                put_varint(&mut out, v);
                assert_eq!(out.len(), varint_len(v), "{v}");
                assert_eq!(read_varint(&out), (v, out.len()), "{v}");
            }
        }
        let mut out = Vec::new();
        put_varint(&mut out, u64::MAX);
        assert_eq!(out, [0xff; 9]);
        out.clear();
        put_varint(&mut out, 0x7f);
        assert_eq!(out, [0x7f]);
        out.clear();
        put_varint(&mut out, 0x80);
        assert_eq!(out, [0x81, 0x00]);
    }

    #[test]
    fn integers_take_the_smallest_serial_type() {
        let cases = [
            (0, 8, 0),
            (1, 9, 0),
            (2, 1, 1),
            (-128, 1, 1),
            (128, 2, 2),
            (-32769, 3, 3),
            (1 << 23, 4, 4),
            (1 << 31, 5, 6),
            (1_767_323_045_123, 5, 6),
            (1 << 47, 6, 8),
            (i64::MIN, 6, 8),
        ];
        for (i, serial, body) in cases {
            let value = Value::Int(i);
            assert_eq!(
                (value.serial_type(), body_len(value.serial_type())),
                (serial, body),
                "{i}"
            );
        }
        for text in ["", "a", "é", "ab\x1fc"] {
            let serial = Value::Text(text).serial_type();
            assert_eq!(body_len(serial), text.len());
        }
        assert_eq!(body_len(Value::Real(0.5).serial_type()), 8);
    }

    #[test]
    fn a_record_with_a_two_byte_header_counts_its_own_length() {
        // 70 one-byte serial types: the header is 70 + 2 = 72 bytes, < 128, so one byte...
        let small = vec![Value::Null; 70];
        let mut out = Vec::new();
        encode(&small, &mut out);
        assert_eq!(out[0], 71);
        // ...but 127 types need 127 + 2 = 129 bytes: a two-byte varint.
        let large = vec![Value::Null; 127];
        out.clear();
        encode(&large, &mut out);
        assert_eq!(read_varint(&out), (129, 2));
        assert_eq!(out.len(), 129);
    }

    #[test]
    fn joined_text_is_the_pieces_with_separators() {
        let pieces = ["a".to_owned(), "".to_owned(), "bc".to_owned()];
        let mut joined = Vec::new();
        encode(&[Value::Joined(&pieces, 0x1f)], &mut joined);
        let mut text = Vec::new();
        encode(&[Value::Text("a\x1f\x1fbc")], &mut text);
        assert_eq!(joined, text);
    }
}
