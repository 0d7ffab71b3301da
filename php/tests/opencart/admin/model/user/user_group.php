<?php
// Test kernel: OpenCart 4.0.2.3's admin/model/user/user_group (permissions as JSON lists;
// addPermission appends even when the route is there, removePermission removes every copy).
namespace Opencart\Admin\Model\User;

class UserGroup extends \Opencart\System\Engine\Model {
	public function getUserGroup(int $user_group_id): array {
		$query = $this->db->query("SELECT DISTINCT * FROM `" . DB_PREFIX . "user_group` WHERE `user_group_id` = '" . (int)$user_group_id . "'");
		if (!$query->num_rows) {
			return [];
		}
		return ['name' => $query->row['name'], 'permission' => json_decode((string)$query->row['permission'], true)];
	}

	public function getUserGroups(array $data = []): array {
		return $this->db->query("SELECT * FROM `" . DB_PREFIX . "user_group` ORDER BY `name`")->rows;
	}

	public function addPermission(int $user_group_id, string $type, string $route): void {
		$query = $this->db->query("SELECT DISTINCT * FROM `" . DB_PREFIX . "user_group` WHERE `user_group_id` = '" . (int)$user_group_id . "'");
		if ($query->num_rows) {
			$data = json_decode((string)$query->row['permission'], true);
			$data[$type][] = $route;
			$this->db->query("UPDATE `" . DB_PREFIX . "user_group` SET `permission` = '" . $this->db->escape(json_encode($data)) . "' WHERE `user_group_id` = '" . (int)$user_group_id . "'");
		}
	}

	public function removePermission(int $user_group_id, string $type, string $route): void {
		$query = $this->db->query("SELECT DISTINCT * FROM `" . DB_PREFIX . "user_group` WHERE `user_group_id` = '" . (int)$user_group_id . "'");
		if ($query->num_rows) {
			$data = json_decode((string)$query->row['permission'], true);
			if (isset($data[$type])) {
				$data[$type] = array_diff($data[$type], [$route]);
			}
			$this->db->query("UPDATE `" . DB_PREFIX . "user_group` SET `permission` = '" . $this->db->escape(json_encode($data)) . "' WHERE `user_group_id` = '" . (int)$user_group_id . "'");
		}
	}
}
