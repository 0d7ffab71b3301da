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
         * Approves a return (claim) with Trendyol; `$claimItemIds` empty means every item.
         *
         * @param string $claim_id
         * @param array|null $claim_item_ids
         * @return bool
         */
        public function approveClaim(string $claim_id, ?array $claim_item_ids = null): bool {}

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
         * Creates or upgrades MesChain's tables. Idempotent.
         *
         * Returns `['applied' => int[], 'schema_version' => int]`.
         *
         * @return array
         */
        public function migrate(): array {}

        /**
         * Tells MesChain an OpenCart order's status changed (the module's `addHistory` event).
         * Queues `Picking` / `Invoiced` for its Trendyol packages when the status asks for it;
         * returns the queued job ids (empty for other orders and statuses).
         *
         * @param int $order_id
         * @param int $order_status_id
         * @return array
         */
        public function orderStatusChanged(int $order_id, int $order_status_id): array {}

        /**
         * Queues a tracking number and/or an invoice link for a Trendyol order's packages.
         *
         * @throws \MesChain\ConfigException when the order is not a Trendyol order or a value is unusable.
         *
         * @param int $order_id
         * @param string $tracking_number
         * @param string $invoice_link
         * @return array
         */
        public function pushShipment(int $order_id, string $tracking_number, string $invoice_link): array {}

        /**
         * Registers the shop's order webhook with Trendyol at `$url` (or updates and re-activates
         * it), with the webhook credentials from the settings. Returns the subscription.
         *
         * @param string $url
         * @return array
         */
        public function registerWebhook(string $url): array {}

        /**
         * Rejects a return (claim) with a reason id (`trendyolRead('claim_issue_reasons')`) and a
         * description (1–500 characters); `$claimItemIds` empty means every item.
         *
         * @param string $claim_id
         * @param array $claim_item_ids
         * @param int $reason_id
         * @param string $description
         * @return bool
         */
        public function rejectClaim(string $claim_id, array $claim_item_ids, int $reason_id, string $description): bool {}

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

        /**
         * The shop's webhook as Trendyol has it (`registered`, `active`, `status`, `url`, `id`).
         *
         * @param string|null $url
         * @return array
         */
        public function webhookSubscription(?string $url = null): array {}

        /**
         * Worker mode: processes queued jobs (webhook events, status pushes) as they arrive, for
         * up to `max_seconds` (1–300, default 5), then returns so the PHP loop can check its
         * signals. Returns the run's outcome (`items_ok`, `items_failed`, `message`, `details`).
         *
         * @throws \MesChain\ConfigException when the settings are unusable.
         *
         * @param int|null $max_seconds
         * @return array
         */
        public function work(?int $max_seconds = null): array {}
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
