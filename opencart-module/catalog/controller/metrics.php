<?php
/**
 * OpenMetrics for Prometheus: index.php?route=extension/meschain/metrics
 *
 * Protected by the `metrics_token` setting (Extensions > MesChain): the scraper sends it as
 * `Authorization: Bearer <token>` (or `?token=` where headers cannot be set). No token set means
 * the route is off (404); a missing or wrong token is 401. The comparison is constant-time.
 */
namespace Opencart\Catalog\Controller\Extension\Meschain;

class Metrics extends \Opencart\System\Engine\Controller {
	private const CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

	public function index(): void {
		$this->response->addHeader('Cache-Control: no-store');
		$expected = (string)$this->config->get('module_meschain_metrics_token');
		if ($expected === '') {
			$this->plain(404, 'Not Found', "metrics are switched off (no metrics token is set)\n");
			return;
		}
		$given = '';
		$auth = (string)($_SERVER['HTTP_AUTHORIZATION'] ?? $_SERVER['REDIRECT_HTTP_AUTHORIZATION'] ?? '');
		if (preg_match('/^Bearer\s+(\S+)$/i', $auth, $m)) {
			$given = $m[1];
		} elseif (isset($_GET['token']) && is_string($_GET['token'])) {
			$given = $_GET['token'];
		}
		if ($given === '' || !hash_equals($expected, $given)) {
			$this->response->addHeader('WWW-Authenticate: Bearer realm="meschain-metrics"');
			$this->plain(401, 'Unauthorized', "a valid metrics token is required\n");
			return;
		}
		if (!extension_loaded('meschain') || !class_exists('\MesChain\Engine')) {
			$this->plain(503, 'Service Unavailable', "the meschain PHP extension is not loaded\n");
			return;
		}
		try {
			$text = \MesChain\Engine::fromOpenCart(DIR_OPENCART . 'config.php')->metrics();
		} catch (\Throwable $e) {
			error_log('MesChain metrics: ' . get_class($e) . ': ' . $e->getMessage());
			$this->plain(500, 'Internal Server Error', "metrics are unavailable (see the error log)\n");
			return;
		}
		$this->response->addHeader('HTTP/1.1 200 OK');
		$this->response->addHeader('Content-Type: ' . self::CONTENT_TYPE);
		$this->response->setOutput($text);
	}

	private function plain(int $status, string $text, string $body): void {
		$this->response->addHeader('HTTP/1.1 ' . $status . ' ' . $text);
		$this->response->addHeader('Content-Type: text/plain; charset=utf-8');
		$this->response->setOutput($body);
	}
}
