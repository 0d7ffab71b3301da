//! Waking idle workers the moment work is queued, across processes.
//!
//! A worker with nothing to do waits before it looks at the queue again. With polling alone,
//! that wait sits on every webhook's path to its OpenCart order: half the poll interval on
//! average, all of it at worst. So whoever queues work (the webhook intake) sends a one-byte
//! datagram to every worker idle on the same shop database, and their wait ends at once.
//!
//! The channel is a Unix datagram socket per waiting worker process, named by its pid, in
//! `<temp dir>/meschain-wake-<uid>/<shop>/` (`<shop>` hashes the database's address, name and
//! table prefix, so two shops on one host never wake each other). Sending costs a directory read
//! and one non-blocking `send_to` per worker — microseconds, never a wait: a full socket buffer
//! means that worker has wake-ups pending already. A socket nobody listens on any more (its
//! worker died) refuses the datagram and is removed by the sender.
//!
//! Polling stays as the fallback, so nothing depends on a wake-up arriving: a worker on another
//! host, a web server running as another user than the workers (the directory is private to its
//! user), or a socket that cannot be made all leave the worker looking every poll interval, as
//! before.

use std::io::ErrorKind;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crate::db::Database;
use crate::runtime::PerProcess;

/// This process's listening socket, kept between waits (and the shop it listens for).
struct Listener {
    shop: PathBuf,
    socket: UnixDatagram,
}

type Slot = Arc<Mutex<Option<Listener>>>;

static LISTENER: OnceLock<PerProcess<Slot>> = OnceLock::new();

/// The wake-up directory of the shop `db` points at.
fn shop_dir(db: &Database) -> PathBuf {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(format!("{}\0{}\0{}", db.address(), db.database_name(), db.prefix()).as_bytes());
    let shop = hex::encode(&hasher.finalize()[..8]);
    // SAFETY: getuid() has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    std::env::temp_dir()
        .join(format!("meschain-wake-{uid}"))
        .join(shop)
}

/// Wakes the workers waiting on `db`'s shop. Best effort and quick; never fails.
pub fn notify(db: &Database) {
    let dir = shop_dir(db);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let Ok(sender) = UnixDatagram::unbound() else {
        return;
    };
    if sender.set_nonblocking(true).is_err() {
        return;
    }
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "sock") {
            continue;
        }
        match sender.send_to(&[1], &path) {
            Err(e) if matches!(e.kind(), ErrorKind::ConnectionRefused | ErrorKind::NotFound) => {
                let _ = std::fs::remove_file(&path);
            }
            // Sent, or the buffer is full (wake-ups already pending), or not ours to write.
            _ => {}
        }
    }
}

/// Waits up to `limit`, returning early when [`notify`] is called for `db`'s shop (by any
/// process of this user on this host). Falls back to a plain sleep when no socket can be had.
pub async fn wait(db: &Database, limit: Duration) {
    let slot = LISTENER
        .get_or_init(PerProcess::default)
        .get_or_try_init(|| Ok(Arc::default()));
    let taken = slot.as_ref().ok().and_then(|slot| {
        let mut slot = slot.lock().unwrap_or_else(|p| p.into_inner());
        let dir = shop_dir(db);
        match slot.take() {
            // Still listening for this shop, and the socket file still there (a sender may
            // have removed it in a race with the bind): keep it.
            Some(l) if l.shop == dir && socket_path(&dir).exists() => Some(l),
            _ => bind(&dir).map(|socket| Listener { shop: dir, socket }),
        }
    });
    let Some(listener) = taken else {
        tokio::time::sleep(limit).await;
        return;
    };
    let listener = listen(listener, limit).await;
    if let (Ok(slot), Some(listener)) = (slot, listener) {
        *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(listener);
    }
}

/// Waits on the listener's socket; returns it for the next wait (None if it broke).
async fn listen(listener: Listener, limit: Duration) -> Option<Listener> {
    // Registered with the calling runtime for this wait only: the socket outlives runtimes.
    let Ok(socket) = tokio::net::UnixDatagram::from_std(listener.socket) else {
        tokio::time::sleep(limit).await;
        return None;
    };
    let mut buf = [0u8; 16];
    match tokio::time::timeout(limit, socket.recv(&mut buf)).await {
        Ok(Ok(_)) | Err(_) => {}
        Ok(Err(_)) => {
            tokio::time::sleep(limit).await;
            return None;
        }
    }
    // One burst of deliveries, one wake-up: drop what else is pending.
    while socket.try_recv(&mut buf).is_ok() {}
    let socket = socket.into_std().ok()?;
    Some(Listener {
        shop: listener.shop,
        socket,
    })
}

fn socket_path(dir: &Path) -> PathBuf {
    dir.join(format!("{}.sock", std::process::id()))
}

/// Binds this process's socket in `dir`, made private to this user.
fn bind(dir: &Path) -> Option<UnixDatagram> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .ok()?;
    let path = socket_path(dir);
    // A file of a process that had this pid before.
    let _ = std::fs::remove_file(&path);
    let socket = UnixDatagram::bind(&path).ok()?;
    socket.set_nonblocking(true).ok()?;
    Some(socket)
}
