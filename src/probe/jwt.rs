//! Lifetimes read from a JWT's payload (`exp - iat`), without verifying
//! it: the probe only wants the number the server wrote.

use serde_json::Value;

/// `exp - iat` in seconds when `token` is a JWS compact serialisation
/// whose payload has both.
pub fn lifetime_seconds(token: &str) -> Option<u64> {
    let mut parts = token.split('.');
    let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let json: Value = serde_json::from_slice(&base64url(payload)?).ok()?;
    let exp = json.get("exp")?.as_u64()?;
    let iat = json.get("iat")?.as_u64()?;
    exp.checked_sub(iat)
}

fn base64url(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in text.bytes().filter(|b| *b != b'=') {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jwt_gives_exp_minus_iat() {
        // {"alg":"none"} . {"iat":1000,"exp":1600}
        let token = "eyJhbGciOiJub25lIn0.eyJpYXQiOjEwMDAsImV4cCI6MTYwMH0.";
        assert_eq!(lifetime_seconds(token), Some(600));
        assert_eq!(lifetime_seconds("opaque-token"), None);
        assert_eq!(lifetime_seconds("a.b"), None);
    }
}
