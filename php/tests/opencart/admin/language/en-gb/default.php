<?php
// Test kernel: the date and time formats of OpenCart 4.0.2.3's admin/language/en-gb/default.php,
// which startup/language loads before any page's own language file.
$_['date_format_short'] = 'd/m/Y';
$_['time_format']       = 'h:i:s A';
$_['datetime_format']   = 'd/m/Y H:i:s';
