<?php

// Stubs for meschain

namespace MesChain {
    /**
     * MesChain's engine for one shop.
     *
     * ```php
     * $engine = MesChain\Engine::fromOpenCart('/var/www/opencart/config.php');
     * $engine->migrate();
     * print_r($engine->status());
     * ```
     */
    class Engine {
        /** Use Engine::fromOpenCart() or Engine::fromArray(); direct construction is refused. */
        public function __construct() {}

        /**
         * Takes one Trendyol webhook delivery in: checks the credential, stores each package's event
         * in the queue (deduplicated) and logs it. `$rawBody` is the request body byte for byte
         * (`file_get_contents('php://input')`); `$headers` maps names (any case) to a value or a
         * list of values. Never throws for a bad delivery or a database failure: answer the
         * returned `status` (202 stored, 400/413 bad body, 401 credentials, 500 not stored).
         *
         * Returns `['status' => int, 'verdict' => string, 'reason' => string, 'packages' => int,
         * 'queued' => int, 'duplicates' => int]`.
         *
         * @param string $raw_body
         * @param array $headers
         * @param string|null $remote_ip
         * @return array
         */
        public function acceptWebhook(string $raw_body, array $headers, ?string $remote_ip = null): array {}

        /**
         * What the extension was built against: version, commit, PHP API, build profile.
         *
         * @return array
         */
        public static function buildInfo(): array {}

        /**
         * Closes this process's database connections; the next call reconnects.
         *
         * @return void
         */
        public function close(): void {}

        /**
         * Raises a Rust panic on purpose, to prove on a given PHP installation that a panic in the
         * engine becomes a `MesChain\InternalException` and the PHP process lives on. `$where` is
         * `call` (on PHP's thread) or `worker` (inside an async task on a runtime thread).
         *
         * @throws \MesChain\InternalException always.
         *
         * @param string $where
         * @return void
         */
        public static function diagnosePanic(string $where): void {}

        /**
         * Creates an engine from explicit settings: `hostname`, `port`, `socket`, `username`,
         * `password`, `database`, `prefix`, `settings` (overrides), `log_dir`, `connect_timeout`,
         * `query_timeout`. Unknown keys are rejected.
         *
         * @throws \MesChain\ConfigException on an unknown key or an unusable value.
         *
         * @param array $config
         * @return \MesChain\Engine
         */
        public static function fromArray(array $config): \MesChain\Engine {}

        /**
         * Creates an engine from an OpenCart `config.php` (read as text, never executed).
         *
         * @throws \MesChain\ConfigException when the file is missing or lacks usable DB_* values.
         *
         * @param string $config_php_path
         * @return \MesChain\Engine
         */
        public static function fromOpenCart(string $config_php_path): \MesChain\Engine {}

        /**
         * Deletes logs, processed queue jobs and stock history older than the retention, then
         * runs `OPTIMIZE TABLE` on the sync tables. Returns `['retention_days', 'deleted' =>
         * [table => rows], 'optimized' => string[], 'duration_ms']`.
         *
         * @return array
         */
        public function maintenance(): array {}

        /**
         * Every metric as OpenMetrics text (`# EOF` terminated), for node_exporter's textfile
         * collector or the metrics route.
         *
         * @return string
         */
        public function metrics(): string {}

        /**
         * Creates or upgrades MesChain's tables. Idempotent.
         *
         * Returns `['applied' => int[], 'schema_version' => int]`.
         *
         * @return array
         */
        public function migrate(): array {}

        /**
         * Runs a job: `product_sync`, `order_sync`, `stock_sync`, `webhook_processor`, or
         * `trendyol_sync` (the orchestrator: every due job). Options: `dry_run` (bool: write
         * nothing), `max_seconds` (int: overrides the max execution time), `trigger` (string:
         * `cron`, `manual`, `admin`, `worker`), `force` (bool: run even if switched off or not due).
         *
         * Returns `['job', 'status' => 'ok'|'failed'|'partial'|'skipped'|'locked', 'sync_log_id',
         * 'items_ok', 'items_failed', 'api_calls', 'api_errors', 'duration_ms',
         * 'peak_memory_bytes', 'finished', 'message']`. A failed job is a `failed` status, not an
         * exception; exceptions mean the run could not be attempted (bad options, no database).
         *
         * @throws \MesChain\ConfigException on an unknown job or option.
         * @throws \MesChain\DatabaseException when the run's bookkeeping cannot be written.
         *
         * @param string $job
         * @param array|null $options
         * @return array
         */
        public function run(string $job, ?array $options = null): array {}

        /**
         * The module settings, validated, with secrets reduced to `*_set` flags.
         *
         * @return array
         */
        public function settings(): array {}

        /**
         * Version, schema version, tables present, settings (secrets shown only as set/unset),
         * log directory.
         *
         * @return array
         */
        public function status(): array {}

        /**
         * One read-only Trendyol lookup through the shop's shared rate limiter: `brands`,
         * `brand_by_name`, `categories`, `category_attributes`, `attribute_values`,
         * `cargo_providers`, `claim_issue_reasons`, `webhooks`, `batch_result`, `orders`,
         * `approved_products`, `unapproved_products`. Returns Trendyol's answer as an array.
         *
         * @throws \MesChain\ConfigException on an unknown operation or parameter, or missing credentials.
         * @throws \MesChain\ApiException when Trendyol refuses or cannot be reached (see getCode()).
         *
         * @param string $operation
         * @param array|null $params
         * @return array
         */
        public function trendyolRead(string $operation, ?array $params = null): array {}

        /**
         * The extension's version.
         *
         * @return string
         */
        public static function version(): string {}
    }
}

namespace MesChain {
    /** Any failure of the MesChain engine. `getCode()` is stable (see the subclasses). */
    class Exception extends \Exception {}

    /** config.php or settings are unusable (100 config, 110 setting). */
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
