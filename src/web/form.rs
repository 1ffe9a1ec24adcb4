//! What the pages' forms share: a form section turned into a request body
//! field by field ([`parsed`], through the field declarations of `wire/`,
//! then the domain's parse — no JSON in between), the choices of a closed
//! set, a license's label, and pasted `slmgr` output read into a license's
//! fields. Read by the page groups (`calls`, `journal`),
//! which do not read each other.

use super::session::Form;
use super::Tr;
use crate::domain::enums::ClosedSet;
use crate::domain::shape::Kind;
use crate::domain::{slmgr, FieldErrors, License};
use crate::wire::Body;

/// A closed set as `(value, label)` choices.
pub fn choices<T: ClosedSet>(t: &Tr) -> Vec<(String, String)> {
    T::all().iter().map(|v| (v.name().to_string(), t.e(*v))).collect()
}

/// A license as a person names it: product, edition and channel.
pub fn license_label(l: &License, t: &Tr) -> String {
    let edition = l.edition.as_deref().map(|e| format!(" {e}")).unwrap_or_default();
    format!("{}{edition} · {}", l.product, t.e(l.channel))
}

/// The body `W` of a form section: every declared field of `W` the form
/// holds (as `prefix` + name, not blank), set from its text by its
/// declared type. A text that is not of its field's type is an error named
/// after the form's field. (A list of objects — an attempt's questions — is
/// the caller's to set.)
pub fn body<W: Body>(form: &Form, prefix: &str, errors: &mut FieldErrors) -> W {
    let names: Vec<(String, &'static str)> = W::FIELDS
        .iter()
        .filter(|f| !matches!(f.kind, Kind::Objects { .. }))
        .map(|f| (format!("{prefix}{}", f.name), f.name))
        .collect();
    let texts = names.iter().filter_map(|(field, name)| form.get(field).map(|v| (*name, v)));
    let (body, own) = W::from_texts(texts);
    errors.0.extend(own.prefixed(prefix).0);
    body
}

/// Parse a form section into a domain value, its errors named after the
/// form's fields (`prefix` before each): [`body`], then the domain's parse
/// as for a JSON body.
pub fn parsed<W, D>(form: &Form, prefix: &str, errors: &mut FieldErrors) -> Option<D>
where
    W: Body,
    D: for<'a> TryFrom<&'a W, Error = FieldErrors>,
{
    let before = errors.0.len();
    let body = body::<W>(form, prefix, errors);
    match D::try_from(&body) {
        Ok(d) if errors.0.len() == before => Some(d),
        Ok(_) => None,
        Err(e) => {
            errors.0.extend(e.prefixed(prefix).0);
            None
        }
    }
}

/// Read pasted `slmgr` output (the field `slmgr`) into a license form's
/// fields (`prefix` before each: `license.` on the call form, which also
/// takes the Installation ID and switches its license to a new one); the
/// errors (an Installation ID that does not check) and what the text said.
pub fn fill_from_slmgr(t: &Tr, form: &mut Form, prefix: &str) -> (Vec<crate::domain::FieldError>, String) {
    let s = slmgr::read(&form.raw("slmgr"));
    let call_form = !prefix.is_empty();
    let mut errors = Vec::new();
    let mut put = |name: String, value: Option<String>| {
        if let Some(v) = value {
            form.0.retain(|(k, _)| *k != name);
            form.0.push((name, v));
        }
    };
    let found = s.edition.is_some() || s.windows_channel.is_some();
    put(format!("{prefix}edition"), s.edition.clone());
    put(format!("{prefix}channel"), s.channel.map(|c| c.as_str().to_string()));
    if call_form {
        put("license_id".into(), found.then(|| "new".to_string()));
        match &s.installation_id {
            Some(Ok(iid)) => put("installation_id".into(), Some(iid.to_string())),
            Some(Err(e)) => {
                errors.push(crate::domain::FieldError { field: "installation_id".into(), message: e.to_string() })
            }
            None => {}
        }
    }
    let mut said = Vec::new();
    for (key, value) in [
        ("license.edition", &s.edition),
        ("slmgr.windows_channel", &s.windows_channel),
        ("slmgr.partial_key", &s.partial_product_key),
        ("slmgr.status", &s.license_status),
    ] {
        if let Some(v) = value {
            said.push(format!("{}: {v}", t.s(key)));
        }
    }
    if s.windows_channel.as_deref() == Some("RETAIL") {
        said.push(t.s("slmgr.retail_hint"));
    }
    if said.is_empty() {
        said.push(t.s("slmgr.nothing"));
    }
    (errors, said.join(" · "))
}
