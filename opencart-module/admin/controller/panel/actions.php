<?php
/**
 * What every MesChain admin page's JSON actions share: the modify-permission check, the JSON
 * answer, and escaping engine messages for it.
 *
 * A trait rather than a parent class: the pages extend OpenCart's own Controller, and each
 * keeps its ROUTE and MODEL constants, which `self::` here reads from the page that uses it.
 */
namespace Opencart\Admin\Controller\Extension\Meschain\Panel;

trait Actions {
	/**
	 * Reading a page needs the route's access permission (OpenCart checks it before any method
	 * runs); every action that changes something also needs modify: without it the answer is
	 * a JSON error. With it, the page's model is loaded.
	 */
	private function canModify(): bool {
		$this->load->language(self::ROUTE);
		if (!$this->user->hasPermission('modify', self::ROUTE)) {
			$this->json(['error' => $this->language->get('error_permission')]);
			return false;
		}
		$this->load->model(self::MODEL);
		return true;
	}

	/** @param array<string, mixed> $json */
	private function json(array $json): void {
		$this->response->addHeader('Content-Type: application/json');
		$this->response->setOutput((string)json_encode($json));
	}

	/** Engine messages can quote what was sent; OpenCart's script inserts `error` as HTML. */
	private static function text(string $message): string {
		return htmlspecialchars($message, ENT_QUOTES, 'UTF-8');
	}
}
