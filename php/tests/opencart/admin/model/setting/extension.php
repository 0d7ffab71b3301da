<?php
// Test kernel: OpenCart 4.0.2.3's admin/model/setting/extension (install/uninstall records).
namespace Opencart\Admin\Model\Setting;

class Extension extends \Opencart\System\Engine\Model {
	public function getExtensionsByType(string $type): array {
		return $this->db->query("SELECT * FROM `" . DB_PREFIX . "extension` WHERE `type` = '" . $this->db->escape($type) . "' ORDER BY `code` ASC")->rows;
	}

	public function getExtensionByCode(string $type, string $code): array {
		return $this->db->query("SELECT * FROM `" . DB_PREFIX . "extension` WHERE `type` = '" . $this->db->escape($type) . "' AND `code` = '" . $this->db->escape($code) . "'")->row;
	}

	public function install(string $type, string $extension, string $code): void {
		if (!in_array($code, array_column($this->getExtensionsByType($type), 'code'))) {
			$this->db->query("INSERT INTO `" . DB_PREFIX . "extension` SET `extension` = '" . $this->db->escape($extension) . "', `type` = '" . $this->db->escape($type) . "', `code` = '" . $this->db->escape($code) . "'");
		}
	}

	public function uninstall(string $type, string $code): void {
		$this->db->query("DELETE FROM `" . DB_PREFIX . "extension` WHERE `type` = '" . $this->db->escape($type) . "' AND `code` = '" . $this->db->escape($code) . "'");
		$this->db->query("DELETE FROM `" . DB_PREFIX . "setting` WHERE `code` = '" . $this->db->escape($type . '_' . $code) . "'");
	}
}
