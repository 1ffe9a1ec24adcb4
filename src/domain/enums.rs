//! The closed sets of the domain, each an enum named in `snake_case` in JSON
//! and in the database (where a `CHECK (... IN (...))` mirrors the list).

use std::fmt;

/// What every closed set offers generic code (the command line's value
/// parsers list the names from it).
pub trait ClosedSet: Copy + Send + Sync + std::str::FromStr<Err = crate::i18n::Msg> + 'static {
    /// Every member, in declaration order.
    fn all() -> &'static [Self];
    /// The wire and database name.
    fn name(self) -> &'static str;
    /// The set's own name (`Channel`), which names its labels in the pages' catalogues.
    fn set() -> &'static str;
}

/// Declares a closed set: the enum, its wire names, `FromStr` with an error
/// that lists the accepted names, serde and an OpenAPI schema.
macro_rules! closed_set {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
                 serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] #[schema(rename = $text)] $variant),+
        }

        impl $name {
            /// Every member, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The set as a field declaration names it.
            pub const SET: $crate::domain::shape::Set =
                $crate::domain::shape::Set { name: stringify!($name), members: &[$($text),+] };

            /// The wire and database name.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The accepted names, for error messages.
            pub fn expected() -> String {
                let names: &[&str] = &[$($text),+];
                names.join(", ")
            }
        }

        impl ClosedSet for $name {
            fn all() -> &'static [Self] {
                $name::ALL
            }
            fn name(self) -> &'static str {
                self.as_str()
            }
            fn set() -> &'static str {
                stringify!($name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::i18n::Msg;
            fn from_str(s: &str) -> Result<Self, crate::i18n::Msg> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(crate::i18n::Msg::new("msg.not_one_of")
                        .arg("text", format!("{other:?}"))
                        .codes("expected", stringify!($name), &[$($text),+])),
                }
            }
        }
    };
}

closed_set!(
    /// A part of a PC, as replaced or kept in a hardware change.
    Part {
        Motherboard => "motherboard", Cpu => "cpu", Memory => "memory", Gpu => "gpu",
        Storage => "storage", Optical => "optical", Network => "network", Other => "other",
    }
);

closed_set!(
    /// How a license was bought.
    Channel {
        RetailBox => "retail_box", RetailDownload => "retail_download", Oem => "oem",
        VolumeMak => "volume_mak", VolumeKms => "volume_kms", Digital => "digital", Other => "other",
    }
);

closed_set!(
    /// Why a case (an activation goal) was opened.
    Trigger {
        HardwareChange => "hardware_change", Reinstall => "reinstall", NewInstall => "new_install",
        KeyChange => "key_change", Other => "other",
    }
);

closed_set!(
    /// Where a case stands.
    CaseStatus { Open => "open", Activated => "activated", Abandoned => "abandoned" }
);

closed_set!(
    /// How an attempt was made.
    Method { Phone => "phone", Online => "online", SmsLink => "sms_link", Chat => "chat", Other => "other" }
);

closed_set!(
    /// The kind of number dialled.
    NumberKind { TollFree => "toll_free", Toll => "toll" }
);

closed_set!(
    /// The phone the call was made from.
    CalledFrom { Mobile => "mobile", Landline => "landline", Other => "other" }
);

closed_set!(
    /// What the phone menu was asked about.
    IvrProduct { Windows => "windows", Office => "office", Other => "other" }
);

closed_set!(
    /// What the phone menu made of the Installation ID.
    IvrResult {
        Confirmed => "confirmed", NotConfirmed => "not_confirmed", InputError => "input_error",
        NotOffered => "not_offered", Skipped => "skipped",
    }
);

closed_set!(
    /// Whether an operator took the call.
    OperatorOutcome {
        NotNeeded => "not_needed", Unavailable => "unavailable", Reached => "reached", Abandoned => "abandoned",
    }
);

closed_set!(
    /// What an operator asked about.
    Topic {
        InstallationIdGroup => "installation_id_group", Edition => "edition", PurchaseType => "purchase_type",
        BoxColour => "box_colour", PurchaseSite => "purchase_site", ProductKey => "product_key",
        InstalledCount => "installed_count", Other => "other",
    }
);

closed_set!(
    /// How an attempt ended.
    AttemptResult { Activated => "activated", NotActivated => "not_activated" }
);

closed_set!(
    /// Why an attempt did not activate.
    FailureReason {
        IvrNotConfirmed => "ivr_not_confirmed", OperatorUnavailable => "operator_unavailable",
        LineClosed => "line_closed", WaitTooLong => "wait_too_long", Rejected => "rejected",
        CallerGaveUp => "caller_gave_up", Other => "other",
    }
);

closed_set!(
    /// The summaries there are, by their URL and CLI names.
    SummaryName {
        Overview => "overview", Retries => "retries", WaitTimes => "wait-times", Hours => "hours",
        Questions => "questions", Licenses => "licenses", Open => "open",
    }
);

closed_set!(
    /// The order of the attempts list: by id (stable paging, the default),
    /// or newest first by start.
    AttemptOrder { Id => "id", StartedAt => "started_at" }
);

closed_set!(
    /// What an audit-log row records.
    AuditAction {
        Create => "create", Update => "update", Archive => "archive", Unarchive => "unarchive",
        RevealProductKey => "reveal_product_key", Import => "import", TokenCreate => "token_create",
        TokenRevoke => "token_revoke",
    }
);

closed_set!(
    /// What an audit-log row is about.
    AuditEntity {
        Machine => "machine", HardwareChange => "hardware_change", License => "license", Case => "case",
        Attempt => "attempt", FollowUp => "follow_up", Export => "export", Journal => "journal",
        ApiToken => "api_token", Attachment => "attachment",
    }
);

closed_set!(
    /// What an attachment is attached to.
    AttachedTo { Machine => "machine", License => "license", Case => "case", Attempt => "attempt" }
);

closed_set!(
    /// What an attachment is, as sniffed from its first bytes (never from
    /// its name or the header it came with).
    MediaType { Jpeg => "image/jpeg", Png => "image/png", Webp => "image/webp", Pdf => "application/pdf" }
);

closed_set!(
    /// What a search hit is.
    SearchEntity {
        Machine => "machine", License => "license", Case => "case", Attempt => "attempt", FollowUp => "follow_up",
        Attachment => "attachment",
    }
);

closed_set!(
    /// What an API token may do: `calendar` tokens read the calendar feed
    /// (`/calendar.ics`) and nothing else.
    Scope { Read => "read", Write => "write", Calendar => "calendar" }
);

/// A set of parts, stored as a bit mask (bit i = `Part::ALL[i]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PartSet(u8);

impl PartSet {
    /// The set from its stored bit mask; unknown bits are dropped.
    pub fn from_bits(bits: i64) -> Self {
        Self((bits & 0xFF) as u8)
    }

    /// The stored bit mask.
    pub fn bits(self) -> i64 {
        i64::from(self.0)
    }

    /// Add a part.
    pub fn insert(&mut self, part: Part) {
        self.0 |= 1 << Self::index(part);
    }

    /// Whether the set holds a part.
    pub fn contains(self, part: Part) -> bool {
        self.0 & (1 << Self::index(part)) != 0
    }

    /// Parts in declaration order.
    pub fn parts(self) -> Vec<Part> {
        Part::ALL.iter().copied().filter(|p| self.contains(*p)).collect()
    }

    /// Parts that are in both sets.
    pub fn intersection(self, other: PartSet) -> PartSet {
        PartSet(self.0 & other.0)
    }

    fn index(part: Part) -> u8 {
        Part::ALL.iter().position(|p| *p == part).unwrap_or(0) as u8
    }
}

impl FromIterator<Part> for PartSet {
    fn from_iter<I: IntoIterator<Item = Part>>(iter: I) -> Self {
        let mut set = PartSet::default();
        for p in iter {
            set.insert(p);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_errors_list_the_choices() {
        for c in Channel::ALL {
            assert_eq!(c.as_str().parse::<Channel>(), Ok(*c));
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
        let err = "boxed".parse::<Channel>().unwrap_err();
        assert!(err.contains("retail_box, retail_download"), "{err}");
    }

    #[test]
    fn part_sets_keep_their_members() {
        let set: PartSet = [Part::Motherboard, Part::Memory].into_iter().collect();
        assert_eq!(PartSet::from_bits(set.bits()).parts(), vec![Part::Motherboard, Part::Memory]);
    }
}
