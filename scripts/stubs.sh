#!/usr/bin/env bash
# Regenerates php/meschain.stubs.php (IDE type hints) from a debug build of the extension.
# The exception classes are registered by hand at module startup, so their stubs are appended
# here by hand too. Needs cargo-php: cargo install cargo-php --locked
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -p meschain
cargo php stubs target/debug/libmeschain.so -o php/meschain.stubs.php
# `new MesChain\Engine()` is refused at run time; the factories are the way in.
sed -i 's|        public function __construct() {}|        /** Use Engine::fromOpenCart() or Engine::fromArray(); direct construction is refused. */\n        public function __construct() {}|' php/meschain.stubs.php
cat >> php/meschain.stubs.php <<'PHP'

namespace MesChain {
    /** Any failure of the MesChain engine. `getCode()` is stable (see the subclasses). */
    class Exception extends \Exception {}

    /** config.php or settings are unusable (100 config, 110 setting), or MesChain is switched
     *  off in Settings and refused the work (120). */
    class ConfigException extends Exception {}

    /** The database is unreachable (200), a statement failed (210) or a migration failed (220). */
    class DatabaseException extends Exception {}

    /** An operation ran past its own deadline (300). */
    class TimeoutException extends Exception {}

    /** Trendyol refused or could not be reached: 500 transient, 510 rate-limited, 520 permanent,
     *  530 auth, 540 ambiguous write, 550 circuit open. */
    class ApiException extends Exception {}

    /** I/O (400) or an internal error (900), including a Rust panic caught at the boundary. */
    class InternalException extends Exception {}
}
PHP
php -l php/meschain.stubs.php >/dev/null
echo "php/meschain.stubs.php regenerated"
