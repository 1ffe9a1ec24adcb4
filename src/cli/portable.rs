//! `export` and `import`: a file written whole or not at all (a partial
//! one is removed), a spinner on a terminal, and the import's report.

use std::path::PathBuf;

use super::{create, lang, open};
use crate::config::Settings;
use crate::portable::Format;
use crate::store::Actor;

fn stderr_is_terminal() -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stderr())
}

/// A spinner on stderr while `what` runs, when stderr is a terminal.
fn spinner(what: &str) -> indicatif::ProgressBar {
    if !stderr_is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner().with_message(what.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

pub(super) async fn export(
    settings: &Settings,
    format: Format,
    out: Option<PathBuf>,
    secrets: bool,
    force: bool,
) -> anyhow::Result<()> {
    if let Some(path) = &out {
        if path.exists() && !force {
            anyhow::bail!(lang::f("cli.io.exists", &[("path", &path.display().to_string())]));
        }
    } else if format == Format::Csv && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        anyhow::bail!(lang::s("cli.io.zip_to_terminal"));
    }
    let store = open(settings).await?;
    let bar = spinner(&lang::s("cli.portable.exporting"));
    let head = crate::portable::Head::now(secrets);
    // Rows go out as they are read: to a temporary file renamed when
    // complete, or to stdout (a reader that closes the pipe ends it quietly).
    let result = match &out {
        Some(path) => {
            let (partial, file) = Partial::create(path, secrets)?;
            let written = async {
                let mut w = crate::portable::ExportWriter::new(format, std::io::BufWriter::new(file), &head)
                    .map_err(anyhow::Error::msg)?;
                store.export_into(&Actor::cli(), secrets, &mut w).await?;
                let counts = w.counts();
                w.finish().map_err(anyhow::Error::msg)?.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?.sync_all()?;
                anyhow::Ok(counts)
            }
            .await;
            written.and_then(|counts| partial.keep().map(|()| counts))
        }
        None => {
            let stdout = Quiet::new(std::io::stdout().lock());
            let mut w = crate::portable::ExportWriter::new(format, std::io::BufWriter::new(stdout), &head)
                .map_err(anyhow::Error::msg)?;
            store.export_into(&Actor::cli(), secrets, &mut w).await?;
            let counts = w.counts();
            w.finish().map_err(anyhow::Error::msg)?;
            Ok(counts)
        }
    };
    store.close().await;
    bar.finish_and_clear();
    let c = result?;
    let to = out.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| lang::s("cli.io.stdout"));
    let n = c.total().to_string();
    eprintln!("{}", lang::f("cli.portable.exported", &[("n", &n), ("to", &to), ("counts", &counted(&c))]));
    if secrets {
        eprintln!("{}: {}", lang::s("cli.warning"), lang::s("cli.portable.secrets_in_clear"));
    } else if c.attachments > 0 {
        let note = crate::i18n::Msg::new("cli.portable.files_left_out").arg("n", c.attachments);
        eprintln!("{}", super::lang::t().msg(&note));
    }
    Ok(())
}

/// A file written through a temporary file and a rename, so a failure
/// never leaves half an export; with secrets it is readable by its owner
/// only. A temporary file left by an interrupted export (or a symlink in
/// its place) is removed, never written through: the new one is made
/// fresh, with its mode from the start ([`crate::secrets::new_file`]).
/// Dropped without [`Partial::keep`], the temporary file is removed.
struct Partial {
    tmp: PathBuf,
    path: PathBuf,
    kept: bool,
}

impl Partial {
    fn create(path: &std::path::Path, secrets: bool) -> anyhow::Result<(Self, std::fs::File)> {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "export".into());
        let tmp = dir.join(format!(".{name}.partial"));
        let fail = |e: std::io::Error| cannot_write(path, e);
        match std::fs::remove_file(&tmp) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(fail(e)),
            _ => {}
        }
        let file = crate::secrets::new_file(&tmp, secrets).map_err(fail)?;
        Ok((Self { tmp, path: path.to_path_buf(), kept: false }, file))
    }

    /// Put the finished file in place.
    fn keep(mut self) -> anyhow::Result<()> {
        std::fs::rename(&self.tmp, &self.path).map_err(|e| cannot_write(&self.path, e))?;
        self.kept = true;
        Ok(())
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// `could not write PATH: why`, in the run's language.
pub(crate) fn cannot_write(path: &std::path::Path, e: std::io::Error) -> anyhow::Error {
    let msg = crate::i18n::Msg::new("cli.io.cannot_write")
        .arg("path", path.display())
        .inner("detail", crate::i18n::Msg::io(&e));
    anyhow::anyhow!(lang::t().msg(&msg))
}

/// `could not read PATH: why`, in the run's language.
pub(crate) fn cannot_read(path: &std::path::Path, e: std::io::Error) -> anyhow::Error {
    let msg = crate::i18n::Msg::new("msg.cannot_read_file")
        .arg("path", path.display())
        .inner("detail", crate::i18n::Msg::io(&e));
    anyhow::anyhow!(lang::t().msg(&msg))
}

/// Why a file is not an export, in the run's language: its rows' and
/// fields' errors, or the parser's own words after ours.
fn decode_said(e: &crate::portable::DecodeError) -> String {
    use crate::portable::DecodeError;
    let t = lang::t();
    match e {
        DecodeError::Invalid(fields) => crate::cli::fields_said(fields),
        DecodeError::NotJson(e) => t.msg(&crate::i18n::Msg::new("cli.portable.not_json").arg("detail", e)),
        DecodeError::BadZip(d) | DecodeError::Order(d) => {
            t.msg(&crate::i18n::Msg::new("cli.portable.bad_zip").arg("detail", d))
        }
    }
}

/// An export's rows by kind (`2 PCs, 1 license, …`), in the run's language.
fn counted(c: &crate::portable::Counts) -> String {
    let t = lang::t();
    let parts: Vec<String> = crate::portable::ENTITIES
        .iter()
        .zip(c.by_entity())
        .map(|(e, n)| {
            t.f(
                "cli.portable.count",
                &[("n", &n.to_string()), ("what", &t.s(&format!("cli.portable.rows.{}", e.replace('-', "_"))))],
            )
        })
        .collect();
    t.list(&parts)
}

/// Whether a file is a zip (the CSV form of an export), by its first bytes.
fn is_zip(file: &std::path::Path) -> anyhow::Result<bool> {
    let mut magic = [0u8; 4];
    let mut f = std::fs::File::open(file).map_err(|e| cannot_read(file, e))?;
    let n = std::io::Read::read(&mut f, &mut magic).map_err(|e| cannot_read(file, e))?;
    Ok(n == 4 && &magic == b"PK\x03\x04")
}

/// Stdout that a reader may close early (`export | head`): from then on,
/// what is written is dropped, quietly, as `print_out` does.
struct Quiet<W> {
    inner: W,
    closed: bool,
}

impl<W> Quiet<W> {
    fn new(inner: W) -> Self {
        Self { inner, closed: false }
    }
}

impl<W: std::io::Write> std::io::Write for Quiet<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.inner.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other if self.closed => other.or(Ok(())),
            other => other,
        }
    }
}

pub(super) async fn import(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    let refused = |e: &crate::portable::DecodeError| {
        anyhow::anyhow!(lang::f("cli.portable.refused", &[("detail", &decode_said(e))]))
    };
    let refused_fields = |e: &crate::domain::FieldErrors| {
        anyhow::anyhow!(lang::f("cli.portable.refused", &[("detail", &crate::cli::fields_said(e))]))
    };
    let store = create(settings).await?;
    let bar = if stderr_is_terminal() {
        indicatif::ProgressBar::new_spinner().with_message(lang::s("cli.portable.importing"))
    } else {
        indicatif::ProgressBar::hidden()
    };
    let progress = |done: usize| bar.set_message(lang::f("cli.portable.importing_rows", &[("n", &done.to_string())]));
    let streamed = if file.as_os_str() != "-" {
        // A file, JSON or a CSV zip, is read as a stream: a chunk of rows at a time, never the whole file.
        let zip = is_zip(file)?;
        let (tx, mut rx) = tokio::sync::mpsc::channel(2);
        let path = file.to_path_buf();
        // Set when the reader stopped because the import had stopped first
        // (a refused row): then the import's reason is the one to say.
        let cut = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let cut_by_import = std::sync::Arc::clone(&cut);
        let reader = std::thread::spawn(move || -> Result<bool, crate::portable::DecodeError> {
            let mut secrets = false;
            let send = |piece: crate::portable::Incoming| {
                if let crate::portable::Incoming::Head { includes_secrets } = &piece {
                    secrets = *includes_secrets;
                }
                tx.blocking_send(piece).map_err(|_| {
                    cut_by_import.store(true, std::sync::atomic::Ordering::Relaxed);
                    "the import stopped".to_string()
                })
            };
            if zip {
                crate::portable::stream_zip(&path, send)?;
            } else {
                let f = std::fs::File::open(&path).map_err(|e| {
                    crate::portable::DecodeError::Invalid(crate::domain::FieldErrors::one(
                        "document",
                        crate::i18n::Msg::new("msg.cannot_read_file")
                            .arg("path", path.display())
                            .inner("detail", crate::i18n::Msg::io(&e)),
                    ))
                })?;
                crate::portable::stream_json(f, send)?;
            }
            Ok(secrets)
        });
        let written = store.import_stream(&Actor::cli(), &mut rx, &progress).await;
        drop(rx);
        let read = reader.join().map_err(|_| {
            anyhow::anyhow!(lang::f("cli.portable.reader_failed", &[("path", &file.display().to_string())]))
        })?;
        let cut = cut.load(std::sync::atomic::Ordering::Relaxed);
        match (read, written) {
            // Not in export order (keys sorted by a tool, CSV rows
            // sorted otherwise): nothing was written; read it whole below.
            (Err(crate::portable::DecodeError::Order(_)), _) => None,
            // The file's own fault first: it says where (unless the
            // reader stopped only because the import had refused a row).
            (Err(e), _) if !cut => Some(Err(refused(&e))),
            (Ok(secrets), Ok(report)) => Some(Ok((report, secrets))),
            (_, Err(crate::store::StoreError::Invalid(e))) => Some(Err(refused_fields(&e))),
            (_, Err(e)) => Some(Err(e.into())),
            (Err(e), Ok(_)) => Some(Err(refused(&e))),
        }
    } else {
        None
    };
    let result = if let Some(r) = streamed {
        r
    } else {
        let bytes = if file.as_os_str() == "-" {
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut buf)?;
            buf
        } else {
            std::fs::read(file).map_err(|e| cannot_read(file, e))?
        };
        match crate::portable::decode(&bytes, None) {
            Err(e) => Err(refused(&e)),
            Ok(doc) => match store.import(&Actor::cli(), &doc, &progress).await {
                Ok(report) => Ok((report, doc.includes_secrets)),
                Err(crate::store::StoreError::Invalid(e)) => Err(refused_fields(&e)),
                Err(e) => Err(e.into()),
            },
        }
    };
    bar.finish_and_clear();
    store.close().await;
    let (report, includes_secrets) = result?;
    let (n, unchanged) = (report.created.total().to_string(), report.unchanged.total().to_string());
    let path = settings.db.display().to_string();
    eprintln!("{}", lang::f("cli.portable.imported", &[("n", &n), ("path", &path), ("unchanged", &unchanged)]));
    if !includes_secrets {
        eprintln!("{}: {}", lang::s("cli.note"), lang::s("cli.portable.no_secrets"));
    }
    if report.attachments_without_file > 0 {
        let note = crate::i18n::Msg::new("cli.portable.not_imported").arg("n", report.attachments_without_file);
        eprintln!("{}", super::lang::t().msg(&note));
    }
    Ok(())
}
