//! Building and running the HTTP server.

use crate::config::Settings;

/// Migrate, then serve until SIGINT or SIGTERM.
pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    anyhow::bail!("serve is not built yet (db {})", settings.db.display())
}
