<?php
/**
 * OpenMetrics for Prometheus: index.php?route=extension/meschain/metrics
 *
 * Protected by the `metrics_token` setting (Extensions > MesChain): the scraper sends it as
 * `Authorization: Bearer <token>` (Prometheus: `authorization: { credentials: ... }` in the scrape
 * config), and only so. A token in the address (`?token=`) is refused with 400 even when it is
 * right: addresses end up in access logs, proxy logs and browser history, where a header does
 * not. No token set means the route is off (404); a missing or wrong token is 401. The
 * comparison is constant-time.
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
		if (isset($_GET['token'])) {
			$this->plain(400, 'Bad Request', "the metrics token is not accepted in the address (?token=): send it as an 'Authorization: Bearer <token>' header\n");
			return;
		}
		$given = '';
		$auth = (string)($_SERVER['HTTP_AUTHORIZATION'] ?? $_SERVER['REDIRECT_HTTP_AUTHORIZATION'] ?? '');
		if (preg_match('/^Bearer\s+(\S+)$/i', $auth, $m)) {
			$given = $m[1];
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
