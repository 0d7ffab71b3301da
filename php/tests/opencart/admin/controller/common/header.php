<?php
// Test kernel: a stand-in for OpenCart's admin header (the page title, as OpenCart prints it).
namespace Opencart\Admin\Controller\Common;

class Header extends \Opencart\System\Engine\Controller {
	public function index(): string {
		return '<!DOCTYPE html><html><head><title>' . $this->document->getTitle() . '</title></head><body>';
	}
}
