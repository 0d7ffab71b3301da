<?php
// Extensions > MesChain > Mappings
$_['heading_title']        = 'MesChain Mappings';

// Text
$_['text_home']            = 'Home';
$_['text_meschain']        = 'MesChain';
$_['text_menu_settings']   = 'Settings';
$_['text_loading']         = 'Loading…';
$_['text_request_failed']  = 'The request failed. Reload the page and sign in again if the problem persists.';
$_['text_intro']           = 'Tell MesChain which Trendyol category, brand, attribute, VAT rate and order status each of your OpenCart ones stands for. Type in a picker to search Trendyol\'s own lists.';
$_['text_unmapped_only']   = 'Only show what still needs mapping';
$_['text_unmapped']        = 'not mapped';
$_['text_default']         = 'default';
$_['text_saved']           = 'Success: the mapping was saved.';
$_['text_deleted']         = '%d mapping(s) deleted.';
$_['text_no_results']      = 'No results!';
$_['text_source_attribute'] = 'OpenCart attribute';
$_['text_source_option']   = 'OpenCart option';
$_['text_source_fixed']    = 'Fixed value';

$_['text_pick_attribute_map'] = 'Enter the number of an attribute mapping (Attributes tab) to see and map its values.';
$_['text_sources']         = 'OpenCart attributes and options (green: mapped)';

// Tabs
$_['tab_category']         = 'Categories';
$_['tab_brand']            = 'Brands';
$_['tab_attribute']        = 'Attributes';
$_['tab_attribute_value']  = 'Attribute values';
$_['tab_vat']              = 'VAT';
$_['tab_order_status']     = 'Order statuses';

// Column
$_['column_opencart']      = 'OpenCart';
$_['column_trendyol']      = 'Trendyol';
$_['column_action']        = 'Action';

// Entry
$_['entry_trendyol_category'] = 'Search Trendyol categories';
$_['entry_trendyol_brand'] = 'Search Trendyol brands';
$_['entry_trendyol_attribute'] = 'Search the category\'s attributes';
$_['entry_source']         = 'Value comes from';
$_['entry_source_id']      = 'OpenCart ID';
$_['entry_custom_value']   = 'Fixed value';
$_['entry_attribute_map_id'] = 'Attribute mapping #';
$_['entry_source_value']   = 'OpenCart value';
$_['entry_trendyol_value_id'] = 'Trendyol value ID';
$_['entry_trendyol_value_name'] = 'Trendyol value name';

// Button
$_['button_save']          = 'Save';
$_['button_delete']        = 'Delete';
$_['button_show']          = 'Show';
$_['button_add']           = 'Add';

// Error
$_['error_permission']     = 'Warning: you do not have permission to modify MesChain!';
$_['error_kind']           = 'Unknown mapping kind.';
$_['error_category_first'] = 'Pick a Trendyol category first.';
