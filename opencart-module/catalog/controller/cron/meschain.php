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
 * OpenCart 4.0.2.3 calls each action as index(cron_id, code, cycle, date_added, date_modified).
 */
namespace Opencart\Catalog\Controller\Extension\Meschain\Cron;

class Meschain extends \Opencart\System\Engine\Controller {
	public function index(int $cron_id = 0, string $code = '', string $cycle = '', string $date_added = '', string $date_modified = ''): void {
		$engine = $this->engine();
		if ($engine === null) {
			return;
		}
		try {
			$report = $engine->run('trendyol_sync', ['trigger' => 'cron']);
			if ($report['status'] === 'failed') {
				error_log('MesChain cron: ' . $report['message']);
			}
		} catch (\Throwable $e) {
			error_log('MesChain cron: ' . get_class($e) . ': ' . $e->getMessage());
		}
	}

	public function maintenance(int $cron_id = 0, string $code = '', string $cycle = '', string $date_added = '', string $date_modified = ''): void {
		$engine = $this->engine();
		if ($engine === null) {
			return;
		}
		try {
			$engine->maintenance();
		} catch (\Throwable $e) {
			error_log('MesChain maintenance: ' . get_class($e) . ': ' . $e->getMessage());
		}
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
