<?php
/**
 * Test-only front controller for PHP's built-in server: enough of OpenCart 4.0.2.3's catalog to
 * serve the extension's metrics route over real HTTP. Like OpenCart's startup, it loads the
 * store's settings from `oc_setting` into a Config the controller reads.
 *
 *   MESCHAIN_SHOP=/tmp/shop php -d extension=... -S 127.0.0.1:PORT php/tests/metrics_router.php
 */
declare(strict_types=1);

namespace Opencart\System\Engine {
	class Registry {
		private array $data = [];
		public function get(string $key): ?object { return $this->data[$key] ?? null; }
		public function set(string $key, object $value): void { $this->data[$key] = $value; }
		public function has(string $key): bool { return isset($this->data[$key]); }
	}

	class Controller {
		protected $registry;
		public function __construct(Registry $registry) { $this->registry = $registry; }
		public function __get(string $key): object {
			if ($this->registry->has($key)) {
				return $this->registry->get($key);
			}
			throw new \Exception('Error: Could not call registry key ' . $key . '!');
		}
	}
}

namespace Opencart\System\Engine {
	class Config {
		private array $data = [];
		public function get(string $key): mixed { return $this->data[$key] ?? ''; }
		public function set(string $key, mixed $value): void { $this->data[$key] = $value; }
	}
}

namespace Opencart\System\Library {
	class Response {
		private array $headers = [];
		private string $output = '';
		public function addHeader(string $header): void { $this->headers[] = $header; }
		public function setOutput(string $output): void { $this->output = $output; }
		public function output(): void {
			if ($this->output) {
				foreach ($this->headers as $header) {
					header($header, true);
				}
				echo $this->output;
			}
		}
	}
}

namespace {
	$shop = getenv('MESCHAIN_SHOP');
	define('DIR_OPENCART', rtrim((string)$shop, '/') . '/');
	require DIR_OPENCART . 'config.php';
	$route = str_replace('|', '.', (string)($_GET['route'] ?? ''));
	if ($route !== 'extension/meschain/metrics') {
		http_response_code(404);
		echo 'not found';
		return true;
	}
	$config = new \Opencart\System\Engine\Config();
	$db = new \mysqli(DB_HOSTNAME, DB_USERNAME, DB_PASSWORD, DB_DATABASE, (int)DB_PORT);
	foreach ($db->query("SELECT `key`, `value` FROM `" . DB_PREFIX . "setting` WHERE store_id = 0") as $row) {
		$config->set($row['key'], $row['value']);
	}
	require dirname(__DIR__, 2) . '/opencart-module/catalog/controller/metrics.php';
	$registry = new \Opencart\System\Engine\Registry();
	$response = new \Opencart\System\Library\Response();
	$registry->set('response', $response);
	$registry->set('config', $config);
	(new \Opencart\Catalog\Controller\Extension\Meschain\Metrics($registry))->index();
	$response->output();
	return true;
}
