//! The API's integration tests: one binary, a server on port 0 per test.

mod archive;
mod attachments;
mod attempts;
mod audit;
mod auth;
mod calendar;
mod cases;
mod errors;
mod follow_ups;
mod hardware_changes;
mod helpers;
mod idempotency;
mod licenses;
mod machines;
mod openapi;
mod parse;
mod portable;
mod search;
mod shape;
mod summaries;
mod versions;
mod web;
mod zone;
