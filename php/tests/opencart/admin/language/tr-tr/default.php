<?php
// Test kernel: a Turkish language pack's default file (OpenCart ships only en-gb): Turkish
// writes dates with dots.
$_['date_format_short'] = 'd.m.Y';
$_['time_format']       = 'H:i:s';
$_['datetime_format']   = 'd.m.Y H:i:s';
