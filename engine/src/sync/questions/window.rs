//! Trendyol's answer window: a question not answered within three business days is closed as
//! `UNANSWERED` (Trendyol's Question & Answer documentation, "Which questions can be
//! answered?"). Business days are counted on Turkey's calendar (UTC+3 all year), skipping
//! Saturdays and Sundays; public holidays are not known here, so the deadline shown is never
//! later than Trendyol's.

/// Business days Trendyol gives an answer.
pub const BUSINESS_DAYS: u32 = 3;

const DAY_MS: i64 = 86_400_000;
/// Turkey's offset from UTC, which it keeps all year.
const TURKEY_OFFSET_MS: i64 = 3 * 3_600_000;

/// 0 = Sunday … 6 = Saturday, on Turkey's calendar.
fn weekday(ms: i64) -> i64 {
    // 1970-01-01 was a Thursday.
    ((ms + TURKEY_OFFSET_MS).div_euclid(DAY_MS) + 4).rem_euclid(7)
}

/// When the window of a question asked at `asked_ms` closes.
pub fn deadline_ms(asked_ms: i64) -> i64 {
    let mut t = asked_ms;
    let mut counted = 0;
    while counted < BUSINESS_DAYS {
        t += DAY_MS;
        if !matches!(weekday(t), 0 | 6) {
            counted += 1;
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekends_do_not_count() {
        // 2026-12-07 09:00 Turkey time is a Monday.
        let monday = 1_796_623_200_000;
        assert_eq!(weekday(monday), 1);
        assert_eq!(deadline_ms(monday), monday + 3 * DAY_MS);
        // Friday → Wednesday.
        let friday = monday + 4 * DAY_MS;
        assert_eq!(weekday(friday), 5);
        assert_eq!(deadline_ms(friday), friday + 5 * DAY_MS);
        // Saturday → Wednesday too.
        assert_eq!(deadline_ms(friday + DAY_MS), friday + 5 * DAY_MS);
    }
}
