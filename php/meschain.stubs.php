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
         * returned `status` (200 stored, 400/413 bad body, 401 credentials, 429 cooling down with
         * `retry_after` seconds, 500 not stored). Pass `$screened = true` when screenWebhook()
         * has just let this request through, so it is not screened twice.
         *
         * Returns `['status' => int, 'verdict' => string, 'reason' => string, 'packages' => int,
         * 'queued' => int, 'duplicates' => int, 'retry_after' => int]` (`retry_after` 0 unless 429).
         *
         * @param string $raw_body
         * @param array $headers
         * @param string|null $remote_ip
         * @param bool|null $screened
         * @return array
         */
        public function acceptWebhook(string $raw_body, array $headers, ?string $remote_ip = null, ?bool $screened = null): array {}

        /**
         * Acknowledges the open alerts among `$ids` for OpenCart user `$userId`; returns how many.
         *
         * @param array $ids
         * @param int $user_id
         * @return int
         */
        public function acknowledgeAlerts(array $ids, int $user_id): int {}

        /**
         * Alerts, most recently seen first. Filter: `state` (open, acknowledged, all; default
         * open), `page`, `limit`. Returns `[total, page, limit, rows]`.
         *
         * @param array|null $filter
         * @return array
         */
        public function alerts(?array $filter = null): array {}

        /**
         * Approves a return (claim) with Trendyol; `$claimItemIds` empty means every item.
         *
         * @param string $claim_id
         * @param array|null $claim_item_ids
         * @return bool
         */
        public function approveClaim(string $claim_id, ?array $claim_item_ids = null): bool {}

        /**
         * Queues the answer to a customer question; returns the queue job's id. The processor
         * delivers it (reading the question back first, so it is never sent twice).
         *
         * @throws \MesChain\ConfigException with Trendyol's message when the answer is shorter than
         * 10 or longer than 2,000 characters, or the question is answered or closed; nothing is
         * queued then.
         *
         * @param int $question_id
         * @param string $text
         * @param int|null $user_id
         * @return int
         */
        public function answerQuestion(int $question_id, string $text, ?int $user_id = null): int {}

        /**
         * The registries the admin and the cron scripts read: `jobs` (name, role, label_key,
         * switch, interval_setting, schedule, cron_script, log_file, purpose, ...), `manual_jobs`,
         * `run_statuses` (name, stored, label_key, badge), `settings` (name, key, group,
         * default, allowed, secret, input, choices, min_length), `setting_groups`, `log_names`.
         *
         * @return array
         */
        public static function registry(): array {}

        /**
         * What the extension was built against: version, commit, PHP API, build profile.
         *
         * @return array
         */
        public static function buildInfo(): array {}

        /**
         * Deletes sync log rows older than `$olderThanDays` (1..3650). Returns `['deleted' => int]`.
         *
         * @param int $older_than_days
         * @return array
         */
        public function cleanupLogs(int $older_than_days): array {}

        /**
         * Closes this process's database connections; the next call reconnects.
         *
         * @return void
         */
        public function close(): void {}

        /**
         * Accepts this database and server as the shop's installation after a move or a deliberate
         * copy. A database copied to another place refuses production Trendyol calls (a
         * `ConfigException` naming this method) until an admin confirms here.
         *
         * Returns `['installation' => string]`: where the installation now is.
         *
         * @return array
         */
        public function confirmInstallation(): array {}

        /**
         * The crontab block for `php_path`, `opencart_root`, `log_dir` (and optional `extension`,
         * `bin_dir`): the same lines scripts/setup_cron_jobs.sh writes.
         *
         * @throws \MesChain\ConfigException on a relative path or shell characters.
         *
         * @param array $options
         * @return string
         */
        public function cronScript(array $options): string {}

        /**
         * The Monitoring tab: per job (`product_sync`, `order_sync`, `stock_sync`,
         * `webhook_processor`, `trendyol_sync`) `enabled`, `interval_minutes`, `last_run`,
         * `next_due_at`, `running`; `today` per job (`runs`, `ok`, `partial`, `failed`, `items_ok`,
         * `items_failed`, `api_calls`, `avg_duration_ms`); `queue` (`priorities` 1..4 with `pending`,
         * `processing`, `failed`, `dead`, `oldest_pending_age_s`; `dead_total`); `alerts_open`;
         * `last_order_at`; `webhook` (`deliveries_24h`, `rejected_24h`, `last_received_at`);
         * `status_enabled`; `settings_error`. Dates are `Y-m-d H:i:s` UTC.
         *
         * @return array
         */
        public function dashboard(): array {}

        /**
         * The dead letter, most recently dead first (`$limit` 1..500).
         *
         * @param int $limit
         * @param int $offset
         * @return array
         */
        public function deadJobs(int $limit = 50, int $offset = 0): array {}

        /**
         * Deletes one mapping by its key (e.g. `['category_id' => 5]`); returns how many rows went.
         *
         * @param string $kind
         * @param array $key
         * @return int
         */
        public function deleteMapping(string $kind, array $key): int {}

        /**
         * Deletes a saved answer; true when it existed.
         *
         * @param int $template_id
         * @return bool
         */
        public function deleteAnswerTemplate(int $template_id): bool {}

        /**
         * Gives up on dead jobs; returns how many. Ids must be positive integers.
         *
         * @param array $ids
         * @return int
         */
        public function discardJobs(array $ids): int {}

        /**
         * A manual sync: queues `$job` (product_sync, order_sync, stock_sync, webhook_processor,
         * full_sync) and returns at once with `[queue_id, created, job, priority]`; `created` is
         * false when the same job was already pending or running (a double click queues it once).
         * Pass the queue id to startJob() to run it now.
         *
         * @throws \MesChain\ConfigException code 120 when MesChain is switched off in Settings
         * (Status): nothing was queued.
         *
         * @param string $job
         * @param array|null $payload
         * @return array
         */
        public function enqueue(string $job, ?array $payload = null): array {}

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
         * `$options` may hold `log_dir` (an absolute path) to log there instead of the `log_dir`
         * setting; the cron scripts pass the directory scripts/setup_cron_jobs.sh was given.
         *
         * @throws \MesChain\ConfigException when the file is missing or lacks usable DB_* values,
         * or on an unknown option.
         *
         * @param string $config_php_path
         * @param array|null $options
         * @return \MesChain\Engine
         */
        public static function fromOpenCart(string $config_php_path, ?array $options = null): \MesChain\Engine {}

        /**
         * A queue job's progress: `status`, `attempts`, `max_attempts`, `last_error`,
         * `created_at`, `processed_at`, `worker` (`host:pid` while running), `started_at` (when
         * the latest attempt began), `lease_expires_at`, …
         *
         * @throws \MesChain\ConfigException when there is no such job.
         *
         * @param int $queue_id
         * @return array
         */
        public function job(int $queue_id): array {}

        /**
         * Deletes logs, processed queue jobs and stock history older than the retention, then
         * runs `OPTIMIZE TABLE` on the sync tables. Returns `['retention_days', 'deleted' =>
         * [table => rows], 'optimized' => string[], 'duration_ms']`.
         *
         * @return array
         */
        public function maintenance(): array {}

        /**
         * One kind of mapping (category, brand, attribute, attribute_value, vat, order_status),
         * OpenCart's rows with their mapping, unmapped ones included (`unmapped_only` to see only
         * those). Filters: `search`, `unmapped_only`, `page`, `limit`; attribute also
         * `trendyol_category_id`; attribute_value needs `attribute_map_id`.
         *
         * @param string $kind
         * @param array|null $filter
         * @return array
         */
        public function mappings(string $kind, ?array $filter = null): array {}

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
         * Tells MesChain that OpenCart changed the stock of these products (the module's order and
         * product events). Queues one coalesced stock push for those on Trendyol, which a worker
         * sends within seconds with OpenCart's quantity at that moment. Returns `[queue_id,
         * created, product_ids, skipped]`: `queue_id` 0 and the reason in `skipped` when nothing
         * was queued (MesChain or stock sync switched off, no product on Trendyol).
         *
         * @throws \MesChain\ConfigException when an id is not a positive integer or there are more than 1000.
         *
         * @param array $product_ids
         * @return array
         */
        public function stockChanged(array $product_ids): array {}

        /**
         * What the products `product_ids` (at most 50) would cost on Trendyol under `rules` (not
         * saved): `['rows' => [product_id, found, name, model, manufacturer, price, special,
         * current_list_price, current_sale_price, list_price, sale_price, rule => [scope, id]]]`.
         *
         * @throws \MesChain\ConfigException on a bad rule or id.
         *
         * @param array $rules
         * @param array $product_ids
         * @return array
         */
        public function previewPrices(array $rules, array $product_ids): array {}

        /**
         * The marketplace price rules: `['global' => rule, 'categories' => [rule + category_id,
         * name], 'brands' => [rule + manufacturer_id, name]]`; a rule is `markup_percent`,
         * `markup_amount`, `rounding` (none, whole, ends_90, ends_99), `floor_price`, as text.
         *
         * @return array
         */
        public function priceRules(): array {}

        /**
         * Per-product sync state. Filter: `sync_status` (pending, submitted, approved, rejected,
         * failed, invalid), `search` (name or barcode), `page`, `limit`. Returns `[total, page,
         * limit, rows, counts]`; rows carry `reasons` as a list of strings.
         *
         * @param array|null $filter
         * @return array
         */
        public function productStatuses(?array $filter = null): array {}

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
         * The queue per priority (`by_priority`: pending, ready, oldest_ready_age_secs, running,
         * expired_leases, dead) and per status (`by_status`), with `pending_total` and `dead_total`.
         *
         * @return array
         */
        public function queueStats(): array {}

        /**
         * The Questions page: `['questions' => [...], 'templates' => [...], 'waiting' => n,
         * 'waiting_over_alert_hours' => n, 'alert_hours' => n]`. `$filter` is `new` (waiting for
         * an answer, the window closing soonest first), `answered` or `all`. Each question carries
         * its product (`product_id`, `barcode`, `product_name`), `seconds_left` in Trendyol's answer
         * window and its answer's delivery (`answer_state`, `answer_error`, `queue_status`).
         *
         * @param string|null $filter
         * @param int|null $limit
         * @return array
         */
        public function questions(?string $filter = null, ?int $limit = null): array {}

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
         * Sends dead jobs back to the queue; returns how many. Ids must be positive integers.
         *
         * @param array $ids
         * @return int
         */
        public function replayJobs(array $ids): int {}

        /**
         * The Setup tab's check: `extension_version`, `schema_version`, `latest_schema_version`,
         * `tables` (name => present), `cron_last_seen` (job => time or null), `log_dir`,
         * `log_dir_writable`, `settings_error`.
         *
         * @return array
         */
        public function requirements(): array {}

        /**
         * Trendyol claims. Filter: `status`, `page`, `limit`. Returns `[total, page, limit, rows]`.
         *
         * @param array|null $filter
         * @return array
         */
        public function returns(?array $filter = null): array {}

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
         * Adds (`$templateId` 0) or replaces a saved answer (title 1–64, body 10–2,000
         * characters); returns its id.
         *
         * @param int $template_id
         * @param string $title
         * @param string $body
         * @return int
         */
        public function saveAnswerTemplate(int $template_id, string $title, string $body): int {}

        /**
         * Saves one mapping row after checking all of it; returns the row as stored.
         *
         * @throws \MesChain\ConfigException naming the bad field; nothing is written then.
         *
         * @param string $kind
         * @param array $row
         * @return array
         */
        public function saveMapping(string $kind, array $row): array {}

        /**
         * Checks the whole rule set (same shape as priceRules() returns, names optional) and
         * replaces the stored one; returns the rules as stored. The next stock sync sends every
         * price they change.
         *
         * @throws \MesChain\ConfigException listing every bad field; nothing is written then.
         *
         * @param array $rules
         * @return array
         */
        public function savePriceRules(array $rules): array {}

        /**
         * Validates the submitted settings (over the stored ones; a blank secret keeps the stored
         * one) and writes them in one transaction. Returns `['saved' => true]`.
         *
         * @throws \MesChain\ConfigException listing every bad field (`field: reason; ...`).
         *
         * @param array $values
         * @return array
         */
        public function saveSettings(array $values): array {}

        /**
         * The Trendyol API address the settings point at: production, stage, or the sandbox URL.
         * `meschain doctor` reads the clock from there (Trendyol refuses signed requests from a
         * server whose clock is far off, and the rate limiter's windows assume one time).
         *
         * @return string
         */
        public function apiBaseUrl(): string {}

        /**
         * The module settings, validated, with secrets reduced to `*_set` flags.
         *
         * @return array
         */
        public function settings(): array {}

        /**
         * Every setting: `[name, key, group, default, allowed, secret, value, is_set]`. A secret's
         * `value` is always `''`.
         *
         * @return array
         */
        public function settingsForm(): array {}

        /**
         * Starts the manual sync `$queue_id` (from enqueue()) now, in the background of this PHP
         * process, and returns at once; poll job() for its progress. The job runs even when its
         * own switch or webhook processing is off (the switches govern automatic runs). If this
         * process ends first, the job's lease runs out and a worker or cron run takes it over.
         * A job waiting out a retry's backoff is started too; one already running (here or
         * elsewhere) or finished is left as it is.
         *
         * Returns `['started' => bool, 'queue_id' => int, 'status' => string, 'reason' =>
         * 'started'|'already_running'|'finished'|'not_manual', 'message' =>
         * string, 'worker' => ?string]`.
         *
         * @throws \MesChain\ConfigException when there is no such job (code 100), or code 120
         * when MesChain is switched off in Settings (Status).
         *
         * @param int $queue_id
         * @return array
         */
        public function startJob(int $queue_id): array {}

        /**
         * The first look at a webhook request, before its body is read: the sender's credential
         * and standing, from this process's memory (the settings are read at most every few
         * seconds). A bad credential is refused here without a database round trip; a source
         * that keeps failing is answered 429 for a cool-down; refusals are logged as one row per
         * interval. Never throws.
         *
         * Returns `['status' => 0]` when the request may go on to acceptWebhook(), else the
         * answer: `['status' => 401|429, 'verdict' => string, 'reason' => string,
         * 'retry_after' => int]`.
         *
         * @param array $headers
         * @param string|null $remote_ip
         * @return array
         */
        public function screenWebhook(array $headers, ?string $remote_ip = null): array {}

        /**
         * Version, schema version, tables present, settings (secrets shown only as set/unset),
         * log directory.
         *
         * @return array
         */
        public function status(): array {}

        /**
         * Job runs, newest first. Filter: `sync_type`, `status` (running, ok, partial, failed,
         * skipped, locked), `page` (from 1), `limit` (1..100, default 25), `since_id` (live view).
         * Returns `[total, page, limit, rows]`, each row every column with `details` decoded.
         *
         * @throws \MesChain\ConfigException on an unknown key or a bad value (the message names it).
         *
         * @param array|null $filter
         * @return array
         */
        public function syncLogs(?array $filter = null): array {}

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
         * Checks a rule set like savePriceRules() without saving it.
         *
         * @throws \MesChain\ConfigException listing every bad field.
         *
         * @param array $rules
         * @return bool
         */
        public function validatePriceRules(array $rules): bool {}

        /**
         * What saveSettings() would refuse, as `[field => reason]`; empty when all is well.
         *
         * @param array $values
         * @return array
         */
        public function validateSettings(array $values): array {}

        /**
         * The extension's version.
         *
         * @return string
         */
        public static function version(): string {}

        /**
         * The largest webhook body the engine takes, in bytes: the route refuses a longer one
         * (413) from its Content-Length or while reading, before the engine sees it.
         *
         * @return int
         */
        public static function webhookBodyLimit(): int {}

        /**
         * The shop's webhook as Trendyol has it (`registered`, `active`, `status`, `url`, `id`).
         *
         * @param string|null $url
         * @return array
         */
        public function webhookSubscription(?string $url = null): array {}

        /**
         * The last seven UTC days, oldest first: `[date, jobs => [job => [runs, items_ok,
         * items_failed, avg_duration_ms, api_calls, failed]]]`, zeros where nothing ran.
         *
         * @return array
         */
        public function weeklyPerformance(): array {}

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

namespace MesChain {
    /**
     * Test-only entry points, compiled into test builds only (cargo feature `testing`, which
     * `./run build` turns on); the shipped extension (`./run release`) has no such class.
     */
    class Testing {
        public function __construct() {}

        /**
         * How many engines this process has built: `fromOpenCart()`/`fromArray()` with a
         * configuration the process has seen reuse its engine and leave the count alone.
         *
         * @return int
         */
        public static function enginesBuilt(): int {}

        /**
         * Raises a Rust panic on purpose, to prove that a panic in the engine becomes a
         * `MesChain\InternalException` and the PHP process lives on. `$where` is `call` (on PHP's
         * thread) or `worker` (inside an async task on a runtime thread).
         *
         * @throws \MesChain\InternalException always.
         *
         * @param string $where
         * @return void
         */
        public static function diagnosePanic(string $where): void {}
    }
}
