<?php
/**
 * Test-only front controller for PHP's built-in server: just enough of OpenCart 4.0.2.3's
 * catalog routing to run the extension's webhook controller over real HTTP.
 *
 *   MESCHAIN_WEBHOOK_SHOP=/tmp/shop php -d extension=... -S 127.0.0.1:PORT php/tests/webhook_router.php
 *
 * The shop directory holds the catalog config.php (DIR_OPENCART points at it, as in a real shop).
 * The Response stand-in behaves like OpenCart's: headers are queued by addHeader() and sent, each
 * with replace = true, only when there is output.
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

namespace Opencart\System\Library {
	class Response {
		private array $headers = [];
		private string $output = '';
		public function addHeader(string $header): void { $this->headers[] = $header; }
		public function getHeaders(): array { return $this->headers; }
		public function setOutput(string $output): void { $this->output = $output; }
		public function getOutput(): string { return $this->output; }
		public function output(): void {
			if ($this->output) {
				if (!headers_sent()) {
					foreach ($this->headers as $header) {
						header($header, true);
					}
				}
				echo $this->output;
			}
		}
	}
}

namespace {
	$shop = getenv('MESCHAIN_WEBHOOK_SHOP');
	if (!is_string($shop) || $shop === '') {
		http_response_code(500);
		echo 'MESCHAIN_WEBHOOK_SHOP is not set';
		return true;
	}
	define('DIR_OPENCART', rtrim($shop, '/') . '/');

	// index.php?route=extension/<code>/<path>[.<method>] → <code>/catalog/controller/<path>.php
	$route = (string)($_GET['route'] ?? '');
	$route = str_replace('|', '.', $route);
	if ($route !== 'extension/meschain/webhook/trendyol' && $route !== 'extension/meschain/webhook/trendyol.index') {
		http_response_code(404);
		echo 'not found';
		return true;
	}

	require dirname(__DIR__, 2) . '/opencart-module/catalog/controller/webhook/trendyol.php';
	$registry = new \Opencart\System\Engine\Registry();
	$response = new \Opencart\System\Library\Response();
	$registry->set('response', $response);
	$controller = new \Opencart\Catalog\Controller\Extension\Meschain\Webhook\Trendyol($registry);
	$controller->index();
	$response->output();
	return true;
}
