//! Where each key of a JSON text is: serde_json gives values, not positions, and a
//! problem is shown at the line of the field it concerns.

/// The offset of every key in a JSON text, by dotted path (`entries.0.index`); array
/// elements are paths too (`entries.0`), at their first character.
pub(super) fn key_offsets(text: &str, base: usize) -> Vec<(String, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut position = 0;
    scan(bytes, &mut position, "", base, &mut out);
    out
}

pub(super) fn skip_space(bytes: &[u8], position: &mut usize) {
    while *position < bytes.len() && bytes[*position].is_ascii_whitespace() {
        *position += 1;
    }
}

pub(super) fn scan_string(bytes: &[u8], position: &mut usize) -> String {
    let start = *position + 1;
    *position += 1;
    while *position < bytes.len() {
        match bytes[*position] {
            b'\\' => *position += 2,
            b'"' => {
                *position += 1;
                break;
            }
            _ => *position += 1,
        }
    }
    String::from_utf8_lossy(&bytes[start..position.saturating_sub(1).max(start)]).into_owned()
}

pub(super) fn scan(
    bytes: &[u8],
    position: &mut usize,
    path: &str,
    base: usize,
    out: &mut Vec<(String, usize)>,
) {
    skip_space(bytes, position);
    let join = |name: &str| {
        if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    match bytes.get(*position) {
        Some(b'{') => {
            *position += 1;
            loop {
                skip_space(bytes, position);
                match bytes.get(*position) {
                    Some(b'"') => {
                        let at = *position;
                        let key = scan_string(bytes, position);
                        let child = join(&key);
                        out.push((child.clone(), base + at));
                        skip_space(bytes, position);
                        *position += 1; // the colon
                        scan(bytes, position, &child, base, out);
                        skip_space(bytes, position);
                        if bytes.get(*position) == Some(&b',') {
                            *position += 1;
                        }
                    }
                    Some(b'}') => {
                        *position += 1;
                        return;
                    }
                    _ => return,
                }
            }
        }
        Some(b'[') => {
            *position += 1;
            let mut index = 0;
            loop {
                skip_space(bytes, position);
                match bytes.get(*position) {
                    Some(b']') => {
                        *position += 1;
                        return;
                    }
                    None => return,
                    Some(_) => {
                        let child = join(&index.to_string());
                        out.push((child.clone(), base + *position));
                        scan(bytes, position, &child, base, out);
                        index += 1;
                        skip_space(bytes, position);
                        if bytes.get(*position) == Some(&b',') {
                            *position += 1;
                        }
                    }
                }
            }
        }
        Some(b'"') => {
            scan_string(bytes, position);
        }
        Some(_) => {
            while *position < bytes.len()
                && !matches!(bytes[*position], b',' | b']' | b'}')
                && !bytes[*position].is_ascii_whitespace()
            {
                *position += 1;
            }
        }
        None => {}
    }
}
