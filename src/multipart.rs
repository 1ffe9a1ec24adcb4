//! `multipart/form-data` bodies (RFC 7578), as the pages' upload form
//! sends them: the boundary from the request's `Content-Type`, and the
//! parts of a body already read whole (bounded by [`crate::body::read_body`]).
//! Beside [`crate::body`] and below the pages, so that any form with a file
//! reads it the same way; it knows no form's fields and no entity.

use actix_web::http::header;
use actix_web::HttpRequest;

/// The parts of a form: each field's name and bytes, in the order sent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parts(pub Vec<(String, Vec<u8>)>);

impl Parts {
    /// The bytes of the first part named `name`.
    pub fn field(&self, name: &str) -> Option<&[u8]> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_slice())
    }

    /// The part named `name` as text (absent: empty; bytes that are not
    /// UTF-8 replaced, as a browser never sends them for a text field).
    pub fn text(&self, name: &str) -> String {
        String::from_utf8_lossy(self.field(name).unwrap_or_default()).into_owned()
    }
}

/// The boundary of a `multipart/form-data` request; `None` when the
/// request is not one.
pub fn boundary(req: &HttpRequest) -> Option<String> {
    let ct = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
    let (kind, params) = ct.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.eq_ignore_ascii_case("boundary").then(|| v.trim_matches('"').to_string())
    })
}

/// The parts of a `multipart/form-data` body; `None` when it is not one
/// (never a panic, whatever the bytes).
pub fn parse(body: &[u8], boundary: &str) -> Option<Parts> {
    if boundary.is_empty() {
        return None;
    }
    let delimiter = format!("--{boundary}").into_bytes();
    let find = |hay: &[u8], from: usize| -> Option<usize> {
        hay.get(from..)?.windows(delimiter.len()).position(|w| w == delimiter.as_slice()).map(|i| i + from)
    };
    let mut at = find(body, 0)? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body.get(at..at + 2) == Some(b"--") {
            return Some(Parts(parts));
        }
        let start = at + 2; // past CRLF
        let headers_end = body.get(start..)?.windows(4).position(|w| w == b"\r\n\r\n")? + start;
        let headers = String::from_utf8_lossy(body.get(start..headers_end)?);
        let next = find(body, headers_end + 4)?;
        let content = body.get(headers_end + 4..next.checked_sub(2)?)?;
        let name =
            headers.lines().find(|l| l.to_ascii_lowercase().starts_with("content-disposition")).and_then(|l| {
                l.split(';').find_map(|p| p.trim().strip_prefix("name=").map(|v| v.trim_matches('"').to_string()))
            })?;
        parts.push((name, content.to_vec()));
        at = next + delimiter.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multipart_body_gives_its_fields_and_file() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1\r\n\r\nx\r\n--XyZ--\r\n";
        let parts = parse(body, "XyZ").unwrap();
        assert_eq!(parts.text("csrf"), "abc");
        assert_eq!(parts.field("file"), Some(&b"%PDF-1\r\n\r\nx"[..]));
        assert_eq!(parts.text("caption"), "");
        assert_eq!(parse(b"not a form", "XyZ"), None);
        assert_eq!(parse(b"--XyZ\r\nbroken", "XyZ"), None);
        assert_eq!(parse(body, ""), None);
    }

    #[test]
    fn the_boundary_comes_from_the_content_type() {
        let req =
            |ct: &str| actix_web::test::TestRequest::default().insert_header(("content-type", ct)).to_http_request();
        assert_eq!(boundary(&req("multipart/form-data; boundary=\"a b\"")).as_deref(), Some("a b"));
        assert_eq!(boundary(&req("Multipart/Form-Data;charset=utf-8; Boundary=x")).as_deref(), Some("x"));
        assert_eq!(boundary(&req("application/x-www-form-urlencoded")), None);
        assert_eq!(boundary(&req("multipart/form-data")), None);
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_are_a_form_or_not_never_a_panic(body in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let mut framed = b"--b\r\n".to_vec();
            framed.extend_from_slice(&body);
            let _ = parse(&body, "b");
            let _ = parse(&framed, "b");
        }
    }
}
