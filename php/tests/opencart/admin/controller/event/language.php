<?php
// Test kernel: OpenCart 4.0.2.3's admin/controller/event/language: every loaded language string
// is handed to every view (view/*/before), and a controller's strings are put back after a
// nested controller ran (controller/*/before and /after).
namespace Opencart\Admin\Controller\Event;

class Language extends \Opencart\System\Engine\Controller {
	public function index(string &$route, array &$args): void {
		foreach ($this->language->all() as $key => $value) {
			if (!isset($args[$key])) {
				$args[$key] = $value;
			}
		}
	}

	public function before(string &$route, array &$args): void {
		$data = $this->language->all();
		if ($data) {
			$this->language->set('backup', json_encode($data));
		}
	}

	public function after(string &$route, array &$args, mixed &$output): void {
		$data = json_decode((string)$this->language->get('backup'), true);
		if (is_array($data)) {
			$this->language->clear();
			foreach ($data as $key => $value) {
				$this->language->set($key, (string)$value);
			}
		}
	}
}
