//! Versioned, idempotent schema migrations for MesChain's own tables.
//!
//! Migrations are an ordered list of SQL statements with a `{prefix}` placeholder for
//! OpenCart's `DB_PREFIX`. Applied versions are recorded in `{prefix}trendyol_schema_version`
//! with a checksum, so running [`migrate`] again is a no-op and an edited, already-applied
//! migration is reported instead of silently diverging. MySQL commits DDL implicitly, so each
//! statement is itself idempotent (`IF NOT EXISTS`), which makes a migration that died halfway
//! safe to run again. Concurrent installers (the admin's `install()` and a CLI run at the same
//! moment) serialise on a named lock.
//!
//! The same list renders `install/meschain_trendyol_install.sql` ([`install_sql`]) for shops
//! that install by hand with `mysql shop < install/meschain_trendyol_install.sql`; a test
//! proves the two agree.

use mysql_async::prelude::*;
use sha2::{Digest, Sha256};

use super::Database;
use crate::error::{Error, Result};

/// One schema change.
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub statements: &'static [&'static str],
}

impl Migration {
    /// The statements with the prefix filled in.
    pub fn sql(&self, prefix: &str) -> Vec<String> {
        self.statements
            .iter()
            .map(|s| s.replace("{prefix}", prefix))
            .collect()
    }

    /// A checksum of the prefix-independent text, to notice edits to applied migrations.
    pub fn checksum(&self) -> String {
        let mut hasher = Sha256::new();
        for statement in self.statements {
            hasher.update(statement.as_bytes());
            hasher.update([0]);
        }
        hex::encode(hasher.finalize())
    }
}

/// The version table is created before anything else and is not itself a migration.
const VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_schema_version` (
  `version` int(11) NOT NULL,
  `name` varchar(128) NOT NULL,
  `checksum` char(64) NOT NULL,
  `applied_at` datetime NOT NULL,
  PRIMARY KEY (`version`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci";

/// Every migration, in order. Append only: never edit one that has shipped.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "the seven core tables",
        statements: &[
            // Per-product (per-barcode) sync state: what Trendyol last confirmed, where the product
            // is in its life cycle, and why Trendyol'said no.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_products` (
  `trendyol_product_id` int(11) NOT NULL AUTO_INCREMENT,
  `seller_id` bigint(20) NOT NULL DEFAULT 0,
  `product_id` int(11) NOT NULL,
  `product_option_value_id` int(11) NOT NULL DEFAULT 0,
  `barcode` varchar(40) NOT NULL,
  `product_main_id` varchar(40) NOT NULL DEFAULT '',
  `content_id` bigint(20) DEFAULT NULL,
  `sync_status` varchar(16) NOT NULL DEFAULT 'pending',
  `trendyol_status` varchar(32) NOT NULL DEFAULT '',
  `reasons` text DEFAULT NULL,
  `content_hash` char(64) NOT NULL DEFAULT '',
  `submitted_hash` char(64) NOT NULL DEFAULT '',
  `batch_request_id` varchar(64) NOT NULL DEFAULT '',
  `confirmed_quantity` int(11) DEFAULT NULL,
  `confirmed_list_price` decimal(15,4) DEFAULT NULL,
  `confirmed_sale_price` decimal(15,4) DEFAULT NULL,
  `submitted_at` datetime DEFAULT NULL,
  `approved_at` datetime DEFAULT NULL,
  `stock_synced_at` datetime DEFAULT NULL,
  `created_at` datetime NOT NULL,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`trendyol_product_id`),
  UNIQUE KEY `seller_barcode` (`seller_id`,`barcode`),
  KEY `product` (`product_id`,`product_option_value_id`),
  KEY `sync_status` (`sync_status`,`updated_at`),
  KEY `batch_request` (`batch_request_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
            // One row per Trendyol'shipment package; the unique key is what makes a second import a no-op.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_orders` (
  `trendyol_order_id` int(11) NOT NULL AUTO_INCREMENT,
  `seller_id` bigint(20) NOT NULL,
  `package_id` bigint(20) NOT NULL,
  `order_number` varchar(32) NOT NULL,
  `order_id` int(11) DEFAULT NULL,
  `package_status` varchar(32) NOT NULL,
  `last_modified_ms` bigint(20) NOT NULL DEFAULT 0,
  `origin_package_ids` varchar(255) NOT NULL DEFAULT '',
  `stock_state` varchar(16) NOT NULL DEFAULT 'none',
  `total` decimal(15,4) NOT NULL DEFAULT 0.0000,
  `currency_code` varchar(3) NOT NULL DEFAULT 'TRY',
  `unknown_lines` int(11) NOT NULL DEFAULT 0,
  `invoice_number` varchar(64) NOT NULL DEFAULT '',
  `invoice_link` varchar(255) NOT NULL DEFAULT '',
  `tracking_number` varchar(64) NOT NULL DEFAULT '',
  `pushed_status` varchar(32) NOT NULL DEFAULT '',
  `created_at` datetime NOT NULL,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`trendyol_order_id`),
  UNIQUE KEY `seller_package` (`seller_id`,`package_id`),
  KEY `order_number` (`order_number`),
  KEY `order_id` (`order_id`),
  KEY `package_status` (`package_status`,`updated_at`),
  KEY `created_at` (`created_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
            // One row per job run, the source of the admin's statistics and the monitor's checks.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_sync_logs` (
  `sync_log_id` int(11) NOT NULL AUTO_INCREMENT,
  `sync_type` varchar(32) NOT NULL,
  `status` varchar(16) NOT NULL,
  `trigger` varchar(16) NOT NULL DEFAULT 'cron',
  `host` varchar(64) NOT NULL DEFAULT '',
  `pid` int(11) NOT NULL DEFAULT 0,
  `started_at` datetime(3) NOT NULL,
  `finished_at` datetime(3) DEFAULT NULL,
  `duration_ms` int(11) NOT NULL DEFAULT 0,
  `peak_memory_bytes` bigint(20) NOT NULL DEFAULT 0,
  `items_ok` int(11) NOT NULL DEFAULT 0,
  `items_failed` int(11) NOT NULL DEFAULT 0,
  `api_calls` int(11) NOT NULL DEFAULT 0,
  `api_errors` int(11) NOT NULL DEFAULT 0,
  `message` varchar(255) NOT NULL DEFAULT '',
  `error` text DEFAULT NULL,
  `details` mediumtext DEFAULT NULL,
  `created_at` datetime NOT NULL,
  PRIMARY KEY (`sync_log_id`),
  KEY `type_started` (`sync_type`,`started_at`),
  KEY `status_started` (`status`,`started_at`),
  KEY `created_at` (`created_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
            // Every webhook delivery as received, with its verdict. Bodies are kept redacted here:
            // this is a log table and must not hold customer contact data.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_webhook_logs` (
  `webhook_log_id` int(11) NOT NULL AUTO_INCREMENT,
  `received_at` datetime(3) NOT NULL,
  `remote_ip` varchar(45) NOT NULL DEFAULT '',
  `http_status` smallint(6) NOT NULL,
  `verdict` varchar(16) NOT NULL,
  `reason` varchar(255) NOT NULL DEFAULT '',
  `seller_id` bigint(20) DEFAULT NULL,
  `package_id` bigint(20) DEFAULT NULL,
  `package_status` varchar(32) NOT NULL DEFAULT '',
  `dedupe_key` char(64) DEFAULT NULL,
  `queue_id` bigint(20) DEFAULT NULL,
  `body_bytes` int(11) NOT NULL DEFAULT 0,
  `body_redacted` mediumtext DEFAULT NULL,
  `processed` tinyint(1) NOT NULL DEFAULT 0,
  `processed_at` datetime DEFAULT NULL,
  PRIMARY KEY (`webhook_log_id`),
  KEY `received_at` (`received_at`),
  KEY `verdict` (`verdict`,`received_at`),
  KEY `package` (`seller_id`,`package_id`),
  KEY `processed` (`processed`,`processed_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
            // The durable job queue. Claimed by (status, priority, available_at) with SKIP LOCKED;
            // `lease_token` fences a worker whose lease expired out of committing its result.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_sync_queue` (
  `queue_id` bigint(20) NOT NULL AUTO_INCREMENT,
  `event_type` varchar(32) NOT NULL,
  `priority` tinyint(4) NOT NULL,
  `dedupe_key` varchar(128) DEFAULT NULL,
  `payload` mediumtext NOT NULL,
  `status` varchar(16) NOT NULL DEFAULT 'pending',
  `attempts` int(11) NOT NULL DEFAULT 0,
  `max_attempts` int(11) NOT NULL DEFAULT 8,
  `available_at` datetime(3) NOT NULL,
  `lease_owner` varchar(96) NOT NULL DEFAULT '',
  `lease_token` bigint(20) NOT NULL DEFAULT 0,
  `lease_expires_at` datetime(3) DEFAULT NULL,
  `error_class` varchar(16) NOT NULL DEFAULT '',
  `last_error` text DEFAULT NULL,
  `created_at` datetime(3) NOT NULL,
  `updated_at` datetime(3) NOT NULL,
  `processed_at` datetime(3) DEFAULT NULL,
  PRIMARY KEY (`queue_id`),
  UNIQUE KEY `dedupe_key` (`dedupe_key`),
  KEY `claim` (`status`,`priority`,`available_at`,`queue_id`),
  KEY `lease` (`status`,`lease_expires_at`),
  KEY `processed_at` (`processed_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
            // Every stock change MesChain makes or sees, with where it came from.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_stock_history` (
  `stock_history_id` bigint(20) NOT NULL AUTO_INCREMENT,
  `product_id` int(11) NOT NULL,
  `product_option_value_id` int(11) NOT NULL DEFAULT 0,
  `barcode` varchar(40) NOT NULL DEFAULT '',
  `quantity_before` int(11) DEFAULT NULL,
  `quantity_after` int(11) NOT NULL,
  `delta` int(11) NOT NULL DEFAULT 0,
  `source` varchar(32) NOT NULL,
  `reference` varchar(64) NOT NULL DEFAULT '',
  `created_at` datetime(3) NOT NULL,
  PRIMARY KEY (`stock_history_id`),
  KEY `product` (`product_id`,`created_at`),
  KEY `barcode` (`barcode`,`created_at`),
  KEY `created_at` (`created_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
            // Alerts shown in the admin and mailed; deduplicated on a key, throttled by emailed_at.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_alerts` (
  `alert_id` int(11) NOT NULL AUTO_INCREMENT,
  `alert_type` varchar(32) NOT NULL,
  `severity` varchar(16) NOT NULL DEFAULT 'warning',
  `title` varchar(255) NOT NULL,
  `message` text NOT NULL,
  `dedupe_key` varchar(128) NOT NULL DEFAULT '',
  `occurrences` int(11) NOT NULL DEFAULT 1,
  `first_seen_at` datetime NOT NULL,
  `last_seen_at` datetime NOT NULL,
  `emailed_at` datetime DEFAULT NULL,
  `acknowledged_at` datetime DEFAULT NULL,
  `acknowledged_by` int(11) DEFAULT NULL,
  PRIMARY KEY (`alert_id`),
  KEY `open_dedupe` (`dedupe_key`,`acknowledged_at`),
  KEY `type_seen` (`alert_type`,`last_seen_at`),
  KEY `last_seen_at` (`last_seen_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
        ],
    },
    Migration {
        version: 2,
        name: "the shared Trendyol rate limiter",
        statements: &[
            // One row per limiter bucket (per seller: endpoint, service, shop-wide minute and hour).
            // Times are microseconds of the database server's clock, so every host agrees.
            // `tat_us` is the GCRA theoretical arrival time; `cooldown_until_us`, `strikes` and
            // `last_429_us` hold the shop-wide slow-down after a 429; `grants` counts reservations.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_rate_limits` (
  `bucket` varchar(128) NOT NULL,
  `tat_us` bigint(20) NOT NULL DEFAULT 0,
  `cooldown_until_us` bigint(20) NOT NULL DEFAULT 0,
  `strikes` int(11) NOT NULL DEFAULT 0,
  `last_429_us` bigint(20) NOT NULL DEFAULT 0,
  `grants` bigint(20) NOT NULL DEFAULT 0,
  `updated_at` datetime(6) NOT NULL,
  PRIMARY KEY (`bucket`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
        ],
    },
    Migration {
        version: 3,
        name: "order sync: status mapping, cursors, claims",
        statements: &[
            // Trendyol package status -> OpenCart order_status_id, as the shop owner'set it in the
            // admin. A status without a row uses the engine's default (sync::orders::status_map).
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_order_status_map` (
  `trendyol_status` varchar(32) NOT NULL,
  `order_status_id` int(11) NOT NULL,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`trendyol_status`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
            // Named positions of the polls (order stream, claims): advanced only after the work
            // they cover has committed, so a crash re-reads instead of skipping.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_cursors` (
  `name` varchar(64) NOT NULL,
  `value` varchar(1024) NOT NULL DEFAULT '',
  `position_ms` bigint(20) NOT NULL DEFAULT 0,
  `updated_at` datetime(3) NOT NULL,
  PRIMARY KEY (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
            // One row per Trendyol order number: importers of packages of the same order lock it
            // first, so their stock arithmetic over the order's lines never interleaves.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_order_groups` (
  `seller_id` bigint(20) NOT NULL,
  `order_number` varchar(32) NOT NULL,
  `packages` int(11) NOT NULL DEFAULT 0,
  `updated_at` datetime(3) NOT NULL,
  PRIMARY KEY (`seller_id`,`order_number`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
            // The lines of every package as last seen, matched to OpenCart products (product_id
            // NULL: no product has that barcode or stock code).
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_order_lines` (
  `seller_id` bigint(20) NOT NULL,
  `package_id` bigint(20) NOT NULL,
  `line_id` bigint(20) NOT NULL,
  `order_number` varchar(32) NOT NULL,
  `barcode` varchar(64) NOT NULL DEFAULT '',
  `stock_code` varchar(100) NOT NULL DEFAULT '',
  `product_id` int(11) DEFAULT NULL,
  `product_option_value_id` int(11) NOT NULL DEFAULT 0,
  `quantity` int(11) NOT NULL,
  PRIMARY KEY (`seller_id`,`package_id`,`line_id`),
  KEY `order_line` (`seller_id`,`order_number`,`line_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
            // How many units of each order line MesChain has taken out of OpenCart's stock. Stock
            // moves only by the difference between what the order's live packages need and this,
            // which is what makes a repeated, late or split delivery take stock exactly once.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_stock_holds` (
  `seller_id` bigint(20) NOT NULL,
  `order_number` varchar(32) NOT NULL,
  `line_id` bigint(20) NOT NULL,
  `product_id` int(11) NOT NULL,
  `product_option_value_id` int(11) NOT NULL DEFAULT 0,
  `held` int(11) NOT NULL DEFAULT 0,
  `updated_at` datetime(3) NOT NULL,
  PRIMARY KEY (`seller_id`,`order_number`,`line_id`),
  KEY `product` (`product_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
            // Returns (Trendyol claims) seen by polling, linked to the OpenCart order and return.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_claims` (
  `claim_id` varchar(64) NOT NULL,
  `seller_id` bigint(20) NOT NULL,
  `order_number` varchar(32) NOT NULL DEFAULT '',
  `package_id` bigint(20) DEFAULT NULL,
  `order_id` int(11) DEFAULT NULL,
  `return_id` int(11) DEFAULT NULL,
  `claim_status` varchar(32) NOT NULL DEFAULT '',
  `items` mediumtext NOT NULL,
  `claim_date` datetime DEFAULT NULL,
  `last_modified_ms` bigint(20) NOT NULL DEFAULT 0,
  `decision` varchar(16) NOT NULL DEFAULT '',
  `decided_at` datetime DEFAULT NULL,
  `created_at` datetime NOT NULL,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`claim_id`),
  KEY `order_number` (`order_number`),
  KEY `order_id` (`order_id`),
  KEY `status_updated` (`claim_status`,`updated_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
        ],
    },
    Migration {
        version: 4,
        name: "catalog sync: mappings, batch requests, stock and price memory",
        statements: &[
            // OpenCart category -> Trendyol leaf category, edited in the admin.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_category_map` (
  `category_id` int(11) NOT NULL,
  `trendyol_category_id` bigint(20) NOT NULL,
  `trendyol_category_name` varchar(255) NOT NULL DEFAULT '',
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`category_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
            // OpenCart manufacturer -> Trendyol brand; filled by the admin or by a lookup by name.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_brand_map` (
  `manufacturer_id` int(11) NOT NULL,
  `trendyol_brand_id` bigint(20) NOT NULL,
  `trendyol_brand_name` varchar(255) NOT NULL DEFAULT '',
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`manufacturer_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
            // Which Trendyol attribute of a category comes from which OpenCart attribute or
            // option, or is a fixed value.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_attribute_map` (
  `attribute_map_id` int(11) NOT NULL AUTO_INCREMENT,
  `trendyol_category_id` bigint(20) NOT NULL,
  `trendyol_attribute_id` bigint(20) NOT NULL,
  `trendyol_attribute_name` varchar(255) NOT NULL DEFAULT '',
  `source` varchar(16) NOT NULL,
  `source_id` int(11) NOT NULL DEFAULT 0,
  `trendyol_value_id` bigint(20) DEFAULT NULL,
  `custom_value` varchar(255) NOT NULL DEFAULT '',
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`attribute_map_id`),
  UNIQUE KEY `category_attribute` (`trendyol_category_id`,`trendyol_attribute_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
            // OpenCart attribute text (or option_value_id as text) -> Trendyol attribute value.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_attribute_value_map` (
  `value_map_id` int(11) NOT NULL AUTO_INCREMENT,
  `attribute_map_id` int(11) NOT NULL,
  `source_value` varchar(255) NOT NULL,
  `trendyol_value_id` bigint(20) NOT NULL,
  `trendyol_value_name` varchar(255) NOT NULL DEFAULT '',
  PRIMARY KEY (`value_map_id`),
  UNIQUE KEY `attribute_value` (`attribute_map_id`,`source_value`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
            // OpenCart tax class -> Trendyol VAT rate (0, 1, 10 or 20).
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_vat_map` (
  `tax_class_id` int(11) NOT NULL,
  `vat_rate` tinyint(4) NOT NULL,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`tax_class_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
            // Every asynchronous write MesChain made, tracked until each item has its result
            // (Trendyol keeps results for four hours only).
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_batch_requests` (
  `batch_request_id` varchar(64) NOT NULL,
  `seller_id` bigint(20) NOT NULL,
  `kind` varchar(24) NOT NULL,
  `item_count` int(11) NOT NULL DEFAULT 0,
  `failed_count` int(11) NOT NULL DEFAULT 0,
  `status` varchar(16) NOT NULL DEFAULT 'pending',
  `created_at` datetime NOT NULL,
  `checked_at` datetime DEFAULT NULL,
  `finished_at` datetime DEFAULT NULL,
  PRIMARY KEY (`batch_request_id`),
  KEY `pending` (`status`,`kind`,`created_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
            // Fingerprints of price/stock bodies sent, so an identical body is never sent again
            // within Trendyol's 15-minute window.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_sent_bodies` (
  `body_hash` char(64) NOT NULL,
  `batch_request_id` varchar(64) NOT NULL DEFAULT '',
  `item_count` int(11) NOT NULL DEFAULT 0,
  `sent_at` datetime NOT NULL,
  PRIMARY KEY (`body_hash`),
  KEY `sent_at` (`sent_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
            // Per product: what the product scan last saw (to skip unchanged products cheaply),
            // and the price/stock write in flight (sent values wait here until the batch result
            // confirms them).
            "ALTER TABLE `{prefix}trendyol_products`
  ADD COLUMN IF NOT EXISTS `source_modified_at` datetime DEFAULT NULL,
  ADD COLUMN IF NOT EXISTS `mapping_version` char(16) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS `sent_quantity` int(11) DEFAULT NULL,
  ADD COLUMN IF NOT EXISTS `sent_list_price` decimal(15,4) DEFAULT NULL,
  ADD COLUMN IF NOT EXISTS `sent_sale_price` decimal(15,4) DEFAULT NULL,
  ADD COLUMN IF NOT EXISTS `stock_batch_request_id` varchar(64) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS `stock_reasons` text DEFAULT NULL,
  ADD COLUMN IF NOT EXISTS `stock_failed_at` datetime DEFAULT NULL",
            "CREATE INDEX IF NOT EXISTS `stock_batch` ON `{prefix}trendyol_products` (`stock_batch_request_id`)",
        ],
    },
    Migration {
        version: 5,
        name: "running system: job locks, alert mails, API counters",
        statements: &[
            // One lease per job name (`order_sync`, ...), shared by every process and host through
            // the database. `token` grows on every take-over (a fencing token); `sync_log_id` is the
            // holder's run, closed as abandoned when an expired lease is taken over. Times are the
            // database server's clock, so hosts with skewed clocks agree.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_job_locks` (
  `job` varchar(32) NOT NULL,
  `holder` varchar(128) NOT NULL DEFAULT '',
  `token` bigint(20) NOT NULL DEFAULT 0,
  `sync_log_id` int(11) NOT NULL DEFAULT 0,
  `acquired_at` datetime(3) DEFAULT NULL,
  `expires_at` datetime(3) DEFAULT NULL,
  `updated_at` datetime(3) NOT NULL,
  PRIMARY KEY (`job`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
            // Every alert e-mail attempt: the hourly cap counts these, and the admin can show
            // whether (and why not) an alert reached the shop owner.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_alert_mails` (
  `alert_mail_id` int(11) NOT NULL AUTO_INCREMENT,
  `alert_id` int(11) NOT NULL,
  `status` varchar(16) NOT NULL,
  `error` varchar(255) NOT NULL DEFAULT '',
  `sent_at` datetime NOT NULL,
  PRIMARY KEY (`alert_mail_id`),
  KEY `sent_at` (`sent_at`,`status`),
  KEY `alert` (`alert_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
            // Cumulative Trendyol API counters per endpoint class (`kind` = 'call' or an error
            // class), added to at the end of every run: the metrics' counters, which must not
            // shrink when old sync logs are cleaned up.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_api_counters` (
  `endpoint` varchar(64) NOT NULL,
  `kind` varchar(32) NOT NULL,
  `count` bigint(20) NOT NULL DEFAULT 0,
  `updated_at` datetime(3) NOT NULL,
  PRIMARY KEY (`endpoint`,`kind`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
        ],
    },
    Migration {
        version: 6,
        name: "staging-clone guard: installation fingerprint",
        statements: &[
            // One row: where this database was installed (see `installation`). A copy of the
            // database carries the row to a place whose fingerprint differs, and production calls
            // stop until an admin confirms.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_installation` (
  `installation_id` tinyint(3) unsigned NOT NULL,
  `instance_id` char(32) NOT NULL,
  `fingerprint` char(64) NOT NULL,
  `description` varchar(512) NOT NULL DEFAULT '',
  `created_at` datetime NOT NULL,
  `confirmed_at` datetime DEFAULT NULL,
  PRIMARY KEY (`installation_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
        ],
    },
    Migration {
        version: 7,
        name: "catalog scans: narrow covering indexes",
        statements: &[
            // The stock job's no-change scan visits every approved row without a write in
            // flight, a range of row ids at a time, and needs only the product id and the
            // confirmed values: all of them are in this index, so a scan reads ~60 bytes a row
            // instead of the ~500-byte row (the barcode is read only for rows that differ).
            "CREATE INDEX IF NOT EXISTS `stock_scan` ON `{prefix}trendyol_products` (`seller_id`, `sync_status`, `stock_batch_request_id`, `trendyol_product_id`, `product_id`, `confirmed_quantity`, `confirmed_list_price`, `confirmed_sale_price`, `stock_failed_at`)",
            // The product job's change scan asks, for every OpenCart product, whether its row
            // saw this `date_modified` and mapping version: answered from this index alone. It
            // starts with the columns of the `product` index, which it replaces.
            "CREATE INDEX IF NOT EXISTS `product_scan` ON `{prefix}trendyol_products` (`product_id`, `product_option_value_id`, `seller_id`, `source_modified_at`, `mapping_version`)",
            "DROP INDEX IF EXISTS `product` ON `{prefix}trendyol_products`",
        ],
    },
    Migration {
        version: 8,
        name: "stock scan by product id",
        statements: &[
            // The stock job's scan now walks OpenCart product ids (dense, unlike the row ids,
            // which upserts leave gappy), so each window is a plain range, its specials are a
            // plain range of `product_special`, and its products are read in id order. Same
            // columns as `stock_scan`, with the product id first after the equalities.
            "CREATE INDEX IF NOT EXISTS `stock_scan_by_product` ON `{prefix}trendyol_products` (`seller_id`, `sync_status`, `stock_batch_request_id`, `product_id`, `trendyol_product_id`, `confirmed_quantity`, `confirmed_list_price`, `confirmed_sale_price`, `stock_failed_at`)",
            "DROP INDEX IF EXISTS `stock_scan` ON `{prefix}trendyol_products`",
        ],
    },
    Migration {
        version: 9,
        name: "webhook deliveries by queue job",
        statements: &[
            // A delivery's log row is marked processed in the statement that completes its
            // queue job, found by the job's id.
            "CREATE INDEX IF NOT EXISTS `queue` ON `{prefix}trendyol_webhook_logs` (`queue_id`)",
        ],
    },
    Migration {
        version: 10,
        name: "queue claim time",
        statements: &[
            // When a job's current (or last) attempt was claimed: what the admin's progress
            // shows as "running since", beside the worker holding the job.
            "ALTER TABLE `{prefix}trendyol_sync_queue` ADD COLUMN IF NOT EXISTS `claimed_at` datetime(3) DEFAULT NULL",
        ],
    },
    Migration {
        version: 11,
        name: "price rules",
        statements: &[
            // The owner's marketplace price rules: one global row (`target_id` 0) and overrides
            // per OpenCart category or manufacturer. Read whole with the settings; small.
            "CREATE TABLE IF NOT EXISTS `{prefix}trendyol_price_rules` (
  `scope` varchar(16) NOT NULL,
  `target_id` int(11) NOT NULL DEFAULT 0,
  `markup_percent` decimal(7,2) NOT NULL DEFAULT 0.00,
  `markup_amount` decimal(15,2) NOT NULL DEFAULT 0.00,
  `rounding` varchar(16) NOT NULL DEFAULT 'none',
  `floor_price` decimal(15,2) NOT NULL DEFAULT 0.00,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`scope`, `target_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
        ],
    },
];

/// The seven core tables, for status checks.
pub const SEED_TABLES: &[&str] = &[
    "trendyol_products",
    "trendyol_orders",
    "trendyol_sync_logs",
    "trendyol_webhook_logs",
    "trendyol_sync_queue",
    "trendyol_stock_history",
    "trendyol_alerts",
];

/// The newest schema version this build knows.
pub fn latest_version() -> u32 {
    MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}

/// What a [`migrate`] call did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrationReport {
    pub applied: Vec<u32>,
    pub schema_version: u32,
}

/// Applies every pending migration. Safe to call concurrently and repeatedly.
pub async fn migrate(db: &Database) -> Result<MigrationReport> {
    let mut conn = db.conn().await?;
    let version: Option<String> = conn
        .query_first("SELECT VERSION()")
        .await
        .map_err(Error::db("reading the server version"))?;
    super::server::check_version(version.as_deref().unwrap_or_default())?;
    let lock_name = format!("meschain.migrate.{}.{}", db.database_name(), db.prefix());
    let got: Option<i64> = conn
        .exec_first("SELECT GET_LOCK(?, 60)", (lock_name.clone(),))
        .await
        .map_err(Error::db("taking the migration lock"))?;
    if got != Some(1) {
        return Err(Error::Migration(
            "another process holds the migration lock for over 60 s".into(),
        ));
    }
    let result = apply_pending(db, &mut conn).await;
    // Released explicitly; a dropped connection would release it too.
    let _ = conn.exec_drop("SELECT RELEASE_LOCK(?)", (lock_name,)).await;
    result
}

async fn apply_pending(db: &Database, conn: &mut mysql_async::Conn) -> Result<MigrationReport> {
    let prefix = db.prefix();
    conn.query_drop(VERSION_TABLE.replace("{prefix}", prefix))
        .await
        .map_err(Error::db("creating the schema version table"))?;
    let applied: Vec<(u32, String)> = conn
        .query(format!(
            "SELECT version, checksum FROM {} ORDER BY version",
            db.table("trendyol_schema_version")
        ))
        .await
        .map_err(Error::db("reading the schema version"))?;
    let latest = latest_version();
    if let Some((newest, _)) = applied.last() {
        if *newest > latest {
            return Err(Error::Migration(format!(
                "the database is at schema version {newest}, newer than this build knows ({latest}); \
                 upgrade the MesChain extension"
            )));
        }
    }
    for (version, checksum) in &applied {
        if let Some(m) = MIGRATIONS.iter().find(|m| m.version == *version) {
            if m.checksum() != *checksum {
                tracing::warn!(
                    version,
                    "an applied migration differs from this build's text"
                );
            }
        }
    }
    let mut report = MigrationReport::default();
    for migration in MIGRATIONS {
        if applied.iter().any(|(v, _)| *v == migration.version) {
            continue;
        }
        for statement in migration.sql(prefix) {
            conn.query_drop(statement).await.map_err(|source| {
                Error::Migration(format!(
                    "migration {} ({}) failed: {source}",
                    migration.version, migration.name
                ))
            })?;
        }
        conn.exec_drop(
            format!(
                "INSERT IGNORE INTO {} (version, name, checksum, applied_at) VALUES (?, ?, ?, UTC_TIMESTAMP())",
                db.table("trendyol_schema_version")
            ),
            (migration.version, migration.name, migration.checksum()),
        )
        .await
        .map_err(Error::db("recording a migration"))?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "migration applied"
        );
        report.applied.push(migration.version);
    }
    report.schema_version = latest;
    Ok(report)
}

/// The schema version recorded in the database (0 when MesChain was never installed).
pub async fn current_version(db: &Database) -> Result<u32> {
    let mut conn = db.conn().await?;
    if !table_exists(db, &mut conn, "trendyol_schema_version").await? {
        return Ok(0);
    }
    let version: Option<Option<u32>> = conn
        .query_first(format!(
            "SELECT MAX(version) FROM {}",
            db.table("trendyol_schema_version")
        ))
        .await
        .map_err(Error::db("reading the schema version"))?;
    Ok(version.flatten().unwrap_or(0))
}

/// Whether `{prefix}{name}` exists in the current database.
pub async fn table_exists(db: &Database, conn: &mut mysql_async::Conn, name: &str) -> Result<bool> {
    let found: Option<String> = conn
        .exec_first(
            "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
            (format!("{}{}", db.prefix(), name),),
        )
        .await
        .map_err(Error::db("looking up a table"))?;
    Ok(found.is_some())
}

/// The hand-install script: every migration and the version rows, for `prefix`.
pub fn install_sql(prefix: &str) -> String {
    let mut out = String::new();
    out.push_str(
        "-- MesChain Trendyol: database tables.\n\
         -- Generated from the engine's migrations (meschain-tool install-sql); do not edit by hand.\n\
         -- Usage: mysql -u root -p your_database < install/meschain_trendyol_install.sql\n\
         -- The table prefix below is `",
    );
    out.push_str(prefix);
    out.push_str("`; generate another with: meschain-tool install-sql --prefix yourprefix_\n\n");
    out.push_str("SET NAMES utf8mb4;\n\n");
    out.push_str(&VERSION_TABLE.replace("{prefix}", prefix));
    out.push_str(";\n\n");
    for migration in MIGRATIONS {
        out.push_str(&format!(
            "-- Migration {}: {}\n",
            migration.version, migration.name
        ));
        for statement in migration.sql(prefix) {
            out.push_str(&statement);
            out.push_str(";\n\n");
        }
        out.push_str(&format!(
            "INSERT IGNORE INTO `{prefix}trendyol_schema_version` (`version`, `name`, `checksum`, `applied_at`) \
             VALUES ({}, '{}', '{}', UTC_TIMESTAMP());\n\n",
            migration.version,
            migration.name.replace('\'', "''"),
            migration.checksum()
        ));
    }
    out
}
