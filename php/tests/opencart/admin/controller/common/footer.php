<?php
// Test kernel: a stand-in for OpenCart's admin footer.
namespace Opencart\Admin\Controller\Common;

class Footer extends \Opencart\System\Engine\Controller {
	public function index(): string {
		return '</body></html>';
	}
}
