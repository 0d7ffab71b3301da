//! MesChain's PHP exception hierarchy.
//!
//! ```text
//! \Exception
//!  └─ MesChain\Exception                 any failure of the engine
//!      ├─ MesChain\ConfigException       config.php, settings, switched off (100, 110, 120)
//!      ├─ MesChain\DatabaseException     unreachable, failed statement, migration (200..)
//!      ├─ MesChain\TimeoutException      an operation passed its own deadline (300)
//!      ├─ MesChain\ApiException          Trendyol said no or could not be reached (500..550)
//!      └─ MesChain\InternalException     I/O, broken invariants, a caught Rust panic (400, 900)
//! ```
//!
//! They are plain PHP classes registered with `ClassBuilder` at module startup (a `#[php_class]`
//! exception cannot be constructed from PHP and reports line 0), so PHP code can `catch`,
//! subclass and construct them like any other exception. `getCode()` is the engine's stable
//! [`meschain_engine::Error::code`].

use std::sync::atomic::{AtomicPtr, Ordering};

use ext_php_rs::builders::ClassBuilder;
use ext_php_rs::exception::PhpException;
use ext_php_rs::zend::{ce, ClassEntry};
use meschain_engine::{Error, ErrorFamily};

/// Declares each class once: the slot its entry is kept in, its name and its parent. Registration
/// follows the declaration order, so a parent is always registered before its children.
macro_rules! exception_classes {
    ($($slot:ident => $name:literal extends $parent:expr, $parent_name:literal;)*) => {
        $(static $slot: AtomicPtr<ClassEntry> = AtomicPtr::new(std::ptr::null_mut());)*

        /// Registers the classes. Called from the module startup function.
        pub fn register_all() -> ext_php_rs::error::Result<()> {
            $(
                ClassBuilder::new($name)
                    .extends(($parent, $parent_name))
                    .registration(|class, args| {
                        $slot.store(class, Ordering::Release);
                        // PHP may point into the argument tables for as long as the class
                        // lives: they are leaked, never freed.
                        std::mem::forget(args);
                    })
                    .register()?;
            )*
            Ok(())
        }
    };
}

exception_classes! {
    BASE => "MesChain\\Exception" extends ce::exception, "Exception";
    CONFIG => "MesChain\\ConfigException" extends base_entry, "MesChain\\Exception";
    DATABASE => "MesChain\\DatabaseException" extends base_entry, "MesChain\\Exception";
    TIMEOUT => "MesChain\\TimeoutException" extends base_entry, "MesChain\\Exception";
    API => "MesChain\\ApiException" extends base_entry, "MesChain\\Exception";
    INTERNAL => "MesChain\\InternalException" extends base_entry, "MesChain\\Exception";
}

fn entry(slot: &AtomicPtr<ClassEntry>) -> &'static ClassEntry {
    let ptr = slot.load(Ordering::Acquire);
    // SAFETY: set once at module startup to a class entry PHP keeps for the process lifetime.
    // Before startup (never the case for a PHP call) fall back to \Exception.
    unsafe { ptr.as_ref() }.unwrap_or_else(ce::exception)
}

fn base_entry() -> &'static ClassEntry {
    entry(&BASE)
}

/// The PHP exception for an engine error.
pub fn to_php(error: Error) -> PhpException {
    let class = match error.family() {
        ErrorFamily::Config => entry(&CONFIG),
        ErrorFamily::Database => entry(&DATABASE),
        ErrorFamily::Timeout => entry(&TIMEOUT),
        ErrorFamily::Api => entry(&API),
        ErrorFamily::Internal => entry(&INTERNAL),
    };
    PhpException::new(error.to_string(), error.code(), class)
}
