//! State persistence: `--state-file PATH`.
//!
//! A demo shop should find its catalog and orders again after a restart. The world (products,
//! batches, packages, claims, subscriptions, counters, PRNG position), the clock offset and the
//! behaviour knobs are written as JSON — on clean shutdown (SIGINT/SIGTERM) and on
//! `POST /__sandbox/save` — and read back on start when the file exists. Writes go to a
//! temporary file renamed into place, so a crash mid-write leaves the previous state intact.
//! Not saved: the request log, rate-limit windows, pending webhook deliveries.

use crate::app::App;
use crate::config::Settings;
use crate::content_index::ContentIndex;
use crate::lock::lock;
use crate::world::World;
use serde::{Deserialize, Serialize};
use std::io;
use std::path::{Path, PathBuf};

const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Snapshot {
    version: u32,
    clock_offset_ms: i64,
    settings: Settings,
    world: World,
}

/// Saves to `path`, or to the configured state file.
pub fn save(app: &App, path: Option<&Path>) -> io::Result<PathBuf> {
    let path: PathBuf = match path {
        Some(p) => p.to_path_buf(),
        None => app.config.state_file.clone().ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "no state file configured")
        })?,
    };
    let bytes = {
        let world = lock(&app.world);
        let snap = SnapshotRef {
            version: VERSION,
            clock_offset_ms: app.clock.offset_ms(),
            settings: &app.settings(),
            world: &world,
        };
        serde_json::to_vec(&snap).map_err(io::Error::other)?
    };
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, &bytes)?;
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SnapshotRef<'a> {
    version: u32,
    clock_offset_ms: i64,
    settings: &'a Settings,
    world: &'a World,
}

/// Loads a saved state into a fresh app.
pub fn load(app: &App, path: &Path) -> io::Result<()> {
    let bytes = std::fs::read(path)?;
    let snap: Snapshot = serde_json::from_slice(&bytes).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: not a sandbox state file: {e}", path.display()),
        )
    })?;
    if snap.version != VERSION {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{}: unsupported state version {}",
                path.display(),
                snap.version
            ),
        ));
    }
    let mut world = snap.world;
    world.contents = ContentIndex::build(&world.products);
    *lock(&app.world) = world;
    app.clock.set_offset_ms(snap.clock_offset_ms);
    app.set_settings(snap.settings);
    Ok(())
}
