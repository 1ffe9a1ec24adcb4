//! What the pasted output of `slmgr /dlv` or `slmgr /dti` says.
//!
//! Users paste that text from an English or a Japanese Windows, so a line
//! is recognised by its label in either language (名前 / Name, 説明 /
//! Description, …) and, where the value alone tells, by its value: a
//! `…, RETAIL channel` description, nine groups of digits. Lines slmgr
//! prints that the journal has no use for (Activation ID, Extended PID, …)
//! are passed over; anything else is handed back as unrecognised. An
//! Installation ID found here is checked like any other. Nothing is stored:
//! the page and the command line use this to fill in a form.

use unicode_normalization::UnicodeNormalization as _;

use super::ids::{IdError, InstallationId};
use super::Channel;

/// What one paste held; `None` for what it did not.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Slmgr {
    /// The edition from the `Name` line: `Professional` from
    /// `Windows(R), Professional edition`.
    pub edition: Option<String>,
    /// The journal's channel, when the description tells (a `RETAIL`
    /// license may be a box or a download: `None`, the user says which).
    pub channel: Option<Channel>,
    /// The channel as Windows names it (`RETAIL`, `OEM_DM`, `VOLUME_MAK`).
    pub windows_channel: Option<String>,
    /// The last five characters of the product key.
    pub partial_product_key: Option<String>,
    /// `Licensed`, `Notification`, `ライセンスされています`… as printed.
    pub license_status: Option<String>,
    /// The Installation ID, checked: a group that does not check is an error.
    pub installation_id: Option<Result<InstallationId, IdError>>,
    /// Lines that are not something slmgr prints, in order.
    pub unrecognised: Vec<String>,
}

/// What a labelled line is, by its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Name,
    Description,
    PartialKey,
    Status,
    InstallationId,
    /// Printed by slmgr, of no use to the journal.
    Known,
}

/// Labels, compared after NFKC, lower case and without spaces, so that
/// `インストール ID`, `インストールID` and `Installation ID` all match.
const LABELS: &[(&str, Label)] = &[
    ("name", Label::Name),
    ("名前", Label::Name),
    ("description", Label::Description),
    ("説明", Label::Description),
    ("partialproductkey", Label::PartialKey),
    ("プロダクトキーの一部", Label::PartialKey),
    ("licensestatus", Label::Status),
    ("ライセンスの状態", Label::Status),
    ("installationid", Label::InstallationId),
    ("インストールid", Label::InstallationId),
    ("softwarelicensingserviceversion", Label::Known),
    ("ソフトウェアライセンスサービスのバージョン", Label::Known),
    ("activationid", Label::Known),
    ("アクティブ化id", Label::Known),
    ("applicationid", Label::Known),
    ("アプリケーションid", Label::Known),
    ("extendedpid", Label::Known),
    ("拡張pid", Label::Known),
    ("productkeychannel", Label::Known),
    ("プロダクトキーチャネル", Label::Known),
    ("uselicenseurl", Label::Known),
    ("使用ライセンスurl", Label::Known),
    ("validationurl", Label::Known),
    ("検証url", Label::Known),
    ("notificationreason", Label::Known),
    ("通知の理由", Label::Known),
    ("remainingwindowsrearmcount", Label::Known),
    ("windowsの残りのリセット可能回数", Label::Known),
    ("remainingskurearmcount", Label::Known),
    ("trustedtime", Label::Known),
    ("信頼された時刻", Label::Known),
    ("timebasedactivationexpiration", Label::Known),
    ("graceperiodremaining", Label::Known),
    ("猶予期間の残り", Label::Known),
    ("productkeycertificate", Label::Known),
];

fn squeeze(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

fn label_of(text: &str) -> Option<Label> {
    let key = squeeze(text);
    LABELS.iter().find(|(l, _)| *l == key).map(|(_, k)| *k)
}

/// The word before ` channel` in a description (`…, RETAIL channel`).
fn channel_word(value: &str) -> Option<String> {
    let v: String = value.nfkc().collect();
    let last = v.rsplit(',').next()?.trim();
    let word = last
        .strip_suffix("channel")
        .or_else(|| last.strip_suffix("チャネル"))
        .or_else(|| last.strip_suffix("チャンネル"))?
        .trim();
    (!word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).then(|| word.to_uppercase())
}

/// The journal's channel for a Windows channel name.
fn channel_of(word: &str) -> Option<Channel> {
    match word {
        "RETAIL" => None,
        w if w.starts_with("OEM") => Some(Channel::Oem),
        "VOLUME_MAK" => Some(Channel::VolumeMak),
        w if w.starts_with("VOLUME_KMS") => Some(Channel::VolumeKms),
        _ => Some(Channel::Other),
    }
}

/// `Professional` from `Windows(R), Professional edition`; the value as
/// printed when it has another shape.
fn edition_of(value: &str) -> String {
    let after = value.rsplit(',').next().unwrap_or(value).trim();
    after.strip_suffix(" edition").or_else(|| after.strip_suffix(" エディション")).unwrap_or(after).trim().to_string()
}

/// Whether the value is a 5-character key fragment.
fn key_fragment(value: &str) -> Option<String> {
    let v: String = value.nfkc().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    (v.len() == 5 && v.chars().all(|c| c.is_ascii_alphanumeric())).then_some(v)
}

/// Whether the value looks like a whole Installation ID (only digits,
/// spaces and hyphens, 50 or more digits).
fn iid_like(value: &str) -> bool {
    let v: String = value.nfkc().collect();
    let digits = v.chars().filter(char::is_ascii_digit).count();
    digits >= 50 && v.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
}

/// Read a paste of `slmgr /dlv` or `slmgr /dti` output.
///
/// ```
/// use activation_journal::domain::slmgr::read;
/// use activation_journal::domain::Channel;
/// let s = read("名前: Windows(R), Professional edition\n説明: Windows(R) Operating System, OEM_DM channel\nプロダクト キーの一部: 9D6T9");
/// assert_eq!(s.edition.as_deref(), Some("Professional"));
/// assert_eq!(s.channel, Some(Channel::Oem));
/// assert_eq!(s.partial_product_key.as_deref(), Some("9D6T9"));
/// ```
pub fn read(text: &str) -> Slmgr {
    let mut out = Slmgr::default();
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let split = line.find([':', '：']).map(|at| (&line[..at], line[at..].chars().skip(1).collect::<String>()));
        let (label, value) = match split {
            Some((l, v)) => (label_of(l), v.trim().to_string()),
            None => (None, line.to_string()),
        };
        match label {
            Some(Label::Name) => out.edition = Some(edition_of(&value)),
            Some(Label::Description) => {
                if let Some(word) = channel_word(&value) {
                    out.channel = channel_of(&word);
                    out.windows_channel = Some(word);
                }
            }
            Some(Label::PartialKey) => out.partial_product_key = key_fragment(&value),
            Some(Label::Status) => out.license_status = Some(value).filter(|v| !v.is_empty()),
            Some(Label::InstallationId) => out.installation_id = Some(value.parse()),
            Some(Label::Known) => {}
            // No label slmgr prints: the value alone may still tell.
            None if iid_like(line) => out.installation_id = Some(line.parse()),
            None if channel_word(line).is_some() => {
                let word = channel_word(line);
                out.channel = word.as_deref().and_then(channel_of);
                out.windows_channel = word;
            }
            None => out.unrecognised.push(line.to_string()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const IID: &str = "508760583450367066786558223034732344271525457574499727444472481";

    /// `slmgr /dlv` on an English Windows 8.1, as Microsoft documents its lines.
    fn dlv_en() -> String {
        format!(
            "Software licensing service version: 6.3.9600.17415\n\n\
             Name: Windows(R), Professional edition\n\
             Description: Windows(R) Operating System, RETAIL channel\n\
             Activation ID: c06b6981-d7fd-4a35-b7b4-054742b7af67\n\
             Application ID: 55c92734-d682-4d71-983e-d6ec3f16059f\n\
             Extended PID: 06401-02508-000-000000-00-1041-9600.0000-1342014\n\
             Product Key Channel: Retail\n\
             Installation ID: {IID}\n\
             Use License URL: https://activation-v2.sls.microsoft.com/SLActivateProduct/SLActivateProduct.asmx?configextension=Retail\n\
             Validation URL: https://validation-v2.sls.microsoft.com/SLWGA/slwga.asmx\n\
             Partial Product Key: 9D6T9\n\
             License Status: Notification\n\
             Notification Reason: 0xC004F200 (non-genuine).\n\
             Remaining Windows rearm count: 1000\n\
             Trusted time: 2014/05/09 18:02:11\n"
        )
    }

    /// The same on a Japanese Windows 8.1 (full-width colons where the IME
    /// typed them, as a user may retype a line).
    fn dlv_ja() -> String {
        format!(
            "ソフトウェア ライセンス サービスのバージョン: 6.3.9600.17415\n\n\
             名前: Windows(R), Core edition\n\
             説明: Windows(R) Operating System, OEM_DM channel\n\
             アクティブ化 ID: c72c6a1d-f252-4e7e-bdd1-3fca342acb35\n\
             アプリケーション ID: 55c92734-d682-4d71-983e-d6ec3f16059f\n\
             拡張 PID: 00180-60000-00000-AA586\n\
             プロダクト キー チャネル: OEM:DM\n\
             インストール ID： {IID}\n\
             プロダクト キーの一部: 3V66T\n\
             ライセンスの状態: ライセンスされています\n\
             Windows の残りのリセット可能回数: 1000\n\
             信頼された時刻: 2014/05/10 10:05:00\n"
        )
    }

    #[test]
    fn english_dlv_fills_every_field() {
        let s = read(&dlv_en());
        assert_eq!(s.edition.as_deref(), Some("Professional"));
        assert_eq!(s.channel, None, "RETAIL is a box or a download: the user says which");
        assert_eq!(s.windows_channel.as_deref(), Some("RETAIL"));
        assert_eq!(s.partial_product_key.as_deref(), Some("9D6T9"));
        assert_eq!(s.license_status.as_deref(), Some("Notification"));
        assert_eq!(s.installation_id.and_then(Result::ok).map(|i| i.digits().to_string()).as_deref(), Some(IID));
        assert!(s.unrecognised.is_empty(), "{:?}", s.unrecognised);
    }

    #[test]
    fn japanese_dlv_fills_every_field() {
        let s = read(&dlv_ja());
        assert_eq!(s.edition.as_deref(), Some("Core"));
        assert_eq!(s.channel, Some(Channel::Oem));
        assert_eq!(s.windows_channel.as_deref(), Some("OEM_DM"));
        assert_eq!(s.partial_product_key.as_deref(), Some("3V66T"));
        assert_eq!(s.license_status.as_deref(), Some("ライセンスされています"));
        assert!(matches!(s.installation_id, Some(Ok(_))));
        assert!(s.unrecognised.is_empty(), "{:?}", s.unrecognised);
    }

    #[test]
    fn dti_alone_and_bare_ids_are_read() {
        for text in [
            format!("Installation ID: {IID}"),
            format!("インストール ID: {IID}"),
            "5087605-8345036-7066786-5582230-3473234-4271525-4575744-9972744-4472481".to_string(),
        ] {
            let s = read(&text);
            assert!(matches!(s.installation_id, Some(Ok(_))), "{text}");
            assert_eq!(s.edition, None);
        }
    }

    #[test]
    fn a_mistyped_group_is_named_and_unknown_lines_are_handed_back() {
        let bad = IID.replace("4575744", "4575754");
        let s = read(&format!("hello\nInstallation ID: {bad}\nVOLUME_MAK channel"));
        assert_eq!(s.installation_id.map(|r| r.map_err(|e| e.to_string())), Some(Err("group 7 does not check".into())));
        assert_eq!(s.unrecognised, vec!["hello".to_string()]);
        assert_eq!(s.channel, Some(Channel::VolumeMak));
    }

    #[test]
    fn channels_map_to_the_journals() {
        for (word, channel) in [
            ("RETAIL", None),
            ("OEM_DM", Some(Channel::Oem)),
            ("OEM_SLP", Some(Channel::Oem)),
            ("VOLUME_MAK", Some(Channel::VolumeMak)),
            ("VOLUME_KMSCLIENT", Some(Channel::VolumeKms)),
            ("TIMEBASED_EVAL", Some(Channel::Other)),
        ] {
            assert_eq!(channel_of(word), channel, "{word}");
        }
    }

    #[test]
    fn nothing_recognised_is_all_none() {
        let s = read("");
        assert_eq!(s, Slmgr::default());
    }
}
