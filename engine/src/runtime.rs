//! The async runtime behind a synchronous PHP call, safe across `fork()`.
//!
//! PHP calls into the engine synchronously; the engine is async (tokio, mysql_async). A runtime
//! is built lazily on first use — never at module startup, because php-fpm forks its workers
//! after loading extensions, and a tokio runtime inherited through `fork()` has lost its worker
//! threads: using it hangs. Each runtime remembers the pid that built it; in a forked child the
//! inherited one is leaked on purpose (`mem::forget`: dropping it would try to join threads that
//! do not exist in the child) and a fresh one is built. [`PerProcess`] gives the same treatment
//! to anything else bound to the parent's runtime, such as a connection pool whose sockets the
//! parent still uses.

use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::runtime::Runtime;

use crate::error::{Error, Result};

static RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);

/// The runtime of the current process, built on first use.
pub fn runtime() -> Result<Arc<Runtime>> {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((owner, rt)) = slot.as_ref() {
        if *owner == pid {
            return Ok(rt.clone());
        }
    }
    if let Some((_, inherited)) = slot.take() {
        std::mem::forget(inherited);
    }
    let threads = std::thread::available_parallelism()
        .map(|n| n.get().clamp(1, 4))
        .unwrap_or(2);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .thread_name("meschain-worker")
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("cannot start the async runtime: {e}")))?;
    let rt = Arc::new(rt);
    *slot = Some((pid, rt.clone()));
    Ok(rt)
}

/// Runs a future to completion on this process's runtime, from synchronous code.
pub fn block_on<F: Future>(future: F) -> Result<F::Output> {
    Ok(runtime()?.block_on(future))
}

/// A value that belongs to the process that created it (for example a connection pool).
///
/// After a fork the child gets a fresh value from the initialiser; the parent's value is
/// forgotten in the child, never dropped, so the child cannot close sockets the parent still
/// uses.
pub struct PerProcess<T> {
    slot: Mutex<Option<(u32, T)>>,
}

impl<T> Default for PerProcess<T> {
    fn default() -> Self {
        PerProcess {
            slot: Mutex::new(None),
        }
    }
}

impl<T: Clone> PerProcess<T> {
    /// The current process's value, created by `init` if there is none yet.
    pub fn get_or_try_init(&self, init: impl FnOnce() -> Result<T>) -> Result<T> {
        let pid = std::process::id();
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((owner, value)) = slot.as_ref() {
            if *owner == pid {
                return Ok(value.clone());
            }
        }
        if let Some((_, inherited)) = slot.take() {
            std::mem::forget(inherited);
        }
        let value = init()?;
        *slot = Some((pid, value.clone()));
        Ok(value)
    }

    /// Takes the value out if this process owns it (to close it properly).
    pub fn take_own(&self) -> Option<T> {
        let pid = std::process::id();
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        match slot.take() {
            Some((owner, value)) if owner == pid => Some(value),
            Some(inherited) => {
                std::mem::forget(inherited);
                None
            }
            None => None,
        }
    }
}

impl<T> Drop for PerProcess<T> {
    fn drop(&mut self) {
        let slot = self.slot.get_mut().unwrap_or_else(|p| p.into_inner());
        if let Some((owner, value)) = slot.take() {
            if owner == std::process::id() {
                // Dropping pool handles may spawn clean-up tasks: give them a runtime context.
                if let Ok(rt) = runtime() {
                    let _guard = rt.enter();
                    drop(value);
                } else {
                    std::mem::forget(value);
                }
            } else {
                std::mem::forget(value);
            }
        }
    }
}
