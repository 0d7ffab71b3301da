<?php
// Extensions > MesChain > Settings (and the menu entries)
$_['heading_title']            = 'MesChain Trendyol';

// Text
$_['text_home']                = 'Home';
$_['text_extension']           = 'Extensions';
$_['text_edit']                = 'MesChain settings';
$_['text_success']             = 'Success: the MesChain settings were saved.';
$_['text_menu']                = 'MesChain';
$_['text_menu_cron']           = 'Cron Management';
$_['text_menu_settings']       = 'Settings';
$_['text_menu_mapping']        = 'Mappings';
$_['text_secret_set']          = 'set';
$_['text_secret_not_set']      = 'not set';
$_['text_secret_keep']         = 'Stored. Leave blank to keep it, type to replace it.';
$_['text_secret_empty']        = 'Not set yet';
$_['text_webhook_url']         = 'Webhook URL to register in Trendyol\'s seller panel:';
$_['text_environment_production'] = 'Production (Trendyol live)';
$_['text_environment_stage']   = 'Stage (Trendyol test)';
$_['text_environment_sandbox'] = 'Sandbox (local trendyol-sandbox)';
$_['text_webhook_auth_api_key'] = 'API key header';
$_['text_webhook_auth_basic']  = 'Basic authentication';
$_['text_barcode_source_ean']  = 'EAN';
$_['text_barcode_source_upc']  = 'UPC';
$_['text_barcode_source_sku']  = 'SKU';
$_['text_barcode_source_model'] = 'Model';
$_['text_barcode_source_jan']  = 'JAN';
$_['text_barcode_source_isbn'] = 'ISBN';
$_['text_barcode_source_mpn']  = 'MPN';

// Tabs (settings groups)
$_['tab_general']              = 'General';
$_['tab_intervals']            = 'Sync Intervals';
$_['tab_alerts']               = 'Alert Settings';
$_['tab_performance']          = 'Performance Settings';
$_['tab_debug']                = 'Debug Mode';
$_['tab_api']                  = 'API Credentials';
$_['tab_webhook']              = 'Webhook';
$_['tab_catalog']              = 'Catalog';
$_['tab_orders']               = 'Orders';
$_['tab_other']                = 'Other';
$_['tab_uninstall']            = 'Uninstall';

// Button
$_['button_save']              = 'Save';
$_['button_back']              = 'Back';

// Entry
$_['entry_status']             = 'Status';
$_['entry_product_sync']       = 'Product Sync';
$_['entry_order_sync']         = 'Order Sync';
$_['entry_stock_sync']         = 'Stock Sync';
$_['entry_webhook_processing'] = 'Webhook Processing';
$_['entry_product_sync_interval'] = 'Product Sync Interval (minutes)';
$_['entry_order_sync_interval'] = 'Order Sync Interval (minutes)';
$_['entry_stock_sync_interval'] = 'Stock Sync Interval (minutes)';
$_['entry_webhook_interval']   = 'Webhook Processing Interval (minutes)';
$_['entry_alert_email']        = 'Alert Email';
$_['entry_alert_on_error']     = 'Alert on Error';
$_['entry_alert_on_low_stock'] = 'Alert on Low Stock';
$_['entry_low_stock_threshold'] = 'Low Stock Threshold';
$_['entry_batch_size']         = 'Batch Size';
$_['entry_max_execution_time'] = 'Max Execution Time (seconds)';
$_['entry_memory_limit']       = 'Memory Limit';
$_['entry_debug']              = 'Debug Mode';
$_['entry_log_dir']            = 'Log Directory';
$_['entry_seller_id']          = 'Seller ID';
$_['entry_api_key']            = 'API Key';
$_['entry_api_secret']         = 'API Secret';
$_['entry_environment']        = 'Environment';
$_['entry_sandbox_url']        = 'Sandbox URL';
$_['entry_integrator_name']    = 'Integrator Name';
$_['entry_calls_per_minute']   = 'API Calls per Minute';
$_['entry_calls_per_hour']     = 'API Calls per Hour';
$_['entry_api_connect_timeout'] = 'Connect Timeout (seconds)';
$_['entry_api_timeout']        = 'Request Timeout (seconds)';
$_['entry_api_endpoint_limit'] = 'Requests per Endpoint Window';
$_['entry_api_endpoint_window'] = 'Endpoint Window (seconds)';
$_['entry_api_limit_overrides'] = 'Rate Limit Overrides';
$_['entry_webhook_auth']       = 'Webhook Authentication';
$_['entry_webhook_username']   = 'Webhook Username';
$_['entry_webhook_password']   = 'Webhook Password';
$_['entry_webhook_api_key']    = 'Webhook API Key';
$_['entry_language_id']        = 'Language ID';
$_['entry_barcode_source']     = 'Barcode Source';
$_['entry_stock_buffer']       = 'Stock Buffer';
$_['entry_order_currency']     = 'Order Currency';
$_['entry_drop_tables']        = 'Drop tables on uninstall';

// Help
$_['help_status']              = 'Turns the whole cron system on or off.';
$_['help_product_sync']        = 'Send product changes to Trendyol automatically.';
$_['help_order_sync']          = 'Bring Trendyol orders into OpenCart automatically.';
$_['help_stock_sync']          = 'Send stock and price changes to Trendyol automatically.';
$_['help_webhook_processing']  = 'Process Trendyol\'s webhook deliveries as they arrive.';
$_['help_product_sync_interval'] = 'Whole minutes from 1 to 1440 (60 recommended).';
$_['help_order_sync_interval'] = 'Whole minutes from 1 to 1440 (15 recommended).';
$_['help_stock_sync_interval'] = 'Whole minutes from 1 to 1440 (30 recommended).';
$_['help_webhook_interval']    = 'Whole minutes from 1 to 1440 (5 recommended).';
$_['help_alert_email']         = 'Where error alerts are sent; leave empty for none.';
$_['help_alert_on_error']      = 'E-mail an alert when a sync fails.';
$_['help_alert_on_low_stock']  = 'E-mail an alert when a product falls below the threshold.';
$_['help_low_stock_threshold'] = 'A whole number from 0 to 100000.';
$_['help_batch_size']          = 'Items per batch, 1 to 1000 (50 recommended).';
$_['help_max_execution_time']  = 'Seconds per sync run, 10 to 3600 (300 recommended).';
$_['help_memory_limit']        = 'A size like 128M, 256M or 1G (256M recommended).';
$_['help_debug']               = 'Write detailed logs to the log directory.';
$_['help_log_dir']             = 'An absolute directory path the web server and cron can write.';
$_['help_seller_id']           = 'Trendyol\'s numeric seller ID (seller panel > Account > Integration).';
$_['help_api_key']             = 'The API key from Trendyol\'s seller panel, without spaces.';
$_['help_api_secret']          = 'The API secret from Trendyol\'s seller panel, without spaces.';
$_['help_environment']         = 'Which Trendyol to talk to.';
$_['help_sandbox_url']         = 'The http(s) address of a trendyol-sandbox (only for the sandbox environment).';
$_['help_integrator_name']     = 'Sent in the User-Agent header: letters and digits, at most 30.';
$_['help_calls_per_minute']    = 'Shop-wide ceiling on Trendyol calls per minute.';
$_['help_calls_per_hour']      = 'Shop-wide ceiling on Trendyol calls per hour.';
$_['help_api_connect_timeout'] = 'Seconds from 1 to 60.';
$_['help_api_timeout']         = 'Seconds from 1 to 600.';
$_['help_api_endpoint_limit']  = 'Trendyol\'s rule: this many requests per window to one endpoint.';
$_['help_api_endpoint_window'] = 'Seconds from 1 to 3600.';
$_['help_webhook_auth']        = 'How Trendyol proves its webhook deliveries are genuine.';
$_['help_webhook_username']    = 'For basic authentication.';
$_['help_webhook_password']    = 'For basic authentication.';
$_['help_webhook_api_key']     = 'For the API key header.';
$_['help_language_id']         = 'The OpenCart language whose product texts are sent.';
$_['help_barcode_source']      = 'The product field that holds the barcode Trendyol knows.';
$_['help_stock_buffer']        = 'Units held back from Trendyol for each product.';
$_['help_order_currency']      = 'Three-letter code of the currency Trendyol orders are recorded in.';
$_['help_drop_tables']         = 'When on, uninstalling also deletes MesChain\'s tables and all their data. Off keeps them for a reinstall.';

// Error
$_['error_permission']         = 'Warning: you do not have permission to modify MesChain!';
$_['error_engine']             = 'The MesChain engine answered with an error:';
$_['error_form']               = 'Warning: please check the form carefully for errors!';
$_['error_not_loaded']         = 'MesChain cannot be installed:';
$_['error_migrate']            = 'MesChain cannot be installed: its tables could not be created.';
$_['error_cron_copy']          = 'MesChain could not copy its cron scripts to %s; check that the folder is writable.';
