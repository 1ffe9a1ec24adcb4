//! The key file's check before `serve`: a journal holding sealed values
//! opens only with the key file they were sealed with, whose fingerprint it
//! records. The check itself is the one every sealing write runs
//! ([`Store::key_check_on`], on the writer's thread).

use super::{Store, StoreError};

impl Store {
    /// Before `serve`: refuse a key file that is missing or not this
    /// journal's while the journal holds sealed values (see
    /// [`Store::key_check_on`]); no key file is made here.
    pub async fn check_key_file(&self) -> Result<(), StoreError> {
        let this = self.clone();
        self.write(move |conn| this.key_check_on(conn, false)).await
    }
}
