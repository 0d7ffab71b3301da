//! Customer questions: list (`questions/filter`), read one, answer one, and a control lever that
//! plays the buyer who asks.
//!
//! As on Trendyol: `supplierId` is required, `startDate`..`endDate` may span two weeks at most
//! (no dates: the last week), pages hold at most 50. Only a `WAITING_FOR_ANSWER` question takes
//! an answer, of 10 to 2,000 characters, refused otherwise with Trendyol's messages. A question
//! nobody answered before its deadline turns `UNANSWERED` when next looked at; advancing the
//! sandbox clock past the deadline is how a test lets the window expire. An accepted answer is
//! published at once (`ANSWERED`; the sandbox has no forbidden-word review).
//!
//! The records (`record`) are plain data the world holds; what happens to them is in
//! `ops` as `impl World` blocks, so the world's definition never reaches back into its
//! behaviour.

mod ops;
mod record;

pub use record::{QuestionRecord, SeedQuestion, DEFAULT_WINDOW_MS, WEEK_MS};
