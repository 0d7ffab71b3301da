//! Webhooks: the subscription API and the delivery worker.
//!
//! Every package creation and status change becomes one delivery per active subscription of the
//! seller whose `subscribedStatuses` match (empty = all): a POST of the **full package** (new
//! field names unless the legacy switch is on; bare, or a `{"content":[...]}` page) with Basic
//! auth or an `x-api-key` header, as registered. There is no signature and no event name, as on
//! Trendyol. A non-2xx answer or an error is a failure: the delivery is retried every
//! `webhookRetryMs` (Trendyol: ~5 min), and after `webhookMaxFailures` (13) consecutive failures
//! the subscription is deactivated (`PASSIVE`) and its pending deliveries dropped; activating it
//! again resets the count. Fault knobs can duplicate deliveries or hold some back so later ones
//! overtake them.
//!
//! Deliveries go only to loopback addresses (127.0.0.0/8, `localhost`, `::1`): the sandbox never
//! sends traffic off the machine. Any other URL can be registered but every delivery to it fails.
//!
//! The subscriptions (`record`) and the deliveries they want (`subscriptions`) are world state; the queue
//! (`dispatcher`) sits beside the world in the app; the worker that sends (`sender`) runs on top
//! of both. The HTTP endpoints are in `crate::api::webhooks`.

mod dispatcher;
mod record;
mod sender;
mod subscriptions;

pub use dispatcher::{Delivery, Dispatcher};
pub use record::Subscription;
pub use sender::{is_loopback_url, run};
