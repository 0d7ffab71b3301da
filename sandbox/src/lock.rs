//! Locking that survives a panicked holder.
//!
//! Every piece of shared state (the world, the request log, the limiter, the webhook queue) sits
//! behind its own mutex. A handler that panics while holding one must not take the sandbox down
//! with a poisoned lock, so every lock goes through here.

use std::sync::{Mutex, MutexGuard};

/// Locks a mutex, recovering from poisoning (a panicked holder must not take the sandbox down).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
