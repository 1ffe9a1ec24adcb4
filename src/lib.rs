//! activation-journal: a journal of software-licence activation attempts
//! made by phone, kept in SQLite, with a REST API and a command line.
//!
//! The layers, each in its own module:
//!
//! Data flows one way: [`wire`] → [`domain`] → [`store`] → [`summary`], and
//! back out through the entities the store returns.
//!
//! - [`domain`] — parsed newtypes (Installation ID, Confirmation ID,
//!   product key), closed sets, entities, `New*` values and `*Patch`es and
//!   the rules across their fields; no HTTP, no SQL, no serde wire shapes.
//! - [`wire`] — request bodies (serde, OpenAPI) and their `TryFrom` into
//!   domain values; shared by the routes, export/import and the CLI.
//! - [`store`] — every SQL statement; takes and returns domain values; no HTTP.
//! - [`summary`] — the summaries' shapes and pure arithmetic; no store, no I/O.
//! - [`portable`] — export and import documents (JSON, CSV zip).
//! - [`secrets`] — the key file and the sealing of product keys.
//! - [`config`] — settings: defaults < environment < flags.
//! - [`cli`] — the command line; [`demo`] — the story told in the README.
//! - [`startup`] — the HTTP server; [`routes`] — one file a resource;
//!   [`error`] — problem+json errors; [`auth`] — bearer tokens.
//! - [`i18n`] — the languages (en, ja) and their catalogues in `locales/`,
//!   read by the pages, the API's messages and the command line.
//! - [`web`] — the web pages (askama templates); [`body`] and
//!   [`multipart`] — request bodies as the API and the pages both read them.

pub mod auth;
pub mod body;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod multipart;
pub mod portable;
pub mod routes;
pub mod secrets;
pub mod startup;
pub mod store;
pub mod summary;
pub mod web;
pub mod wire;

// The pages' catalogues (`locales/en.yml`, `locales/ja.yml`), compiled in.
rust_i18n::i18n!("locales");
