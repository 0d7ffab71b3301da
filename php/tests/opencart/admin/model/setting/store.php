<?php
// Test kernel: OpenCart 4.0.2.3's admin/model/setting/store (the list; the kernel has no cache).
namespace Opencart\Admin\Model\Setting;

class Store extends \Opencart\System\Engine\Model {
	public function getStores(array $data = []): array {
		return $this->db->query("SELECT * FROM `" . DB_PREFIX . "store` ORDER BY `url`")->rows;
	}
}
