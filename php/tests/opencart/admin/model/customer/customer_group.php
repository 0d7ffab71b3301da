<?php
// Test kernel: OpenCart 4.0.2.3's admin/model/customer/customer_group (the list, by name).
namespace Opencart\Admin\Model\Customer;

class CustomerGroup extends \Opencart\System\Engine\Model {
	public function getCustomerGroups(array $data = []): array {
		return $this->db->query("SELECT * FROM `" . DB_PREFIX . "customer_group` cg LEFT JOIN `" . DB_PREFIX . "customer_group_description` cgd ON (cg.`customer_group_id` = cgd.`customer_group_id`) WHERE cgd.`language_id` = '" . (int)$this->config->get('config_language_id') . "' ORDER BY cgd.`name` ASC")->rows;
	}
}
