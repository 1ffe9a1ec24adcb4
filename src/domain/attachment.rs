//! Attachments: a photo or PDF of a license, machine, case or attempt (the
//! box, the licence sticker, the receipt, the activation screen).
//!
//! Owns what an upload becomes before it is stored: its type sniffed from
//! its first bytes ([`sniff`]: JPEG, PNG, WebP, PDF — never the name or the
//! header it came with), its location data taken out on the bytes without
//! decoding them ([`strip_location`]: a JPEG's Exif and XMP segments, a
//! PNG's `eXIf` chunk and XMP text, a WebP's `EXIF` and `XMP ` chunks), and
//! its thumbnail, made once ([`thumbnail`]; a file that does not decode
//! keeps no thumbnail, never a panic). Knows no HTTP and no SQL.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::fields::{FieldErrors, Msg};
use super::{AttachedTo, MediaType};

/// The largest file taken: 20 MiB.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// The longest side of a thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 320;

/// The most pixels an image may have to be decoded for its thumbnail
/// (a 100-megapixel photo); a larger one keeps no thumbnail.
const MAX_PIXELS: u64 = 100_000_000;

/// An attachment as the API shows it (its bytes are fetched apart).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Attachment {
    pub id: i64,
    /// What it is attached to.
    pub entity: AttachedTo,
    pub entity_id: i64,
    pub caption: Option<String>,
    /// Sniffed from the bytes.
    pub media_type: MediaType,
    /// The stored file's size in bytes (after location data was taken out).
    pub size: i64,
    /// Whether a thumbnail was made (images that decode).
    pub thumbnail: bool,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
}

impl Attachment {
    /// The file name a download suggests: `attachment-3.jpg`.
    pub fn file_name(&self) -> String {
        format!("attachment-{}.{}", self.id, extension(self.media_type))
    }
}

/// The usual file extension of a media type.
pub fn extension(media_type: MediaType) -> &'static str {
    match media_type {
        MediaType::Jpeg => "jpg",
        MediaType::Png => "png",
        MediaType::Webp => "webp",
        MediaType::Pdf => "pdf",
    }
}

/// A parsed change to an attachment: its caption is all that changes
/// (`Some(None)` clears it; the file is the file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttachmentPatch {
    pub caption: Option<Option<String>>,
}

impl AttachmentPatch {
    /// The names of the fields it names.
    pub fn fields(&self) -> Vec<&'static str> {
        self.caption.as_ref().map(|_| "caption").into_iter().collect()
    }
}

/// A parsed, valid new attachment: its bytes as they will be stored
/// (location data out) and its thumbnail. The bytes are shared, not
/// copied, on their way to the writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub entity: AttachedTo,
    pub entity_id: i64,
    pub caption: Option<String>,
    pub media_type: MediaType,
    pub content: Arc<Vec<u8>>,
    pub thumbnail: Option<Arc<Vec<u8>>>,
}

/// Why an upload is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    /// Not a JPEG, PNG, WebP or PDF (415).
    #[error("the file is not a JPEG, PNG, WebP or PDF (its first bytes say what it is, not its name or Content-Type)")]
    Unsupported,
    /// A field is wrong (422).
    #[error("{0}")]
    Fields(FieldErrors),
}

impl From<FieldErrors> for UploadError {
    fn from(e: FieldErrors) -> Self {
        UploadError::Fields(e)
    }
}

impl NewAttachment {
    /// Check and prepare an upload: the file's type from its bytes, its
    /// location data taken out, its thumbnail made. `caption` is parsed
    /// already. CPU work (a thumbnail of a large photo): run it off the
    /// async threads.
    pub fn prepare(
        entity: AttachedTo,
        entity_id: i64,
        caption: Option<String>,
        bytes: &[u8],
    ) -> Result<Self, UploadError> {
        if bytes.is_empty() {
            return Err(FieldErrors::one("file", Msg::new("msg.file_empty")).into());
        }
        if bytes.len() > MAX_BYTES {
            return Err(FieldErrors::one("file", Msg::new("msg.file_too_large")).into());
        }
        let media_type = sniff(bytes).ok_or(UploadError::Unsupported)?;
        let content = strip_location(media_type, bytes).map_err(|m| FieldErrors::one("file", m))?;
        let thumbnail = thumbnail(media_type, &content).map(Arc::new);
        Ok(Self { entity, entity_id, caption, media_type, content: Arc::new(content), thumbnail })
    }
}

/// The type of a file from its first bytes, if it is one the journal keeps.
pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(MediaType::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(MediaType::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(MediaType::Webp)
    } else if bytes.starts_with(b"%PDF-") {
        Some(MediaType::Pdf)
    } else {
        None
    }
}

/// The file without its location data, changed on the bytes (nothing is
/// decoded or encoded again): a JPEG loses its APP1 (Exif, XMP) and APP13
/// (IPTC) segments, keeping only the Exif orientation (so a phone's photo
/// stays upright) in a new minimal Exif segment; a PNG loses `eXIf` and its
/// XMP and raw-profile text chunks; a WebP loses `EXIF` and `XMP ` (and
/// their flags). A PDF is kept as it is. An image whose structure cannot be
/// read is refused, since its location data could not be taken out.
pub fn strip_location(media_type: MediaType, bytes: &[u8]) -> Result<Vec<u8>, Msg> {
    match media_type {
        MediaType::Jpeg => strip_jpeg(bytes).ok_or_else(|| Msg::new("msg.jpeg_unreadable")),
        MediaType::Png => strip_png(bytes).ok_or_else(|| Msg::new("msg.png_unreadable")),
        MediaType::Webp => strip_webp(bytes).ok_or_else(|| Msg::new("msg.webp_unreadable")),
        MediaType::Pdf => Ok(bytes.to_vec()),
    }
}

fn be16(b: &[u8], at: usize) -> Option<usize> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]) as usize)
}

fn strip_jpeg(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    let mut at = 2;
    let mut orientation = None;
    let mut wrote_exif = false;
    loop {
        // Fill bytes (0xff) may stand before a marker.
        while bytes.get(at) == Some(&0xff) && bytes.get(at + 1) == Some(&0xff) {
            at += 1;
        }
        if *bytes.get(at)? != 0xff {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        if marker == 0xd9 || (0xd0..=0xd7).contains(&marker) || marker == 0x01 {
            // EOI or a marker without a length: copy it and go on.
            out.extend_from_slice(&bytes[at..at + 2]);
            at += 2;
            if marker == 0xd9 {
                out.extend_from_slice(&bytes[at..]);
                return Some(out);
            }
            continue;
        }
        let len = be16(bytes, at + 2)?;
        let end = at.checked_add(2 + len)?;
        if len < 2 || end > bytes.len() {
            return None;
        }
        let payload = &bytes[at + 4..end];
        match marker {
            0xe1 => {
                if payload.starts_with(b"Exif\0\0") {
                    orientation = orientation.or_else(|| exif_orientation(&payload[6..]));
                }
            }
            0xed => {}
            0xda => {
                // Start of scan: the entropy-coded data and the rest follow as they are.
                out.extend_from_slice(&bytes[at..]);
                return Some(out);
            }
            _ => {
                // Before the first segment that is not APP0 (JFIF), put back the orientation.
                if marker != 0xe0 && !wrote_exif {
                    wrote_exif = true;
                    if let Some(o) = orientation.filter(|o| *o != 1) {
                        out.extend_from_slice(&minimal_exif(o));
                    }
                }
                out.extend_from_slice(&bytes[at..end]);
            }
        }
        at = end;
    }
}

/// The orientation (tag 0x0112) in a TIFF structure's first IFD.
fn exif_orientation(tiff: &[u8]) -> Option<u16> {
    let big = match tiff.get(..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b = [*tiff.get(at)?, *tiff.get(at + 1)?];
        Some(if big { u16::from_be_bytes(b) } else { u16::from_le_bytes(b) })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b = [*tiff.get(at)?, *tiff.get(at + 1)?, *tiff.get(at + 2)?, *tiff.get(at + 3)?];
        Some(if big { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
    };
    let ifd = u32_at(4)? as usize;
    let count = u16_at(ifd)? as usize;
    (0..count.min(512)).find_map(|i| {
        let entry = ifd + 2 + i * 12;
        (u16_at(entry)? == 0x0112).then(|| u16_at(entry + 8)).flatten()
    })
}

/// An APP1 Exif segment holding only an orientation.
fn minimal_exif(orientation: u16) -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\0\x2a\0\0\0\x08");
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&0x0112u16.to_be_bytes());
    tiff.extend_from_slice(&3u16.to_be_bytes());
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    let mut seg = vec![0xff, 0xe1];
    let len = (2 + 6 + tiff.len()) as u16;
    seg.extend_from_slice(&len.to_be_bytes());
    seg.extend_from_slice(b"Exif\0\0");
    seg.extend_from_slice(&tiff);
    seg
}

fn strip_png(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..8]);
    let mut at = 8;
    while at < bytes.len() {
        let len = u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize;
        let end = at.checked_add(12)?.checked_add(len)?;
        let kind = bytes.get(at + 4..at + 8)?;
        let data = bytes.get(at + 8..at + 8 + len)?;
        if end > bytes.len() {
            return None;
        }
        let keyword = data.split(|b| *b == 0).next().unwrap_or(&[]);
        let located = kind == b"eXIf"
            || (matches!(kind, b"tEXt" | b"zTXt" | b"iTXt")
                && (keyword == b"XML:com.adobe.xmp" || keyword.starts_with(b"Raw profile type")));
        if !located {
            out.extend_from_slice(&bytes[at..end]);
        }
        at = end;
        if kind == b"IEND" {
            break;
        }
    }
    Some(out)
}

fn strip_webp(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..12]);
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let kind = &bytes[at..at + 4];
        let len = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().ok()?) as usize;
        let end = at.checked_add(8)?.checked_add(len)?.checked_add(len % 2)?.min(bytes.len());
        if at + 8 + len > bytes.len() {
            return None;
        }
        match kind {
            b"EXIF" | b"XMP " => {}
            b"VP8X" => {
                let start = out.len();
                out.extend_from_slice(&bytes[at..end]);
                // Flags: 0x08 Exif, 0x04 XMP.
                if let Some(flags) = out.get_mut(start + 8) {
                    *flags &= !0x0c;
                }
            }
            _ => out.extend_from_slice(&bytes[at..end]),
        }
        at = end;
    }
    let size = u32::try_from(out.len() - 8).ok()?;
    out[4..8].copy_from_slice(&size.to_le_bytes());
    Some(out)
}

/// A JPEG thumbnail of an image at most [`THUMBNAIL_SIDE`] pixels a side,
/// upright; `None` for a PDF, or an image that does not decode within the
/// limits (too many pixels, damaged).
pub fn thumbnail(media_type: MediaType, bytes: &[u8]) -> Option<Vec<u8>> {
    use image::ImageDecoder as _;
    let format = match media_type {
        MediaType::Jpeg => image::ImageFormat::Jpeg,
        MediaType::Png => image::ImageFormat::Png,
        MediaType::Webp => image::ImageFormat::WebP,
        MediaType::Pdf => return None,
    };
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    limits.max_alloc = Some(MAX_PIXELS * 4);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().ok()?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return None;
    }
    let orientation = decoder.orientation().ok();
    let mut img = image::DynamicImage::from_decoder(decoder).ok()?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    let small = img.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE).into_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80).encode_image(&small).ok()?;
    Some(out)
}

/// Small files for tests and checks (made here, so no fixture is shipped).
#[doc(hidden)]
pub mod samples {
    /// A real 16×8 JPEG carrying an Exif segment with orientation 6 and a
    /// GPS text (`GPSLatitude 35.6812N 139.7671E`) that stripping must remove.
    pub fn jpeg_with_gps() -> Vec<u8> {
        let img = image::RgbImage::from_pixel(16, 8, image::Rgb([120, 130, 140]));
        let mut plain = Vec::new();
        if image::codecs::jpeg::JpegEncoder::new(&mut plain).encode_image(&img).is_err() || plain.len() < 2 {
            return Vec::new();
        }
        let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
        tiff.extend_from_slice(&1u16.to_be_bytes());
        tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
        tiff.extend_from_slice(&0u32.to_be_bytes());
        tiff.extend_from_slice(GPS);
        let mut seg = vec![0xff, 0xe1];
        seg.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
        seg.extend_from_slice(b"Exif\0\0");
        seg.extend_from_slice(&tiff);
        let mut out = plain[..2].to_vec();
        out.extend_from_slice(&seg);
        out.extend_from_slice(&plain[2..]);
        out
    }

    /// The location text [`jpeg_with_gps`] carries.
    pub const GPS: &[u8] = b"GPSLatitude 35.6812N 139.7671E";

    /// A tiny PDF whose text is `text`.
    pub fn pdf(text: &str) -> Vec<u8> {
        format!("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {text}\ntrailer << /Root 1 0 R >>\n%%EOF\n")
            .into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::samples::jpeg_with_gps;
    use super::*;

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn types_are_sniffed_from_the_first_bytes() {
        assert_eq!(sniff(b"\xff\xd8\xff\xe0"), Some(MediaType::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(MediaType::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(MediaType::Webp));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(MediaType::Pdf));
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"<html>"), None);
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVE"), None);
    }

    #[test]
    fn a_jpeg_loses_its_gps_and_keeps_its_orientation_and_picture() {
        let jpeg = jpeg_with_gps();
        assert!(contains(&jpeg, b"GPSLatitude"));
        let stripped = strip_location(MediaType::Jpeg, &jpeg).unwrap();
        assert!(!contains(&stripped, b"GPSLatitude"));
        let exif = stripped.windows(6).position(|w| w == b"Exif\0\0").unwrap();
        assert_eq!(exif_orientation(&stripped[exif + 6..]), Some(6));
        let thumb = thumbnail(MediaType::Jpeg, &stripped).unwrap();
        let t = image::load_from_memory(&thumb).unwrap();
        // 16×8 turned a quarter by orientation 6: taller than wide.
        assert!(t.height() > t.width(), "{}x{}", t.width(), t.height());
    }

    #[test]
    fn a_png_loses_its_exif_chunk() {
        let img = image::RgbImage::from_pixel(4, 4, image::Rgb([1, 2, 3]));
        let mut png = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
        let data = b"MM\0\x2a GPSLatitude 35N";
        let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
        chunk.extend_from_slice(b"eXIf");
        chunk.extend_from_slice(data);
        chunk.extend_from_slice(&[0, 0, 0, 0]);
        let mut with = png[..33].to_vec();
        with.extend_from_slice(&chunk);
        with.extend_from_slice(&png[33..]);
        let stripped = strip_location(MediaType::Png, &with).unwrap();
        assert!(!contains(&stripped, b"GPSLatitude"));
        assert_eq!(stripped, png);
        assert!(thumbnail(MediaType::Png, &stripped).is_some());
    }

    #[test]
    fn a_webp_loses_its_exif_and_xmp_chunks() {
        let mut webp = b"RIFF\0\0\0\0WEBP".to_vec();
        webp.extend_from_slice(b"VP8X\x0a\0\0\0\x0c\0\0\0\0\0\0\0\0\0");
        webp.extend_from_slice(b"EXIF\x05\0\0\0GPS35\0");
        webp.extend_from_slice(b"XMP \x04\0\0\0GPSx");
        let size = (webp.len() - 8) as u32;
        webp[4..8].copy_from_slice(&size.to_le_bytes());
        let stripped = strip_location(MediaType::Webp, &webp).unwrap();
        assert!(!contains(&stripped, b"GPS"));
        assert_eq!(stripped[20], 0, "the Exif and XMP flags are cleared");
        assert_eq!(u32::from_le_bytes(stripped[4..8].try_into().unwrap()) as usize, stripped.len() - 8);
    }

    #[test]
    fn damaged_images_are_refused_or_keep_no_thumbnail_without_a_panic() {
        assert!(strip_location(MediaType::Jpeg, b"\xff\xd8\xff\xe1\xff\xff").is_err());
        assert!(strip_location(MediaType::Png, b"\x89PNG\r\n\x1a\n\0\0\0\xffIHDR").is_err());
        // Structure fine, picture garbage: kept, no thumbnail.
        let bad = b"\xff\xd8\xff\xda\x00\x02garbage\xff\xd9";
        assert!(strip_location(MediaType::Jpeg, bad).is_ok());
        assert_eq!(thumbnail(MediaType::Jpeg, bad), None);
        assert_eq!(thumbnail(MediaType::Pdf, b"%PDF-1.4"), None);
    }

    #[test]
    fn uploads_are_refused_by_what_their_bytes_are() {
        let e = NewAttachment::prepare(AttachedTo::License, 1, None, b"GIF89a....").unwrap_err();
        assert_eq!(e, UploadError::Unsupported);
        let e = NewAttachment::prepare(AttachedTo::License, 1, None, b"").unwrap_err();
        assert_eq!(e.to_string(), "file: is empty");
        let ok = NewAttachment::prepare(AttachedTo::License, 1, None, b"%PDF-1.4 x").unwrap();
        assert_eq!((ok.media_type, ok.thumbnail), (MediaType::Pdf, None));
    }
}
