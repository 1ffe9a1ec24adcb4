//! Rows by name: one column list a table, declared with the struct that
//! holds a row's values ([`row!`]), from which the statements that write
//! and read packed rows are made. A column is written as
//! `value->>'name'` of a JSON object and read back as `json_object('name',
//! name, …)`, so no statement depends on the order of its columns, and a
//! column added to the struct is added to every statement that writes or
//! reads it.
//!
//! The statements are made once (at first use) from the lists below, which
//! are constants of the code: no value is ever formatted into them; values
//! travel as one bound JSON text. Each statement is run by the store's
//! tests against the migrated schema (the create, update and import tests
//! of each table), which is their compile check.

use std::fmt::Write as _;

/// How a column's JSON value is turned into its SQL value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sql {
    /// As it is (text, integer, real, null; `true`/`false` are 1/0).
    Value,
    /// A BLOB sent as hexadecimal text.
    Hex,
}

/// The columns of one table's row, in the order the struct declares them
/// (which no statement relies on).
#[derive(Debug, Clone, Copy)]
pub(super) struct Columns {
    pub table: &'static str,
    pub names: &'static [(&'static str, Sql)],
}

impl Columns {
    /// `INSERT INTO table (…) SELECT value->>'…', … FROM json_each(?1)`: the
    /// rows of a JSON array of objects, each holding every column by name
    /// (an `id` of null is given the next id).
    pub fn insert(&self) -> String {
        let mut names = String::new();
        let mut values = String::new();
        for (i, (name, sql)) in self.names.iter().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            let _ = write!(names, "{sep}\"{name}\"");
            let _ = match sql {
                Sql::Value => write!(values, "{sep}value->>'{name}'"),
                Sql::Hex => write!(values, "{sep}unhex(value->>'{name}')"),
            };
        }
        format!("INSERT INTO {} ({names}) SELECT {values} FROM json_each(?1)", self.table)
    }

    /// `UPDATE table SET … = ?1->>'…', … WHERE id = ?2`: one row's columns
    /// from one JSON object, all but `keep` (what an update never changes).
    pub fn update(&self, keep: &[&str]) -> String {
        let mut set = String::new();
        for (name, sql) in self.names.iter().filter(|(n, _)| !keep.contains(n)) {
            let sep = if set.is_empty() { "" } else { ", " };
            let _ = match sql {
                Sql::Value => write!(set, "{sep}\"{name}\" = ?1->>'{name}'"),
                Sql::Hex => write!(set, "{sep}\"{name}\" = unhex(?1->>'{name}')"),
            };
        }
        format!("UPDATE {} SET {set} WHERE id = ?2", self.table)
    }

    /// `json_object('…', "…", …)`: one row packed as an object of its
    /// columns by name, read back by the row struct's `Deserialize`.
    /// (SQLite hands one text a row, where sqlx would copy every value.)
    pub fn object(&self) -> String {
        self.object_with(&[])
    }

    /// [`Columns::object`] with some columns' values read from an
    /// expression of the code (`(column, expression)`) instead of the
    /// column itself: what a row answers with that it does not hold.
    pub fn object_with(&self, instead: &[(&str, &str)]) -> String {
        let mut out = String::from("json_object(");
        for (i, (name, _)) in self.names.iter().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            let _ = match instead.iter().find(|(column, _)| column == name) {
                Some((_, expr)) => write!(out, "{sep}'{name}', {expr}"),
                None => write!(out, "{sep}'{name}', \"{name}\""),
            };
        }
        out.push(')');
        out
    }
}

/// Declares a row struct and its [`Columns`] (`Self::COLUMNS`) from one list
/// of fields, so that a column is named once. A field marked `hex` is a
/// BLOB sent as hexadecimal text.
macro_rules! row {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident in $table:literal {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty $(as $sql:ident)? ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )+
        }

        impl $name {
            /// The table's columns, named as this struct's fields.
            pub const COLUMNS: $crate::store::rows::Columns = $crate::store::rows::Columns {
                table: $table,
                names: &[$( (stringify!($field), $crate::store::rows::row!(@sql $($sql)?)) ),+],
            };
        }
    };
    (@sql) => { $crate::store::rows::Sql::Value };
    (@sql hex) => { $crate::store::rows::Sql::Hex };
}
pub(super) use row;

/// A struct whose rows the writer reads by their columns' names: declares
/// the struct as written and `Self::by_name`, which reads each field from
/// the column of the same name of a rusqlite row (so a statement's column
/// order never matters, and a field is listed once).
macro_rules! by_name {
    ($(#[$meta:meta])* $vis:vis struct $name:ident { $($field:ident : $ty:ty),+ $(,)? }) => {
        $(#[$meta])*
        $vis struct $name { $($field: $ty),+ }

        impl $name {
            /// A row read by its columns' names.
            fn by_name(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                Ok(Self { $($field: r.get(stringify!($field))?),+ })
            }
        }
    };
}
pub(super) use by_name;

/// A statement made once from a column list.
pub(super) type Statement = std::sync::LazyLock<String>;

#[cfg(test)]
mod tests {
    use super::*;

    const C: Columns =
        Columns { table: "t", names: &[("id", Sql::Value), ("trigger", Sql::Value), ("sealed", Sql::Hex)] };

    #[test]
    fn statements_name_their_columns() {
        assert_eq!(
            C.insert(),
            "INSERT INTO t (\"id\", \"trigger\", \"sealed\") SELECT value->>'id', value->>'trigger', \
             unhex(value->>'sealed') FROM json_each(?1)"
        );
        assert_eq!(
            C.update(&["id"]),
            "UPDATE t SET \"trigger\" = ?1->>'trigger', \"sealed\" = unhex(?1->>'sealed') WHERE id = ?2"
        );
        assert_eq!(C.object(), "json_object('id', \"id\", 'trigger', \"trigger\", 'sealed', \"sealed\")");
        assert_eq!(
            C.object_with(&[("trigger", "upper(\"trigger\")")]),
            "json_object('id', \"id\", 'trigger', upper(\"trigger\"), 'sealed', \"sealed\")"
        );
    }
}
