//! Problem reports on a listing: what a reader says is wrong (a wrong phone number, address or
//! hours, a closed service), and the rule for an acceptable report. The store files them and a
//! maintainer closes them.

use crate::common::codes::code_enum;
use crate::common::ids::ServiceId;

code_enum!(
    /// What a problem report is about.
    ReportCategory, "report category" {
        /// The phone number is wrong.
        Phone => ("phone", "電話番号が違う"),
        /// The address is wrong.
        Address => ("address", "所在地が違う"),
        /// The hours are wrong.
        Hours => ("hours", "受付時間が違う"),
        /// The service has closed.
        Closed => ("closed", "閉鎖・休止している"),
        /// Anything else.
        Other => ("other", "その他"),
    }
);

code_enum!(
    /// Whether a report still waits for a maintainer.
    ReportStatus, "report status" {
        /// Waiting for a maintainer.
        Open => ("open", "未対応"),
        /// Dealt with.
        Closed => ("closed", "対応済み"),
    }
);

/// Why a report was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// Nothing was written.
    #[error("message is empty")]
    Empty,
    /// The message is over [`NewReport::MAX_MESSAGE_CHARS`].
    #[error("message is longer than {} characters", NewReport::MAX_MESSAGE_CHARS)]
    TooLong,
}

/// A new problem report, already validated by [`NewReport::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReport {
    service_id: ServiceId,
    category: ReportCategory,
    message: String,
}

impl NewReport {
    /// Longest message accepted, in characters.
    pub const MAX_MESSAGE_CHARS: usize = 2000;

    /// Validates a report: at most 2000 characters as sent, and not blank; it is stored
    /// trimmed.
    pub fn parse(
        service_id: ServiceId,
        category: ReportCategory,
        message: &str,
    ) -> Result<NewReport, ReportError> {
        // The limit is on what was sent (as the API document states it), not on what is left
        // after trimming.
        if message.chars().count() > Self::MAX_MESSAGE_CHARS {
            return Err(ReportError::TooLong);
        }
        let message = message.trim();
        if message.is_empty() {
            return Err(ReportError::Empty);
        }
        Ok(NewReport {
            service_id,
            category,
            message: message.to_owned(),
        })
    }

    /// The listing reported on.
    pub fn service_id(&self) -> &ServiceId {
        &self.service_id
    }

    /// What it is about.
    pub fn category(&self) -> ReportCategory {
        self.category
    }

    /// The message, trimmed.
    pub fn message(&self) -> &str {
        &self.message
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sid() -> ServiceId {
        ServiceId::parse("mhwc-05".to_owned()).expect("valid id")
    }

    #[test]
    fn a_report_needs_one_to_two_thousand_characters_after_trimming() {
        assert_eq!(
            NewReport::parse(sid(), ReportCategory::Other, "   "),
            Err(ReportError::Empty)
        );
        let long = "あ".repeat(NewReport::MAX_MESSAGE_CHARS + 1);
        assert_eq!(
            NewReport::parse(sid(), ReportCategory::Other, &long),
            Err(ReportError::TooLong)
        );
        let padded = format!("\u{c}{}", "あ".repeat(NewReport::MAX_MESSAGE_CHARS));
        assert_eq!(
            NewReport::parse(sid(), ReportCategory::Other, &padded),
            Err(ReportError::TooLong),
            "counted as sent, before trimming"
        );
        let ok = NewReport::parse(sid(), ReportCategory::Phone, " つながらない ").expect("valid");
        assert_eq!(ok.message(), "つながらない");
    }

    #[test]
    fn report_codes_round_trip_and_unknown_ones_are_refused() {
        for c in ReportCategory::ALL {
            assert_eq!(c.code().parse::<ReportCategory>(), Ok(*c));
        }
        assert!("nope".parse::<ReportCategory>().is_err());
        assert_eq!("closed".parse::<ReportStatus>(), Ok(ReportStatus::Closed));
    }
}
