<?php
// Test kernel: OpenCart 4.0.2.3's Cart\User: the signed-in admin from the session's user_id,
// with the permissions of the user's group (JSON in oc_user_group.permission).
namespace Opencart\System\Library\Cart;

class User {
	private object $db;
	private object $request;
	private object $session;
	private int $user_id = 0;
	private string $username = '';
	private int $user_group_id = 0;
	private string $email = '';
	private array $permission = [];

	public function __construct(\Opencart\System\Engine\Registry $registry) {
		$this->db = $registry->get('db');
		$this->request = $registry->get('request');
		$this->session = $registry->get('session');
		if (isset($this->session->data['user_id'])) {
			$user_query = $this->db->query("SELECT * FROM `" . DB_PREFIX . "user` WHERE `user_id` = '" . (int)$this->session->data['user_id'] . "' AND `status` = '1'");
			if ($user_query->num_rows) {
				$this->user_id = (int)$user_query->row['user_id'];
				$this->username = $user_query->row['username'];
				$this->user_group_id = (int)$user_query->row['user_group_id'];
				$this->email = $user_query->row['email'];
				$group = $this->db->query("SELECT `permission` FROM `" . DB_PREFIX . "user_group` WHERE `user_group_id` = '" . (int)$user_query->row['user_group_id'] . "'");
				$permissions = json_decode((string)($group->row['permission'] ?? ''), true);
				if (is_array($permissions)) {
					foreach ($permissions as $key => $value) {
						$this->permission[$key] = $value;
					}
				}
			} else {
				$this->logout();
			}
		}
	}

	public function logout(): void {
		unset($this->session->data['user_id']);
		$this->user_id = 0;
		$this->username = '';
		$this->user_group_id = 0;
		$this->email = '';
	}

	public function hasPermission(string $key, mixed $value): bool {
		return isset($this->permission[$key]) && in_array($value, $this->permission[$key]);
	}

	public function isLogged(): bool {
		return $this->user_id ? true : false;
	}

	public function getId(): int {
		return $this->user_id;
	}

	public function getUserName(): string {
		return $this->username;
	}

	public function getGroupId(): int {
		return $this->user_group_id;
	}

	public function getEmail(): string {
		return $this->email;
	}
}
