<?php
// Test kernel: OpenCart 4.0.2.3's Extensions > Extensions > Modules install / uninstall, as
// OpenCart runs them: record the extension, grant the module route to the installer's group,
// register the extension's namespaces and paths, then call its install(); on uninstall, delete
// the record and the module's settings, then call its uninstall().
namespace Opencart\Admin\Controller\Extension;

class Module extends \Opencart\System\Engine\Controller {
	public function install(): void {
		$json = [];
		$extension = basename((string)($this->request->get['extension'] ?? ''));
		$code = basename((string)($this->request->get['code'] ?? ''));

		if (!$this->user->hasPermission('modify', 'extension/module')) {
			$json['error'] = 'Warning: You do not have permission to modify modules!';
		}
		if (!is_file(DIR_EXTENSION . $extension . '/admin/controller/module/' . $code . '.php')) {
			$json['error'] = 'Error: Extension does not exist!';
		}

		if (!$json) {
			$this->load->model('setting/extension');
			$this->model_setting_extension->install('module', $extension, $code);

			$this->load->model('user/user_group');
			$this->model_user_user_group->addPermission($this->user->getGroupId(), 'access', 'extension/' . $extension . '/module/' . $code);
			$this->model_user_user_group->addPermission($this->user->getGroupId(), 'modify', 'extension/' . $extension . '/module/' . $code);

			$namespace = str_replace(['_', '/'], ['', '\\'], ucwords($extension, '_/'));
			$this->autoloader->register('Opencart\Admin\Controller\Extension\\' . $namespace, DIR_EXTENSION . $extension . '/admin/controller/');
			$this->autoloader->register('Opencart\Admin\Model\Extension\\' . $namespace, DIR_EXTENSION . $extension . '/admin/model/');
			$this->autoloader->register('Opencart\System\Extension\\' . $namespace, DIR_EXTENSION . $extension . '/system/');
			$this->template->addPath('extension/' . $extension, DIR_EXTENSION . $extension . '/admin/view/template/');
			$this->language->addPath('extension/' . $extension, DIR_EXTENSION . $extension . '/admin/language/');
			$this->config->addPath('extension/' . $extension, DIR_EXTENSION . $extension . '/system/config/');

			$this->load->controller('extension/' . $extension . '/module/' . $code . '.install');

			$json['success'] = 'Success: You have modified modules!';
		}

		$this->response->addHeader('Content-Type: application/json');
		$this->response->setOutput(json_encode($json));
	}

	public function uninstall(): void {
		$json = [];
		if (!$this->user->hasPermission('modify', 'extension/module')) {
			$json['error'] = 'Warning: You do not have permission to modify modules!';
		}
		if (!$json) {
			$this->load->model('setting/extension');
			$this->model_setting_extension->uninstall('module', (string)$this->request->get['code']);
			$this->load->controller('extension/' . $this->request->get['extension'] . '/module/' . $this->request->get['code'] . '.uninstall');
			$json['success'] = 'Success: You have modified modules!';
		}
		$this->response->addHeader('Content-Type: application/json');
		$this->response->setOutput(json_encode($json));
	}
}
