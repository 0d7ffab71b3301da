//! `\MesChain\Engine::registry()`: the engine's registries (jobs, manual syncs, run statuses,
//! settings) as one PHP array, so the admin pages and the cron scripts read the names the engine
//! runs by instead of keeping their own lists. Static: it needs no database and works before the
//! module is configured.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

/// The registry document, as PHP gets it.
pub fn registry() -> PhpResult<ZBox<ZendHashTable>> {
    crate::guarded(|| crate::to_array(&meschain_engine::admin::registry::registry()))
}
