//! What a queued job is, and how urgent.
//!
//! MesChain names nine events with priorities 1 (orders) to 4 (product reviews). Trendyol itself
//! sends none of those names: a webhook delivery is a whole shipment package, and its *status* is
//! the event (Trendyol's webhook documentation). [`EventType::from_package_status`] maps one onto the other so a
//! webhook and the reconciliation poll that backs it up produce the same queue entries. The other
//! six events have no webhook at all; polling produces them.
//!
//! The queue also carries work that is not a Trendyol event — pushing a status to Trendyol, a
//! full sync an administrator asked for. Rather than stretch [`EventType`] (whose nine names are
//! the shop owner's vocabulary, shown in the admin as such), a job is a [`JobKind`]: either an event or
//! one of the engine's own kinds. A new kind of work is one new variant here with its priority;
//! the `event_type` column simply stores [`JobKind::as_str`].

use trendyol_wire::PackageStatus;

/// The nine event types the shop owner'sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    OrderCreated,
    OrderCancelled,
    OrderStatusChanged,
    ShipmentCreated,
    ReturnInitiated,
    InventoryUpdated,
    PriceUpdated,
    ProductApproved,
    ProductRejected,
}

impl EventType {
    pub const ALL: [EventType; 9] = [
        EventType::OrderCreated,
        EventType::OrderCancelled,
        EventType::OrderStatusChanged,
        EventType::ShipmentCreated,
        EventType::ReturnInitiated,
        EventType::InventoryUpdated,
        EventType::PriceUpdated,
        EventType::ProductApproved,
        EventType::ProductRejected,
    ];

    /// The priority: 1 is served first. Orders come first because a missed or late order
    /// oversells stock; product review results can wait.
    pub fn priority(self) -> u8 {
        match self {
            EventType::OrderCreated | EventType::OrderCancelled => 1,
            EventType::OrderStatusChanged
            | EventType::ShipmentCreated
            | EventType::ReturnInitiated => 2,
            EventType::InventoryUpdated | EventType::PriceUpdated => 3,
            EventType::ProductApproved | EventType::ProductRejected => 4,
        }
    }

    /// The name, as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::OrderCreated => "ORDER_CREATED",
            EventType::OrderCancelled => "ORDER_CANCELLED",
            EventType::OrderStatusChanged => "ORDER_STATUS_CHANGED",
            EventType::ShipmentCreated => "SHIPMENT_CREATED",
            EventType::ReturnInitiated => "RETURN_INITIATED",
            EventType::InventoryUpdated => "INVENTORY_UPDATED",
            EventType::PriceUpdated => "PRICE_UPDATED",
            EventType::ProductApproved => "PRODUCT_APPROVED",
            EventType::ProductRejected => "PRODUCT_REJECTED",
        }
    }

    /// Reads an event name, ignoring case (`order_created` is accepted from PHP callers).
    pub fn parse(s: &str) -> Option<EventType> {
        EventType::ALL
            .into_iter()
            .find(|e| e.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// The event a package in `status` stands for (Trendyol'sends package statuses, not these names).
    ///
    /// `Awaiting` is a status change, not an order yet: the payment check is pending, so the
    /// handler reserves stock but must not ship. Seller-side `UnSupplied` cancels like a customer's
    /// `Cancelled`. `Shipped` is the closest Trendyol has to a shipment being created. Every other
    /// status, including ones this build does not know, is a status change — the handler re-reads
    /// the package before acting, so a coarse mapping loses nothing.
    pub fn from_package_status(status: &PackageStatus) -> EventType {
        match status {
            PackageStatus::Created => EventType::OrderCreated,
            PackageStatus::Cancelled | PackageStatus::UnSupplied => EventType::OrderCancelled,
            PackageStatus::Shipped => EventType::ShipmentCreated,
            _ => EventType::OrderStatusChanged,
        }
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a queued job asks for: a Trendyol event, or one of the engine's own kinds of work.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// One of the nine events, found by a webhook or by polling.
    Event(EventType),
    /// Pushing an order's status (picking, invoiced, tracking) to Trendyol. Priority 2: it is
    /// order work, but a new order must still be imported before anything is pushed.
    StatusPush,
    /// A full sync an administrator asked for (`$engine->enqueue('full_sync')`). Priority 4: it is
    /// long and nothing is waiting on it.
    FullSync,
    /// A job run an administrator asked for with one of the admin's sync buttons, stored as
    /// `run:<job>` (see [`ManualJob`]).
    Run(ManualJob),
    /// A kind stored by a newer build (or by hand) that this build does not know. It can be
    /// claimed — so the processor can dead-letter it with a clear message instead of leaving it
    /// pending for ever — but never enqueued.
    Unknown(String),
}

impl JobKind {
    /// The priority the job is queued with; 1 is served first.
    pub fn priority(&self) -> u8 {
        match self {
            JobKind::Event(event) => event.priority(),
            JobKind::StatusPush => 2,
            JobKind::Run(job) => job.priority(),
            JobKind::FullSync | JobKind::Unknown(_) => 4,
        }
    }

    /// The value of the `event_type` column. Events keep their upper-case names; the
    /// engine's own kinds are lower-case, like the cron job names, so the two cannot collide.
    pub fn as_str(&self) -> &str {
        match self {
            JobKind::Event(event) => event.as_str(),
            JobKind::StatusPush => "status_push",
            JobKind::FullSync => "full_sync",
            JobKind::Run(job) => job.event_type(),
            JobKind::Unknown(s) => s,
        }
    }

    /// Reads a stored or requested kind; never fails (see [`JobKind::Unknown`]).
    pub fn parse(s: &str) -> JobKind {
        if let Some(event) = EventType::parse(s) {
            return JobKind::Event(event);
        }
        let lower = s.trim().to_ascii_lowercase();
        if let Some(job) = lower.strip_prefix("run:").and_then(ManualJob::parse) {
            return JobKind::Run(job);
        }
        match lower.as_str() {
            "status_push" => JobKind::StatusPush,
            "full_sync" => JobKind::FullSync,
            _ => JobKind::Unknown(s.to_string()),
        }
    }

    pub fn event(&self) -> Option<EventType> {
        match self {
            JobKind::Event(event) => Some(*event),
            _ => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, JobKind::Unknown(_))
    }
}

/// The jobs the admin's manual sync buttons start (Sync Products, Sync Orders, Sync Stock,
/// Process Webhooks, Full Sync). They go through the queue rather than running inside the admin's
/// request, so the page never waits on Trendyol and the job runs under the worker's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ManualJob {
    ProductSync,
    OrderSync,
    StockSync,
    WebhookProcessor,
    FullSync,
}

impl ManualJob {
    pub const ALL: [ManualJob; 5] = [
        ManualJob::ProductSync,
        ManualJob::OrderSync,
        ManualJob::StockSync,
        ManualJob::WebhookProcessor,
        ManualJob::FullSync,
    ];

    /// The job's name, as the cron scripts and the sync logs call it.
    pub fn name(self) -> &'static str {
        match self {
            ManualJob::ProductSync => "product_sync",
            ManualJob::OrderSync => "order_sync",
            ManualJob::StockSync => "stock_sync",
            ManualJob::WebhookProcessor => "webhook_processor",
            ManualJob::FullSync => "full_sync",
        }
    }

    /// The `event_type` column: `run:<job>`.
    pub fn event_type(self) -> &'static str {
        match self {
            ManualJob::ProductSync => "run:product_sync",
            ManualJob::OrderSync => "run:order_sync",
            ManualJob::StockSync => "run:stock_sync",
            ManualJob::WebhookProcessor => "run:webhook_processor",
            ManualJob::FullSync => "run:full_sync",
        }
    }

    /// Orders and waiting webhooks first (a late order oversells), then stock, then the long
    /// catalog work nothing waits on — the priorities of the same kinds of work.
    pub fn priority(self) -> u8 {
        match self {
            ManualJob::OrderSync | ManualJob::WebhookProcessor => 1,
            ManualJob::StockSync => 3,
            ManualJob::ProductSync | ManualJob::FullSync => 4,
        }
    }

    /// Reads a job name (`product_sync`); `None` for anything else.
    pub fn parse(name: &str) -> Option<ManualJob> {
        ManualJob::ALL.into_iter().find(|j| j.name() == name)
    }
}

impl From<EventType> for JobKind {
    fn from(event: EventType) -> JobKind {
        JobKind::Event(event)
    }
}

impl std::fmt::Display for JobKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_follow_the_seed_table() {
        let table = [
            ("ORDER_CREATED", 1),
            ("ORDER_CANCELLED", 1),
            ("ORDER_STATUS_CHANGED", 2),
            ("SHIPMENT_CREATED", 2),
            ("RETURN_INITIATED", 2),
            ("INVENTORY_UPDATED", 3),
            ("PRICE_UPDATED", 3),
            ("PRODUCT_APPROVED", 4),
            ("PRODUCT_REJECTED", 4),
        ];
        assert_eq!(table.len(), EventType::ALL.len());
        for (name, priority) in table {
            let event = EventType::parse(name).unwrap();
            assert_eq!(event.as_str(), name);
            assert_eq!(event.priority(), priority, "{name}");
            assert_eq!(JobKind::parse(name), JobKind::Event(event));
        }
        assert_eq!(
            EventType::parse("order_created"),
            Some(EventType::OrderCreated)
        );
        assert_eq!(EventType::parse("ORDER_SHIPPED"), None);
    }

    #[test]
    fn package_statuses_map_onto_seed_events() {
        let cases = [
            ("Created", EventType::OrderCreated),
            ("Awaiting", EventType::OrderStatusChanged),
            ("Cancelled", EventType::OrderCancelled),
            ("UnSupplied", EventType::OrderCancelled),
            ("Shipped", EventType::ShipmentCreated),
            ("Picking", EventType::OrderStatusChanged),
            ("Invoiced", EventType::OrderStatusChanged),
            ("Delivered", EventType::OrderStatusChanged),
            ("Returned", EventType::OrderStatusChanged),
            ("SomethingNew", EventType::OrderStatusChanged),
        ];
        for (status, event) in cases {
            let status = PackageStatus::parse(status);
            assert_eq!(EventType::from_package_status(&status), event, "{status}");
        }
    }

    #[test]
    fn engine_kinds_round_trip_and_unknown_is_kept() {
        for kind in [JobKind::StatusPush, JobKind::FullSync] {
            assert_eq!(JobKind::parse(kind.as_str()), kind);
        }
        assert_eq!(JobKind::parse("FULL_SYNC"), JobKind::FullSync);
        assert_eq!(JobKind::FullSync.priority(), 4);
        for job in ManualJob::ALL {
            let kind = JobKind::Run(job);
            assert_eq!(kind.as_str(), format!("run:{}", job.name()));
            assert_eq!(JobKind::parse(kind.as_str()), kind);
        }
        assert_eq!(JobKind::Run(ManualJob::OrderSync).priority(), 1);
        assert_eq!(JobKind::Run(ManualJob::WebhookProcessor).priority(), 1);
        assert_eq!(JobKind::Run(ManualJob::StockSync).priority(), 3);
        assert_eq!(JobKind::Run(ManualJob::ProductSync).priority(), 4);
        assert_eq!(JobKind::Run(ManualJob::FullSync).priority(), 4);
        assert!(JobKind::parse("run:nothing").is_unknown());
        let unknown = JobKind::parse("from_the_future");
        assert!(unknown.is_unknown());
        assert_eq!(unknown.as_str(), "from_the_future");
    }
}
