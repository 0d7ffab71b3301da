<?php
/**
 * MesChain in OpenCart's own cron (Extensions > Cron Jobs), for shops without crontab access.
 *
 * install() adds two `oc_cron` rows: `meschain_trendyol_sync` (cycle `hour`, off by default, action
 * `extension/meschain/cron/meschain`) runs the orchestrator — every job that is switched on and
 * due by its interval — and `meschain_maintenance` (cycle `day`, action
 * `extension/meschain/cron/meschain.maintenance`) cleans up old logs and optimizes the tables.
 * OpenCart runs cron at most hourly, so intervals shorter than an hour act as hourly here; the
 * crontab installed by setup_cron_jobs.sh is the precise way. The engine's locks make running
 * both safe: a job never runs twice at once.
 *
 * Who may run them. OpenCart 4.0.2.3 never requests these routes over HTTP: its cron
 * (catalog/controller/cron/cron.php, reached by `cron.php` on the command line or by
 * `index.php?route=cron/cron`, and the admin's Run button) calls each due action in-process
 * with `$this->load->controller($action, cron_id, code, cycle, date_added, date_modified)`. A
 * request for the route itself goes through OpenCart's front controller, which calls the action
 * with no arguments at all, so `cron_id` is 0 exactly when the call came from the web. Such a
 * request must carry the `cron_secret` setting (generated at install) as
 * `Authorization: Bearer <secret>` or `X-MesChain-Cron-Secret: <secret>` — anything else is
 * 403 before any work — and must be a POST (a GET is 405): both routes change data, and a GET
 * is what crawlers, link previews and prefetchers send. An empty `cron_secret` turns the web
 * door off; OpenCart's own cron keeps working either way.
 */
namespace Opencart\Catalog\Controller\Extension\Meschain\Cron;

class Meschain extends \Opencart\System\Engine\Controller {
	public function index(int $cron_id = 0, string $code = '', string $cycle = '', string $date_added = '', string $date_modified = ''): void {
		$web = $cron_id <= 0;
		if ($web && !$this->admitted()) {
			return;
		}
		$engine = $this->engine();
		if ($engine === null) {
			$web && $this->answer(503, ['status' => 'failed', 'message' => 'the meschain PHP extension is not usable (see the error log)']);
			return;
		}
		try {
			$report = $engine->run('trendyol_sync', ['trigger' => 'cron']);
			if ($report['status'] === 'failed') {
				error_log('MesChain cron: ' . $report['message']);
			}
			$web && $this->answer(200, ['status' => (string)$report['status'], 'message' => (string)$report['message']]);
		} catch (\Throwable $e) {
			error_log('MesChain cron: ' . get_class($e) . ': ' . $e->getMessage());
			$web && $this->answer(500, ['status' => 'failed', 'message' => 'the run failed (see the error log)']);
		}
	}

	public function maintenance(int $cron_id = 0, string $code = '', string $cycle = '', string $date_added = '', string $date_modified = ''): void {
		$web = $cron_id <= 0;
		if ($web && !$this->admitted()) {
			return;
		}
		$engine = $this->engine();
		if ($engine === null) {
			$web && $this->answer(503, ['status' => 'failed', 'message' => 'the meschain PHP extension is not usable (see the error log)']);
			return;
		}
		try {
			$engine->maintenance();
			$web && $this->answer(200, ['status' => 'done']);
		} catch (\Throwable $e) {
			error_log('MesChain maintenance: ' . get_class($e) . ': ' . $e->getMessage());
			$web && $this->answer(500, ['status' => 'failed', 'message' => 'maintenance failed (see the error log)']);
		}
	}

	/**
	 * Whether a web request may run the job; answers it when not. The secret is checked first,
	 * so an anonymous caller learns nothing else (not even which methods would do).
	 */
	private function admitted(): bool {
		$expected = (string)$this->config->get('module_meschain_cron_secret');
		$given = self::presentedSecret($_SERVER);
		if ($expected === '' || $given === '' || !hash_equals($expected, $given)) {
			$this->answer(403, ['status' => 'refused', 'message' => $expected === ''
				? 'the cron address is off (no cron secret is set); OpenCart\'s own cron runs this job'
				: 'a valid cron secret is required (Authorization: Bearer <secret>)']);
			return false;
		}
		if (($_SERVER['REQUEST_METHOD'] ?? '') !== 'POST') {
			$this->response->addHeader('Allow: POST');
			$this->answer(405, ['status' => 'refused', 'message' => 'only POST runs this job']);
			return false;
		}
		return true;
	}

	/**
	 * The secret a request presents: a Bearer header, or X-MesChain-Cron-Secret where a server
	 * drops Authorization before PHP sees it (Apache with CGI or FastCGI does by default).
	 *
	 * @param array<string, mixed> $server
	 */
	public static function presentedSecret(array $server): string {
		foreach (['HTTP_AUTHORIZATION', 'REDIRECT_HTTP_AUTHORIZATION'] as $key) {
			if (isset($server[$key]) && is_string($server[$key]) && preg_match('/^Bearer\s+(\S+)\s*$/i', $server[$key], $m)) {
				return $m[1];
			}
		}
		$header = $server['HTTP_X_MESCHAIN_CRON_SECRET'] ?? '';
		return is_string($header) ? trim($header) : '';
	}

	/** @param array<string, string> $data */
	private function answer(int $status, array $data): void {
		$text = [200 => 'OK', 403 => 'Forbidden', 405 => 'Method Not Allowed', 500 => 'Internal Server Error', 503 => 'Service Unavailable'][$status] ?? 'Status';
		$this->response->addHeader('HTTP/1.1 ' . $status . ' ' . $text);
		$this->response->addHeader('Content-Type: application/json');
		$this->response->addHeader('Cache-Control: no-store');
		$this->response->setOutput((string)json_encode(['http_status' => $status] + $data));
	}

	private function engine(): ?\MesChain\Engine {
		if (!extension_loaded('meschain') || !class_exists('\MesChain\Engine')) {
			error_log('MesChain cron: the meschain PHP extension is not loaded');
			return null;
		}
		try {
			return \MesChain\Engine::fromOpenCart(DIR_OPENCART . 'config.php');
		} catch (\Throwable $e) {
			error_log('MesChain cron: ' . $e->getMessage());
			return null;
		}
	}
}
