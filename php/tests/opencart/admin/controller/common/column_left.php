<?php
// Test kernel: OpenCart 4.0.2.3's admin menu, reduced to the Extensions entry extensions hook
// into. Rendering goes through load->view, so the view/common/column_left/before event (where
// MesChain adds its menu) runs exactly as in OpenCart.
namespace Opencart\Admin\Controller\Common;

class ColumnLeft extends \Opencart\System\Engine\Controller {
	public function index(): string {
		if (!isset($this->request->get['user_token']) || !isset($this->session->data['user_token']) || $this->request->get['user_token'] != $this->session->data['user_token']) {
			return '';
		}
		$data['menus'][] = [
			'id'       => 'menu-extension',
			'icon'     => 'fas fa-puzzle-piece',
			'name'     => 'Extensions',
			'href'     => '',
			'children' => [
				['name' => 'Extensions', 'href' => $this->url->link('marketplace/extension', 'user_token=' . $this->session->data['user_token']), 'children' => []],
			],
		];
		return $this->load->view('common/column_left', $data);
	}
}
