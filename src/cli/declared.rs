//! Command-line flags made from a body's field declarations
//! (`wire::Body::FIELDS`): one `--field-name` a declared field, its help
//! from the field's label and kind, its value set on the body as a form's
//! text is ([`crate::wire::Body::set_text`]) and parsed by the same domain
//! rules as the API's. A field added to a declaration is a flag without a
//! line here; a command keeps its own flags only for fields it reads
//! otherwise (a machine by name, a key read without echo, repeated
//! questions), listed in its [`FlagSet::OWN`].

use std::marker::PhantomData;

use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};

use crate::domain::shape::{FieldDecl, Kind};
use crate::domain::FieldErrors;
use crate::wire::Body;

/// Which body a command's declared flags fill, and the fields it has flags
/// of its own for.
pub trait FlagSet: 'static {
    type Body: Body;
    /// Fields with a flag of their own (or none), left out of the declared ones.
    const OWN: &'static [&'static str];
}

/// The declared flags given on a command line: `(field, text)` in the
/// declarations' order.
#[derive(Debug)]
pub struct Declared<S> {
    given: Vec<(&'static str, String)>,
    set: PhantomData<S>,
}

impl<S> Clone for Declared<S> {
    fn clone(&self) -> Self {
        Self { given: self.given.clone(), set: PhantomData }
    }
}

impl<S> Default for Declared<S> {
    fn default() -> Self {
        Self { given: Vec::new(), set: PhantomData }
    }
}

impl<S: FlagSet> Declared<S> {
    /// The fields that are flags here.
    fn fields() -> impl Iterator<Item = &'static FieldDecl> {
        S::Body::FIELDS.iter().filter(|f| !S::OWN.contains(&f.name) && !matches!(f.kind, Kind::Objects { .. }))
    }

    /// Give a field's value (as `call` does with what it asked).
    pub fn set(&mut self, field: &'static str, value: impl Into<String>) {
        self.given.retain(|(f, _)| *f != field);
        self.given.push((field, value.into()));
    }

    /// A field's value as given.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.given.iter().find(|(f, _)| *f == field).map(|(_, v)| v.as_str())
    }

    /// Set the given fields on `body`; a text that is not of its field's
    /// type is an error named after the field.
    pub fn apply(&self, body: &mut S::Body) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        for (field, raw) in &self.given {
            if let Some(Err(message)) = body.set_text(field, raw) {
                errors.0.push(crate::domain::FieldError { field: field.to_string(), message });
            }
        }
        if errors.0.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A field's flag: `--phone-number NUMBER`, its help said from its label
/// and what it takes.
fn flag(f: &'static FieldDecl) -> Arg {
    let label = crate::_rust_i18n_translate("en", f.label);
    let (value, takes): (&str, String) = match f.kind {
        Kind::OneOf(set) => ("NAME", format!("one of {}", set.members.join(", "))),
        Kind::SetOf(set) => ("NAMES", format!("comma-separated, of {}", set.members.join(", "))),
        Kind::Time => (
            "TIME",
            "a local time like \"2014-05-10 10:05\" (in the household's time zone) or 2014-05-10T10:05:00+09:00".into(),
        ),
        Kind::Date => ("DATE", "YYYY-MM-DD".into()),
        Kind::Id => ("ID", "an id".into()),
        Kind::Int { min, max } => ("N", format!("{min}–{max}")),
        Kind::Ints { min, max, .. } => ("N,…", format!("numbers {min}–{max}, comma-separated")),
        Kind::Bool => ("BOOL", "true or false".into()),
        Kind::Line { max } | Kind::Name { max } => ("TEXT", format!("one line, at most {max} characters")),
        Kind::Text { max } => ("TEXT", format!("at most {max} characters")),
        Kind::Code { max, .. } => ("TEXT", format!("as typed, at most {max} characters")),
        Kind::Objects { .. } => ("JSON", String::new()),
    };
    let arg = Arg::new(f.name)
        .long(f.name.replace('_', "-"))
        .value_name(value)
        .help(format!("{label} ({takes})"))
        .action(ArgAction::Set)
        .allow_negative_numbers(matches!(f.kind, Kind::Int { .. } | Kind::Id));
    // When the call was is said most often: `--at` too.
    if f.name == "started_at" {
        arg.visible_alias("at")
    } else {
        arg
    }
}

impl<S: FlagSet> FromArgMatches for Declared<S> {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let mut d = Self::default();
        for f in Self::fields() {
            if let Some(v) = m.get_one::<String>(f.name) {
                d.given.push((f.name, v.clone()));
            }
        }
        Ok(d)
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl<S: FlagSet> Args for Declared<S> {
    fn augment_args(cmd: Command) -> Command {
        Self::fields().fold(cmd, |cmd, f| cmd.arg(flag(f)))
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}
