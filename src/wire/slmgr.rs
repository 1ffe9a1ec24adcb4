//! The answer of `POST /parse/slmgr`: what a pasted `slmgr` output says.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::slmgr::Slmgr;
use crate::domain::{Channel, FieldErrors};

/// What the pasted output of `slmgr /dlv` or `slmgr /dti` says; `null` for
/// what it did not hold. Nothing is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SlmgrParsed {
    /// From the `Name` line: `Professional` from `Windows(R), Professional edition`.
    #[schema(example = "Professional")]
    pub edition: Option<String>,
    /// The journal's channel, when the description tells; `null` for a
    /// `RETAIL` license (a box or a download: the user says which).
    pub channel: Option<Channel>,
    /// The channel as Windows names it.
    #[schema(example = "RETAIL")]
    pub windows_channel: Option<String>,
    /// The last five characters of the product key.
    #[schema(example = "9D6T9")]
    pub partial_product_key: Option<String>,
    /// As printed: `Licensed`, `Notification`, `ライセンスされています`.
    pub license_status: Option<String>,
    /// The Installation ID in groups, checked.
    #[schema(example = "5087605-8345036-7066786-5582230-3473234-4271525-4575744-9972744-4472481")]
    pub installation_id: Option<String>,
    /// Lines that are not something slmgr prints.
    pub unrecognised: Vec<String>,
}

impl TryFrom<Slmgr> for SlmgrParsed {
    type Error = FieldErrors;

    /// An Installation ID that does not check is refused like any other.
    fn try_from(s: Slmgr) -> Result<Self, FieldErrors> {
        let installation_id = match s.installation_id {
            Some(Ok(iid)) => Some(iid.to_string()),
            Some(Err(e)) => return Err(FieldErrors::one("installation_id", e.0)),
            None => None,
        };
        Ok(Self {
            edition: s.edition,
            channel: s.channel,
            windows_channel: s.windows_channel,
            partial_product_key: s.partial_product_key,
            license_status: s.license_status,
            installation_id,
            unrecognised: s.unrecognised,
        })
    }
}
