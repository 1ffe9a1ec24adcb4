//! activation-journal: a journal of software-licence activation attempts
//! made by phone, kept in SQLite, with a REST API and a command line.
//!
//! The layers, each in its own module:
//!
//! - [`domain`] — parsed newtypes (Installation ID, Confirmation ID,
//!   product key), closed sets and entities; no HTTP, no SQL.
//! - [`store`] — every SQL statement; no HTTP.
//! - [`secrets`] — the key file and the sealing of product keys.
//! - [`config`] — settings: defaults < environment < flags.
//! - [`cli`] — the command line.
//! - [`startup`] — the HTTP server; [`routes`] — one file a resource;
//!   [`error`] — problem+json errors; [`auth`] — bearer tokens.

pub mod auth;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod portable;
pub mod routes;
pub mod secrets;
pub mod startup;
pub mod store;
pub mod summary;
