//! `attach`, `attachments`, `attachment get|edit|archive|unarchive`: photos and
//! PDFs of a license, machine, case or attempt from the command line. The
//! file is prepared (type sniffed, location data out, thumbnail) and stored
//! by the same domain and store calls as the API's upload.

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::correct::{
    archive, edit_body, print_row, unarchive, written, AttachmentEdit, Edit, Shown, Target, ATTACHMENT,
};
use super::show::{here, or_dash, print_json, print_table};
use super::{stored, Paging};
use crate::cli::hint::more;
use crate::cli::table::Words;
use crate::domain::attachment::MAX_BYTES;
use crate::domain::{AttachedTo, Attachment, NewAttachment, UploadError};
use crate::store::{Actor, AttachmentBytes, Store, WriteCtx};

/// `attachment …`
#[derive(Debug, Subcommand)]
pub enum AttachmentCommand {
    /// Write an attachment's file (as stored: location data taken out).
    #[command(
        after_help = "Examples:\n  activation-journal attachment get 3 --out sticker.jpg\n  activation-journal attachment get 3 --out - | file -"
    )]
    Get {
        /// Its id.
        id: i64,
        /// Where to write it; `-` writes to standard output when that is not a terminal.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Write over a file that exists.
        #[arg(long)]
        force: bool,
    },
    /// Change an attachment's caption (`--clear caption` empties it).
    #[command(
        after_help = "Examples:\n  activation-journal attachment edit 3 --caption \"the sticker on the box\"\n  activation-journal attachment edit 3 --clear caption"
    )]
    Edit(Edit<AttachmentEdit>),
    /// Archive an attachment (`unarchive` undoes it).
    #[command(after_help = "Example:\n  activation-journal attachment archive 3")]
    Archive(Target),
    /// Bring an archived attachment back.
    #[command(after_help = "Example:\n  activation-journal attachment unarchive 3")]
    Unarchive(Shown),
}

/// `attach ENTITY ID FILE`: attach a photo or PDF.
pub async fn attach(
    store: &Store,
    x: &Words,
    entity: AttachedTo,
    id: i64,
    file: &Path,
    caption: Option<&str>,
    json: bool,
) -> anyhow::Result<()> {
    let t = crate::cli::lang::t();
    let caption =
        crate::wire::attachment_caption(caption).map_err(|e| anyhow::anyhow!("--{}", crate::cli::fields_said(&e)))?;
    let refused = |m: &crate::i18n::Msg| anyhow::anyhow!("{}: {}", file.display(), t.msg(m));
    let size = std::fs::metadata(file).map_err(|e| crate::cli::portable::cannot_read(file, e))?.len();
    if size > MAX_BYTES as u64 {
        return Err(refused(&crate::i18n::Msg::new("msg.file_too_large")));
    }
    let bytes = std::fs::read(file).map_err(|e| crate::cli::portable::cannot_read(file, e))?;
    let new = tokio::task::spawn_blocking(move || NewAttachment::prepare(entity, id, caption, &bytes)).await?.map_err(
        |e| match e {
            UploadError::Unsupported => refused(&crate::i18n::Msg::new("msg.attachment_import.unsupported")),
            UploadError::Fields(f) => {
                anyhow::anyhow!("{}: {}", file.display(), t.errors(&f).trim_start_matches("file: "))
            }
        },
    )?;
    let actor = Actor::cli();
    let a: Attachment = stored(store.create_attachment(&WriteCtx::new(&actor), &new).await)?;
    if json {
        return print_json(&a);
    }
    print_table(x, &attachments_table(x, std::slice::from_ref(&a)))
}

/// `attachments ENTITY ID`: the attachments of one row.
pub async fn list(store: &Store, x: &Words, entity: AttachedTo, id: i64, paging: &Paging) -> anyhow::Result<()> {
    let page = store.attachments(entity, id, &paging.page()?).await?;
    if paging.json {
        return print_json(&page);
    }
    print_table(x, &attachments_table(x, &page.items))?;
    more(&page.next_cursor);
    Ok(())
}

/// `attachment …`
pub async fn attachment_command(store: &Store, x: &Words, c: AttachmentCommand) -> anyhow::Result<()> {
    match c {
        AttachmentCommand::Get { id, out, force } => {
            let (_, bytes) = store.attachment_bytes(id, AttachmentBytes::File).await?;
            write_out(&out, &bytes.unwrap_or_default(), force)
        }
        AttachmentCommand::Edit(e) => {
            let patch = edit_body::<_, crate::domain::AttachmentPatch>(&e, |_| {})?;
            let actor = Actor::cli();
            let a = written(store.update_attachment(&WriteCtx::new(&actor), e.id, &patch).await)?;
            print_row(store, x, a, e.json).await
        }
        AttachmentCommand::Archive(t) => archive(store, &ATTACHMENT, t).await,
        AttachmentCommand::Unarchive(s) => unarchive(store, x, &ATTACHMENT, s).await,
    }
}

/// Write `bytes` to `out`: `-` is standard output, refused on a terminal;
/// a file that exists is kept unless `force`. A new file is made 0600 (a
/// sticker's photo shows a product key).
fn write_out(out: &Path, bytes: &[u8], force: bool) -> anyhow::Result<()> {
    if out == Path::new("-") {
        let stdout = std::io::stdout();
        if stdout.is_terminal() {
            anyhow::bail!(crate::cli::lang::s("cli.io.to_terminal"));
        }
        let mut lock = stdout.lock();
        lock.write_all(bytes)?;
        return Ok(lock.flush()?);
    }
    let io = |e: std::io::Error| crate::cli::portable::cannot_write(out, e);
    let mut file = match crate::secrets::new_file(out, true) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && force => std::fs::File::create(out).map_err(io)?,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            anyhow::bail!(crate::cli::lang::f("cli.io.exists", &[("path", &out.display().to_string())]))
        }
        Err(e) => return Err(io(e)),
    };
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)?;
    let (path, size) = (out.display().to_string(), size(bytes.len() as i64));
    eprintln!("{}", crate::cli::lang::f("cli.io.wrote_size", &[("path", &path), ("size", &size)]));
    Ok(())
}

/// Attachments as people read them.
pub(super) fn attachments_table(x: &Words, rows: &[Attachment]) -> comfy_table::Table {
    let mut t =
        x.table(&["cli.col.id", "cli.col.entity", "cli.col.caption", "cli.col.type", "cli.col.size", "cli.col.added"]);
    for a in rows {
        t.add_row(vec![
            a.id.to_string(),
            format!(
                "{} {}",
                crate::cli::lang::s(&format!("msg.noun.{}", crate::domain::enums::ClosedSet::name(a.entity))),
                a.entity_id
            ),
            or_dash(&a.caption),
            crate::domain::attachment::extension(a.media_type).to_ascii_uppercase(),
            size(a.size),
            here(&a.created_at),
        ]);
    }
    t
}

/// A size in bytes as a person reads it: `512 B`, `34 KiB`, `2.5 MiB`.
pub fn size(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{} KiB", b / 1024),
        b => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
    }
}
