<?php
// Test kernel: OpenCart 4.0.2.3's admin/model/setting/event (the methods extensions use).
namespace Opencart\Admin\Model\Setting;

class Event extends \Opencart\System\Engine\Model {
	public function addEvent(array $data): int {
		$this->db->query("INSERT INTO `" . DB_PREFIX . "event` SET `code` = '" . $this->db->escape($data['code']) . "', `description` = '" . $this->db->escape($data['description']) . "', `trigger` = '" . $this->db->escape($data['trigger']) . "', `action` = '" . $this->db->escape($data['action']) . "', `status` = '" . (int)(bool)$data['status'] . "', `sort_order` = '" . (int)$data['sort_order'] . "'");
		return $this->db->getLastId();
	}

	public function deleteEvent(int $event_id): void {
		$this->db->query("DELETE FROM `" . DB_PREFIX . "event` WHERE `event_id` = '" . (int)$event_id . "'");
	}

	public function deleteEventByCode(string $code): void {
		$this->db->query("DELETE FROM `" . DB_PREFIX . "event` WHERE `code` = '" . $this->db->escape($code) . "'");
	}

	public function getEventByCode(string $code): array {
		return $this->db->query("SELECT DISTINCT * FROM `" . DB_PREFIX . "event` WHERE `code` = '" . $this->db->escape($code) . "' LIMIT 1")->row;
	}

	public function getEvents(array $data = []): array {
		return $this->db->query("SELECT * FROM `" . DB_PREFIX . "event` ORDER BY `sort_order` ASC")->rows;
	}
}
