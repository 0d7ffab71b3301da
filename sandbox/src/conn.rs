//! The per-connection handle a request carries, so a fault drawn for the request can reset
//! the connection it came on.
//!
//! The server puts one in every request's extensions and waits on it beside the connection;
//! the gateway, which draws the faults, pulls it. It sits apart from both so neither has to
//! know the other.

use std::sync::Arc;
use tokio::sync::Notify;

/// Per-connection handle handed to requests (as an extension) so a fault can reset the socket.
#[derive(Clone, Debug)]
pub struct ConnControl {
    pub kill: Arc<Notify>,
}

impl ConnControl {
    /// Asks the connection task to reset the connection.
    pub fn reset(&self) {
        self.kill.notify_one();
    }
}
