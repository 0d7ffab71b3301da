<?php
// Test kernel: OpenCart 4.0.2.3's Url::link (& becomes &amp; unless $js).
namespace Opencart\System\Library;

class Url {
	private string $url;

	public function __construct(string $url) {
		$this->url = $url;
	}

	public function link(string $route, string|array $args = '', bool $js = false): string {
		$url = $this->url . 'index.php?route=' . $route;
		if ($args) {
			$url .= '&' . (is_array($args) ? http_build_query($args) : trim($args, '&'));
		}
		return $js ? $url : str_replace('&', '&amp;', $url);
	}
}
