-- MesChain Trendyol: database tables.
-- Generated from the engine's migrations (meschain-tool install-sql); do not edit by hand.
-- Usage: mysql -u root -p your_database < install/meschain_trendyol_install.sql
-- The table prefix below is `oc_`; generate another with: meschain-tool install-sql --prefix yourprefix_

SET NAMES utf8mb4;

CREATE TABLE IF NOT EXISTS `oc_trendyol_schema_version` (
  `version` int(11) NOT NULL,
  `name` varchar(128) NOT NULL,
  `checksum` char(64) NOT NULL,
  `applied_at` datetime NOT NULL,
  PRIMARY KEY (`version`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Migration 1: the seven core tables
CREATE TABLE IF NOT EXISTS `oc_trendyol_products` (
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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS `oc_trendyol_orders` (
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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS `oc_trendyol_sync_logs` (
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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS `oc_trendyol_webhook_logs` (
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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS `oc_trendyol_sync_queue` (
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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS `oc_trendyol_stock_history` (
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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS `oc_trendyol_alerts` (
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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

INSERT IGNORE INTO `oc_trendyol_schema_version` (`version`, `name`, `checksum`, `applied_at`) VALUES (1, 'the seven core tables', '19f68ec2e448be291ddcb65fc5582968004b2e4bcae16a73964ec5677cc03720', UTC_TIMESTAMP());

-- Migration 2: the shared Trendyol rate limiter
CREATE TABLE IF NOT EXISTS `oc_trendyol_rate_limits` (
  `bucket` varchar(128) NOT NULL,
  `tat_us` bigint(20) NOT NULL DEFAULT 0,
  `cooldown_until_us` bigint(20) NOT NULL DEFAULT 0,
  `strikes` int(11) NOT NULL DEFAULT 0,
  `last_429_us` bigint(20) NOT NULL DEFAULT 0,
  `grants` bigint(20) NOT NULL DEFAULT 0,
  `updated_at` datetime(6) NOT NULL,
  PRIMARY KEY (`bucket`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

INSERT IGNORE INTO `oc_trendyol_schema_version` (`version`, `name`, `checksum`, `applied_at`) VALUES (2, 'the shared Trendyol rate limiter', '5b91a56ea5d66fc757c19ce770339ab39e5c423928da91a2879f0b3413dc3eb8', UTC_TIMESTAMP());

-- Migration 3: order sync: status mapping, cursors, claims
CREATE TABLE IF NOT EXISTS `oc_trendyol_order_status_map` (
  `trendyol_status` varchar(32) NOT NULL,
  `order_status_id` int(11) NOT NULL,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`trendyol_status`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS `oc_trendyol_cursors` (
  `name` varchar(64) NOT NULL,
  `value` varchar(1024) NOT NULL DEFAULT '',
  `position_ms` bigint(20) NOT NULL DEFAULT 0,
  `updated_at` datetime(3) NOT NULL,
  PRIMARY KEY (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS `oc_trendyol_order_groups` (
  `seller_id` bigint(20) NOT NULL,
  `order_number` varchar(32) NOT NULL,
  `packages` int(11) NOT NULL DEFAULT 0,
  `updated_at` datetime(3) NOT NULL,
  PRIMARY KEY (`seller_id`,`order_number`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS `oc_trendyol_order_lines` (
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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS `oc_trendyol_stock_holds` (
  `seller_id` bigint(20) NOT NULL,
  `order_number` varchar(32) NOT NULL,
  `line_id` bigint(20) NOT NULL,
  `product_id` int(11) NOT NULL,
  `product_option_value_id` int(11) NOT NULL DEFAULT 0,
  `held` int(11) NOT NULL DEFAULT 0,
  `updated_at` datetime(3) NOT NULL,
  PRIMARY KEY (`seller_id`,`order_number`,`line_id`),
  KEY `product` (`product_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS `oc_trendyol_claims` (
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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

INSERT IGNORE INTO `oc_trendyol_schema_version` (`version`, `name`, `checksum`, `applied_at`) VALUES (3, 'order sync: status mapping, cursors, claims', '2aca5faae2f3d9936435ccabd14a7da179272afafdbd9c843af9ac044e9aea3a', UTC_TIMESTAMP());

-- Migration 4: catalog sync: mappings, batch requests, stock and price memory
CREATE TABLE IF NOT EXISTS `oc_trendyol_category_map` (
  `category_id` int(11) NOT NULL,
  `trendyol_category_id` bigint(20) NOT NULL,
  `trendyol_category_name` varchar(255) NOT NULL DEFAULT '',
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`category_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS `oc_trendyol_brand_map` (
  `manufacturer_id` int(11) NOT NULL,
  `trendyol_brand_id` bigint(20) NOT NULL,
  `trendyol_brand_name` varchar(255) NOT NULL DEFAULT '',
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`manufacturer_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS `oc_trendyol_attribute_map` (
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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS `oc_trendyol_attribute_value_map` (
  `value_map_id` int(11) NOT NULL AUTO_INCREMENT,
  `attribute_map_id` int(11) NOT NULL,
  `source_value` varchar(255) NOT NULL,
  `trendyol_value_id` bigint(20) NOT NULL,
  `trendyol_value_name` varchar(255) NOT NULL DEFAULT '',
  PRIMARY KEY (`value_map_id`),
  UNIQUE KEY `attribute_value` (`attribute_map_id`,`source_value`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS `oc_trendyol_vat_map` (
  `tax_class_id` int(11) NOT NULL,
  `vat_rate` tinyint(4) NOT NULL,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`tax_class_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS `oc_trendyol_batch_requests` (
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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS `oc_trendyol_sent_bodies` (
  `body_hash` char(64) NOT NULL,
  `batch_request_id` varchar(64) NOT NULL DEFAULT '',
  `item_count` int(11) NOT NULL DEFAULT 0,
  `sent_at` datetime NOT NULL,
  PRIMARY KEY (`body_hash`),
  KEY `sent_at` (`sent_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

ALTER TABLE `oc_trendyol_products`
  ADD COLUMN IF NOT EXISTS `source_modified_at` datetime DEFAULT NULL,
  ADD COLUMN IF NOT EXISTS `mapping_version` char(16) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS `sent_quantity` int(11) DEFAULT NULL,
  ADD COLUMN IF NOT EXISTS `sent_list_price` decimal(15,4) DEFAULT NULL,
  ADD COLUMN IF NOT EXISTS `sent_sale_price` decimal(15,4) DEFAULT NULL,
  ADD COLUMN IF NOT EXISTS `stock_batch_request_id` varchar(64) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS `stock_reasons` text DEFAULT NULL,
  ADD COLUMN IF NOT EXISTS `stock_failed_at` datetime DEFAULT NULL;

CREATE INDEX IF NOT EXISTS `stock_batch` ON `oc_trendyol_products` (`stock_batch_request_id`);

INSERT IGNORE INTO `oc_trendyol_schema_version` (`version`, `name`, `checksum`, `applied_at`) VALUES (4, 'catalog sync: mappings, batch requests, stock and price memory', '5424bc96d72e9cf9b539689e0f44f468db7837de65f4128d45df812e52e85fcf', UTC_TIMESTAMP());

-- Migration 5: running system: job locks, alert mails, API counters
CREATE TABLE IF NOT EXISTS `oc_trendyol_job_locks` (
  `job` varchar(32) NOT NULL,
  `holder` varchar(128) NOT NULL DEFAULT '',
  `token` bigint(20) NOT NULL DEFAULT 0,
  `sync_log_id` int(11) NOT NULL DEFAULT 0,
  `acquired_at` datetime(3) DEFAULT NULL,
  `expires_at` datetime(3) DEFAULT NULL,
  `updated_at` datetime(3) NOT NULL,
  PRIMARY KEY (`job`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS `oc_trendyol_alert_mails` (
  `alert_mail_id` int(11) NOT NULL AUTO_INCREMENT,
  `alert_id` int(11) NOT NULL,
  `status` varchar(16) NOT NULL,
  `error` varchar(255) NOT NULL DEFAULT '',
  `sent_at` datetime NOT NULL,
  PRIMARY KEY (`alert_mail_id`),
  KEY `sent_at` (`sent_at`,`status`),
  KEY `alert` (`alert_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS `oc_trendyol_api_counters` (
  `endpoint` varchar(64) NOT NULL,
  `kind` varchar(32) NOT NULL,
  `count` bigint(20) NOT NULL DEFAULT 0,
  `updated_at` datetime(3) NOT NULL,
  PRIMARY KEY (`endpoint`,`kind`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

INSERT IGNORE INTO `oc_trendyol_schema_version` (`version`, `name`, `checksum`, `applied_at`) VALUES (5, 'running system: job locks, alert mails, API counters', 'e5fd4c689a8a8a185100cda3ee63d8e12c6f56e80f161c3be2cdba676655624a', UTC_TIMESTAMP());

-- Migration 6: staging-clone guard: installation fingerprint
CREATE TABLE IF NOT EXISTS `oc_trendyol_installation` (
  `installation_id` tinyint(3) unsigned NOT NULL,
  `instance_id` char(32) NOT NULL,
  `fingerprint` char(64) NOT NULL,
  `description` varchar(512) NOT NULL DEFAULT '',
  `created_at` datetime NOT NULL,
  `confirmed_at` datetime DEFAULT NULL,
  PRIMARY KEY (`installation_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

INSERT IGNORE INTO `oc_trendyol_schema_version` (`version`, `name`, `checksum`, `applied_at`) VALUES (6, 'staging-clone guard: installation fingerprint', 'df0b94d22e74c8837cff3d4b4d0795b82c6c4b3bd556115963b711aa937344bf', UTC_TIMESTAMP());

-- Migration 7: catalog scans: narrow covering indexes
CREATE INDEX IF NOT EXISTS `stock_scan` ON `oc_trendyol_products` (`seller_id`, `sync_status`, `stock_batch_request_id`, `trendyol_product_id`, `product_id`, `confirmed_quantity`, `confirmed_list_price`, `confirmed_sale_price`, `stock_failed_at`);

CREATE INDEX IF NOT EXISTS `product_scan` ON `oc_trendyol_products` (`product_id`, `product_option_value_id`, `seller_id`, `source_modified_at`, `mapping_version`);

DROP INDEX IF EXISTS `product` ON `oc_trendyol_products`;

INSERT IGNORE INTO `oc_trendyol_schema_version` (`version`, `name`, `checksum`, `applied_at`) VALUES (7, 'catalog scans: narrow covering indexes', '2d630483aa866e9e60b4eef52fd9c60355aff4c84c9de298903b5d3bb23937a9', UTC_TIMESTAMP());

-- Migration 8: stock scan by product id
CREATE INDEX IF NOT EXISTS `stock_scan_by_product` ON `oc_trendyol_products` (`seller_id`, `sync_status`, `stock_batch_request_id`, `product_id`, `trendyol_product_id`, `confirmed_quantity`, `confirmed_list_price`, `confirmed_sale_price`, `stock_failed_at`);

DROP INDEX IF EXISTS `stock_scan` ON `oc_trendyol_products`;

INSERT IGNORE INTO `oc_trendyol_schema_version` (`version`, `name`, `checksum`, `applied_at`) VALUES (8, 'stock scan by product id', 'ad674604d0b87db27afdb1090d116df44bbb57303067a47a124f6ad59743452a', UTC_TIMESTAMP());

-- Migration 9: webhook deliveries by queue job
CREATE INDEX IF NOT EXISTS `queue` ON `oc_trendyol_webhook_logs` (`queue_id`);

INSERT IGNORE INTO `oc_trendyol_schema_version` (`version`, `name`, `checksum`, `applied_at`) VALUES (9, 'webhook deliveries by queue job', '2f5259387558a4f28aa72c11ec49d504c901d398e455fb1c0c9a13253d7124f1', UTC_TIMESTAMP());

-- Migration 10: queue claim time
ALTER TABLE `oc_trendyol_sync_queue` ADD COLUMN IF NOT EXISTS `claimed_at` datetime(3) DEFAULT NULL;

INSERT IGNORE INTO `oc_trendyol_schema_version` (`version`, `name`, `checksum`, `applied_at`) VALUES (10, 'queue claim time', '6a8bcfdce927a6eee49b1e83a751d4fddcdf8290cdf97ee3c815e66ca0cbc9de', UTC_TIMESTAMP());

-- Migration 11: price rules
CREATE TABLE IF NOT EXISTS `oc_trendyol_price_rules` (
  `scope` varchar(16) NOT NULL,
  `target_id` int(11) NOT NULL DEFAULT 0,
  `markup_percent` decimal(7,2) NOT NULL DEFAULT 0.00,
  `markup_amount` decimal(15,2) NOT NULL DEFAULT 0.00,
  `rounding` varchar(16) NOT NULL DEFAULT 'none',
  `floor_price` decimal(15,2) NOT NULL DEFAULT 0.00,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`scope`, `target_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

INSERT IGNORE INTO `oc_trendyol_schema_version` (`version`, `name`, `checksum`, `applied_at`) VALUES (11, 'price rules', '24ef1b4e668d215cba8fa216e257a15c6ddb52e3b06a858a78d1de1b586875cd', UTC_TIMESTAMP());

-- Migration 12: customer questions and answer templates
CREATE TABLE IF NOT EXISTS `oc_trendyol_questions` (
  `seller_id` bigint(20) NOT NULL,
  `question_id` bigint(20) NOT NULL,
  `status` varchar(32) NOT NULL,
  `text` text NOT NULL,
  `user_name` varchar(128) NOT NULL DEFAULT '',
  `product_main_id` varchar(40) NOT NULL DEFAULT '',
  `product_name` varchar(255) NOT NULL DEFAULT '',
  `image_url` varchar(500) NOT NULL DEFAULT '',
  `web_url` varchar(500) NOT NULL DEFAULT '',
  `barcode` varchar(40) NOT NULL DEFAULT '',
  `product_id` int(11) NOT NULL DEFAULT 0,
  `asked_at` datetime NOT NULL,
  `deadline_at` datetime NOT NULL,
  `trendyol_answer` text DEFAULT NULL,
  `answer_text` text DEFAULT NULL,
  `answer_state` varchar(16) NOT NULL DEFAULT '',
  `answer_error` varchar(500) NOT NULL DEFAULT '',
  `answer_queue_id` int(11) NOT NULL DEFAULT 0,
  `answered_by` int(11) NOT NULL DEFAULT 0,
  `answered_at` datetime DEFAULT NULL,
  `created_at` datetime NOT NULL,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`seller_id`, `question_id`),
  KEY `waiting` (`status`, `deadline_at`),
  KEY `product` (`product_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS `oc_trendyol_answer_templates` (
  `template_id` int(11) NOT NULL AUTO_INCREMENT,
  `title` varchar(64) NOT NULL,
  `body` text NOT NULL,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`template_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

INSERT IGNORE INTO `oc_trendyol_schema_version` (`version`, `name`, `checksum`, `applied_at`) VALUES (12, 'customer questions and answer templates', '533325c5fcaa2cbcd5f9cf788f567e919a0c8683b7aaed7da2344a7b8037d0f8', UTC_TIMESTAMP());

