<?php
// Extensions > MesChain > Price rules
$_['heading_title']          = 'MesChain Price Rules';

// Text
$_['text_home']              = 'Home';
$_['text_meschain']          = 'MesChain';
$_['text_menu_settings']     = 'Settings';
$_['text_request_failed']    = 'The request failed. Reload the page and sign in again if the problem persists.';
$_['text_intro']             = 'Every price sent to Trendyol goes through these rules: the OpenCart price (and special) with VAT, then the markup, then the minimum price, then the rounding. A brand rule wins over a category rule, and a category rule over the global one; for a product in several categories with a rule, the category with the lowest ID decides.';
$_['text_global']            = 'Global rule';
$_['text_categories']        = 'Category overrides';
$_['text_brands']            = 'Brand (manufacturer) overrides';
$_['text_add_category']      = 'Add a category: type its name…';
$_['text_add_brand']         = 'Add a brand: type the manufacturer\'s name…';
$_['text_preview']           = 'Preview';
$_['text_add_product']       = 'Add a product: type its name…';
$_['text_no_preview']        = 'Pick a few products to see their Trendyol prices under the rules as edited.';
$_['text_not_found']         = 'is not an OpenCart product.';
$_['text_rule_global']       = 'Global';
$_['text_rule_category']     = 'Category';
$_['text_rule_brand']        = 'Brand';
$_['text_rounding_none']     = 'No rounding';
$_['text_rounding_whole']    = 'Up to a whole lira (13.00)';
$_['text_rounding_ends_90']  = 'Up to .90 (12.90)';
$_['text_rounding_ends_99']  = 'Up to .99 (12.99)';
$_['text_saved']             = 'Success: the price rules were saved.';
$_['text_sync_started']      = 'A stock sync (job #%d) is sending the changed prices to Trendyol now.';
$_['text_sync_later']        = 'The next stock sync sends the changed prices to Trendyol.';

// Entry
$_['entry_markup_percent']   = 'Markup (%)';
$_['entry_markup_amount']    = 'Markup (amount)';
$_['entry_rounding']         = 'Rounding';
$_['entry_floor_price']      = 'Minimum price';
$_['entry_product_ids']      = 'Product IDs, comma-separated';

// Help
$_['help_rule']              = 'Markup percent from -99.99 to 1000, amounts with at most two decimals (a negative amount lowers the price, never below 0). The minimum price is a fixed amount: OpenCart keeps no cost price to set it from. Rounding always goes up, so the minimum still holds. The list price and the sale price get the same rule, so the sale price stays at or below the list price.';
$_['help_categories']        = 'A category rule prices every product in that category (unless its brand has a rule).';
$_['help_brands']            = 'A brand rule prices every product of that manufacturer, whatever its categories.';
$_['help_preview']           = 'Prices under the rules as they are on this page, before saving. "Today" is what Trendyol gets without rules (list / sale, VAT included).';

// Column
$_['column_category']        = 'Category';
$_['column_brand']           = 'Manufacturer';
$_['column_action']          = 'Action';
$_['column_product']         = 'Product';
$_['column_price']           = 'OpenCart price';
$_['column_special']         = 'Special';
$_['column_current']         = 'Today';
$_['column_list_price']      = 'Trendyol list price';
$_['column_sale_price']      = 'Trendyol sale price';
$_['column_rule']            = 'Rule';

// Button
$_['button_save']            = 'Save';
$_['button_preview']         = 'Preview';
$_['button_remove']          = 'Remove';

// Error
$_['error_permission']       = 'Warning: you do not have permission to modify MesChain price rules!';
$_['error_rules']            = 'The price rules did not arrive as a rule set; reload the page and try again.';
