<?php
/**
 * Extensions > MesChain > Cron Management: Monitoring, Logs, Setup, Dead letters, Products and
 * Returns, and the manual sync buttons.
 *
 * The page is a shell; each tab's content is an HTML fragment rendered here from the engine's
 * answer (so everything shown goes through the same escaping twig templates), and actions are
 * JSON endpoints. Manual syncs only enqueue a job and answer at once with its queue id; the
 * page then polls job() for its progress, so no request waits for a sync to run.
 *
 * Reading a tab needs the route's access permission (OpenCart checks it before any method
 * runs); every JSON endpoint also needs modify, checked here, and answers a JSON error otherwise.
 */
namespace Opencart\Admin\Controller\Extension\Meschain\Panel;

use Opencart\Admin\Controller\Extension\Meschain\Module\Meschain;

class Cron extends \Opencart\System\Engine\Controller {
	use Actions;

	private const ROUTE = 'extension/meschain/panel/cron';
	private const MODEL = 'extension/meschain/module/meschain';

	private const PRODUCT_STATUSES = ['pending', 'submitted', 'approved', 'rejected', 'failed', 'invalid'];
	private const PAGE_SIZE = 25;

	/** The engine's ConfigException code for "MesChain is switched off in Settings". */
	private const CODE_SWITCHED_OFF = 120;

	public function index(): void {
		$this->load->language(self::ROUTE);
		$this->load->model(self::MODEL);
		$model = $this->model_extension_meschain_module_meschain;

		$this->document->setTitle($this->language->get('heading_title'));

		$token = 'user_token=' . $this->session->data['user_token'];

		$data['breadcrumbs'] = [
			['text' => $this->language->get('text_home'), 'href' => $this->url->link('common/dashboard', $token, true)],
			['text' => $this->language->get('text_meschain'), 'href' => $this->url->link(Meschain::ROUTE, $token, true)],
			['text' => $this->language->get('heading_title'), 'href' => $this->url->link(self::ROUTE, $token, true)],
		];

		$data['settings'] = $this->url->link(Meschain::ROUTE, $token, true);
		$data['user_token'] = $this->session->data['user_token'];

		// Links the page's script calls (route separator `.`; &amp; is undone for script use).
		$links = [];
		foreach (['monitoring', 'chart', 'logs', 'cleanup', 'acknowledge', 'sync', 'job', 'dead', 'replay', 'discard', 'products', 'returns', 'approve', 'reject', 'cronscript'] as $method) {
			$links[$method] = $this->url->link(self::ROUTE . '.' . $method, $token, true);
		}
		$data['links'] = $links;

		$data['manual_jobs'] = [];
		foreach ($model->registry()['manual_jobs'] as $job) {
			$data['manual_jobs'][] = ['code' => (string)$job['name'], 'text' => $this->language->get((string)$job['label_key'])];
		}

		$data['log_types'] = $this->jobOptions(array_merge($this->jobs(), ['full_sync', 'monitor']));
		$data['log_statuses'] = $this->statusOptions(array_keys($this->runStatuses()), 'text_status_');
		$data['product_statuses'] = $this->statusOptions(self::PRODUCT_STATUSES, 'text_product_');

		$data['error_warning'] = $model->loaded() ? '' : $model->notLoadedMessage();
		$data['text_time_zone'] = sprintf($this->language->get('text_time_zone'), $model->shopZone());

		$data['setup'] = $this->setup();

		$data['header'] = $this->load->controller('common/header');
		$data['column_left'] = $this->load->controller('common/column_left');
		$data['footer'] = $this->load->controller('common/footer');

		$this->response->setOutput($this->load->view(self::ROUTE, $data));
	}

	/** Monitoring tab: job status, today's figures, the queue per priority and open alerts. */
	public function monitoring(): void {
		$this->load->language(self::ROUTE);
		$this->load->model(self::MODEL);
		$model = $this->model_extension_meschain_module_meschain;

		$data = ['error' => '', 'alerts_error' => '', 'jobs' => [], 'priorities' => [], 'alerts' => [], 'dead_total' => 0, 'webhook' => []];

		$dashboard = $model->call('dashboard');
		if (!$dashboard['ok']) {
			$data['error'] = $dashboard['error'];
		} else {
			$d = $dashboard['data'];
			$data['status_enabled'] = !empty($d['status_enabled']);
			foreach ($this->jobs() as $job) {
				$info = $d['jobs'][$job] ?? [];
				$today = $d['today'][$job] ?? [];
				$last = is_array($info['last_run'] ?? null) ? $info['last_run'] : null;
				$runs = (int)($today['runs'] ?? 0);
				$data['jobs'][] = [
					'name'        => $this->jobName($job),
					'enabled'     => !empty($info['enabled']),
					'running'     => !empty($info['running']),
					'interval'    => (int)($info['interval_minutes'] ?? 0),
					'last_status_class' => $last ? $this->badge((string)$last['status']) : 'bg-secondary',
					'last_status_text' => $last ? $this->statusName((string)$last['status']) : $this->language->get('text_never'),
					'last_started' => $last ? $model->shopTime($last['started_at'] ?? null) : '',
					'last_duration' => $last ? (int)$last['duration_ms'] : 0,
					'last_message' => $last ? (string)($last['error'] ?? '') . ((string)($last['error'] ?? '') !== '' ? ' ' : '') . (string)($last['message'] ?? '') : '',
					'next_due'    => $model->shopTime($info['next_due_at'] ?? null),
					'runs'        => $runs,
					'ok'          => (int)($today['ok'] ?? 0),
					'failed'      => (int)($today['failed'] ?? 0),
					'success_rate' => $runs > 0 ? round(100 * (int)($today['ok'] ?? 0) / $runs) : null,
					'items_ok'    => (int)($today['items_ok'] ?? 0),
					'items_failed' => (int)($today['items_failed'] ?? 0),
					'api_calls'   => (int)($today['api_calls'] ?? 0),
					'avg_duration' => (int)($today['avg_duration_ms'] ?? 0),
				];
			}
			foreach (($d['queue']['priorities'] ?? []) as $priority => $row) {
				$data['priorities'][] = [
					'priority'   => (int)$priority,
					'name'       => $this->language->get('text_priority_' . (int)$priority),
					'pending'    => (int)($row['pending'] ?? 0),
					'processing' => (int)($row['processing'] ?? 0),
					'failed'     => (int)($row['failed'] ?? 0),
					'dead'       => (int)($row['dead'] ?? 0),
					'oldest'     => isset($row['oldest_pending_age_s']) ? (int)$row['oldest_pending_age_s'] : null,
				];
			}
			$data['dead_total'] = (int)($d['queue']['dead_total'] ?? 0);
			$data['alerts_open'] = (int)($d['alerts_open'] ?? 0);
			$data['last_order_at'] = $model->shopTime($d['last_order_at'] ?? null);
			$data['webhook'] = [
				'deliveries' => (int)($d['webhook']['deliveries_24h'] ?? 0),
				'rejected'   => (int)($d['webhook']['rejected_24h'] ?? 0),
				'last'       => $model->shopTime($d['webhook']['last_received_at'] ?? null),
			];
		}

		$alerts = $model->call('alerts', [['state' => 'open', 'page' => 1, 'limit' => 20]]);
		if ($alerts['ok']) {
			foreach ($alerts['data']['rows'] ?? [] as $row) {
				$data['alerts'][] = [
					'alert_id' => (int)($row['alert_id'] ?? 0),
					'severity' => (string)($row['severity'] ?? ''),
					'title'    => (string)($row['title'] ?? ''),
					'message'  => (string)($row['message'] ?? ''),
					'count'    => (int)($row['occurrences'] ?? 1),
					'last_seen' => $model->shopTime($row['last_seen_at'] ?? null),
				];
			}
		} else {
			$data['alerts_error'] = $alerts['error'];
		}

		$this->html('monitoring', $data);
	}

	/** JSON for the weekly chart (Flot): per job, items synced per day, and the day labels. */
	public function chart(): void {
		if (!$this->canModify()) {
			return;
		}
		$result = $this->model_extension_meschain_module_meschain->call('weeklyPerformance');
		if (!$result['ok']) {
			$this->json(['error' => self::text($result['error'])]);
			return;
		}
		$json = ['xaxis' => [], 'series' => []];
		$series = [];
		foreach (array_values($result['data']) as $i => $day) {
			$json['xaxis'][] = [$i, (string)substr((string)$day['date'], 5)];
			foreach ($this->jobs() as $job) {
				$figures = $day['jobs'][$job] ?? [];
				$series[$job]['ok'][] = [$i, (int)($figures['items_ok'] ?? 0)];
				$series[$job]['failed'][] = [$i, (int)($figures['items_failed'] ?? 0)];
			}
		}
		foreach ($series as $job => $points) {
			$json['series'][] = ['label' => $this->jobName($job), 'data' => $points['ok'], 'failed' => $points['failed']];
		}
		$this->json($json);
	}

	/** Logs tab: filtered, paginated; `since_id` feeds the live view. */
	public function logs(): void {
		$this->load->language(self::ROUTE);
		$this->load->model(self::MODEL);
		$model = $this->model_extension_meschain_module_meschain;

		$filter = ['page' => max(1, (int)($this->request->get['page'] ?? 1)), 'limit' => self::PAGE_SIZE];
		$type = (string)($this->request->get['filter_sync_type'] ?? '');
		$status = (string)($this->request->get['filter_status'] ?? '');
		if ($type !== '') {
			$filter['sync_type'] = $type;
		}
		if ($status !== '') {
			$filter['status'] = $status;
		}

		$data = ['error' => '', 'rows' => [], 'pagination' => ''];
		$result = $model->call('syncLogs', [$filter]);
		if (!$result['ok']) {
			$data['error'] = $result['error'];
		} else {
			foreach ($result['data']['rows'] ?? [] as $row) {
				$data['rows'][] = [
					'id'       => (int)($row['sync_log_id'] ?? 0),
					'type'     => $this->jobName((string)($row['sync_type'] ?? '')),
					'status_class' => $this->badge((string)($row['status'] ?? '')),
					'status_text' => $this->statusName((string)($row['status'] ?? '')),
					'trigger'  => (string)($row['trigger'] ?? ''),
					'started'  => $model->shopTime($row['started_at'] ?? null),
					'duration' => (int)($row['duration_ms'] ?? 0),
					'items_ok' => (int)($row['items_ok'] ?? 0),
					'items_failed' => (int)($row['items_failed'] ?? 0),
					'api_calls' => (int)($row['api_calls'] ?? 0),
					'memory'   => round((int)($row['peak_memory_bytes'] ?? 0) / 1048576, 1),
					'message'  => (string)($row['message'] ?? ''),
					'detail'   => (string)($row['error'] ?? ''),
				];
			}
			$data['pagination'] = $this->pagination((int)($result['data']['total'] ?? 0), $filter['page'], 'logs');
		}
		$this->html('logs', $data);
	}

	/** Deletes log rows older than N days. */
	public function cleanup(): void {
		if (!$this->canModify()) {
			return;
		}
		$days = (int)($this->request->post['days'] ?? 0);
		if ($days < 1 || $days > 3650) {
			$this->json(['error' => $this->language->get('error_days')]);
			return;
		}
		$result = $this->model_extension_meschain_module_meschain->call('cleanupLogs', [$days]);
		if (!$result['ok']) {
			$this->json(['error' => self::text($result['error'])]);
			return;
		}
		$this->json(['success' => sprintf($this->language->get('text_cleanup_done'), (int)($result['data']['deleted'] ?? 0))]);
	}

	/** Acknowledges the selected alerts in the name of the signed-in user. */
	public function acknowledge(): void {
		if (!$this->canModify()) {
			return;
		}
		$ids = $this->ids('alert_id');
		if (!$ids) {
			$this->json(['error' => $this->language->get('error_selection')]);
			return;
		}
		$result = $this->model_extension_meschain_module_meschain->call('acknowledgeAlerts', [$ids, (int)$this->user->getId()]);
		if (!$result['ok']) {
			$this->json(['error' => self::text($result['error'])]);
			return;
		}
		$this->json(['success' => sprintf($this->language->get('text_acknowledged'), (int)$result['data'])]);
	}

	/**
	 * Manual sync: queues the job (a second click finds it queued) and starts it at once in the
	 * background of this PHP process, so the page sees it run without waiting for a cron run or
	 * the worker. When this process goes away first, the job's lease runs out and the worker or
	 * the next cron run takes it over.
	 */
	public function sync(): void {
		if (!$this->canModify()) {
			return;
		}
		$job = (string)($this->request->post['job'] ?? '');
		if (!in_array($job, array_column($this->model_extension_meschain_module_meschain->registry()['manual_jobs'], 'name'), true)) {
			$this->json(['error' => $this->language->get('error_job')]);
			return;
		}
		$model = $this->model_extension_meschain_module_meschain;
		$result = $model->call('enqueue', [$job, ['trigger' => 'admin', 'user_id' => (int)$this->user->getId()]]);
		if (!$result['ok']) {
			$this->json(['error' => $this->engineError($result)]);
			return;
		}
		$queue_id = (int)($result['data']['queue_id'] ?? 0);
		$started = $model->call('startJob', [$queue_id]);
		if (!$started['ok']) {
			$this->json(['error' => $this->engineError($started), 'queue_id' => $queue_id]);
			return;
		}
		$this->json([
			'success'  => sprintf($this->language->get(!empty($result['data']['created']) ? 'text_queued' : 'text_already_queued'), $this->jobName($job)),
			'queue_id' => $queue_id,
			'created'  => !empty($result['data']['created']),
			'started'  => !empty($started['data']['started']),
		]);
	}

	/**
	 * Progress of a queued job, for the manual sync buttons. A job never tried yet when the page
	 * asks is started here (its first start may have been in a PHP process that ended).
	 */
	public function job(): void {
		if (!$this->canModify()) {
			return;
		}
		$id = (int)($this->request->get['queue_id'] ?? 0);
		if ($id <= 0) {
			$this->json(['error' => $this->language->get('error_selection')]);
			return;
		}
		$model = $this->model_extension_meschain_module_meschain;
		$result = $model->call('job', [$id]);
		if (!$result['ok']) {
			$this->json(['error' => $this->engineError($result)]);
			return;
		}
		// Only a job never tried: one that failed keeps its backoff, or an open page would spend
		// its attempts every two seconds while Trendyol is down.
		if ((string)($result['data']['status'] ?? '') === 'pending' && (int)($result['data']['attempts'] ?? 0) === 0) {
			$started = $model->call('startJob', [$id]);
			if (!$started['ok']) {
				$this->json(['error' => $this->engineError($started)]);
				return;
			}
			$again = $model->call('job', [$id]);
			if ($again['ok']) {
				$result = $again;
			}
		}
		$status = (string)($result['data']['status'] ?? '');
		$this->json([
			'status'       => $status,
			'status_text'  => $this->statusName($status),
			'attempts'     => (int)($result['data']['attempts'] ?? 0),
			'last_error'   => self::text((string)($result['data']['last_error'] ?? '')),
			'processed_at' => $model->shopTime($result['data']['processed_at'] ?? null),
			// The queue's end states (pending and running go on).
			'finished'     => in_array($status, ['done', 'dead', 'discarded'], true),
		]);
	}

	/**
	 * An engine failure as the page shows it: MesChain switched off in Settings is said in the
	 * admin's language with what to do; anything else is the engine's own sentence.
	 *
	 * @param array{ok: bool, error?: string, code?: int, kind?: string} $result
	 */
	private function engineError(array $result): string {
		if ((int)($result['code'] ?? 0) === self::CODE_SWITCHED_OFF) {
			return $this->language->get('error_switched_off');
		}
		return self::text((string)($result['error'] ?? ''));
	}

	/** Dead letters: jobs that ran out of attempts or can never succeed. */
	public function dead(): void {
		$this->load->language(self::ROUTE);
		$this->load->model(self::MODEL);
		$model = $this->model_extension_meschain_module_meschain;
		$page = max(1, (int)($this->request->get['page'] ?? 1));

		$data = ['error' => '', 'rows' => [], 'pagination' => ''];
		$result = $model->call('deadJobs', [self::PAGE_SIZE, ($page - 1) * self::PAGE_SIZE]);
		if (!$result['ok']) {
			$data['error'] = $result['error'];
		} else {
			$rows = $result['data']['rows'] ?? $result['data'];
			foreach (is_array($rows) ? $rows : [] as $row) {
				if (!is_array($row)) {
					continue;
				}
				$data['rows'][] = [
					'id'          => (int)($row['queue_id'] ?? $row['id'] ?? 0),
					'kind'        => (string)($row['event_type'] ?? $row['kind'] ?? ''),
					'priority'    => (int)($row['priority'] ?? 0),
					'attempts'    => (int)($row['attempts'] ?? 0),
					'error_class' => (string)($row['error_class'] ?? ''),
					'last_error'  => (string)($row['last_error'] ?? ''),
					// The engine gives when it died as Unix milliseconds.
					'died_at'     => isset($row['died_at_ms']) ? $model->shopTime(gmdate('Y-m-d H:i:s', intdiv((int)$row['died_at_ms'], 1000))) : '',
				];
			}
			$stats = $model->call('queueStats');
			$total = $stats['ok'] ? (int)($stats['data']['dead_total'] ?? 0) : count($data['rows']);
			$data['pagination'] = $this->pagination($total, $page, 'dead');
		}
		$this->html('dead', $data);
	}

	public function replay(): void {
		$this->deadAction('replayJobs', 'text_replayed');
	}

	public function discard(): void {
		$this->deadAction('discardJobs', 'text_discarded');
	}

	/** Products tab: sync status per product with Trendyol's rejection reasons. */
	public function products(): void {
		$this->load->language(self::ROUTE);
		$this->load->model(self::MODEL);
		$model = $this->model_extension_meschain_module_meschain;

		$filter = ['page' => max(1, (int)($this->request->get['page'] ?? 1)), 'limit' => self::PAGE_SIZE];
		$status = (string)($this->request->get['filter_sync_status'] ?? '');
		if ($status !== '') {
			$filter['sync_status'] = $status;
		}
		// Raw text for the search: OpenCart's copy is HTML-escaped and would not match.
		$search = trim((string)($_GET['filter_search'] ?? ''));
		if ($search !== '') {
			$filter['search'] = $search;
		}

		$data = ['error' => '', 'rows' => [], 'counts' => [], 'pagination' => ''];
		$result = $model->call('productStatuses', [$filter]);
		if (!$result['ok']) {
			$data['error'] = $result['error'];
		} else {
			foreach (self::PRODUCT_STATUSES as $code) {
				$data['counts'][] = ['code' => $code, 'text' => $this->language->get('text_product_' . $code), 'count' => (int)($result['data']['counts'][$code] ?? 0)];
			}
			foreach ($result['data']['rows'] ?? [] as $row) {
				$reasons = [];
				foreach ((array)($row['reasons'] ?? []) as $reason) {
					$reasons[] = is_array($reason) ? (string)($reason['message'] ?? json_encode($reason)) : (string)$reason;
				}
				$data['rows'][] = [
					'product_id' => (int)($row['product_id'] ?? 0),
					// OpenCart stores names HTML-escaped; undo that once so the template escapes once.
					'name'       => html_entity_decode((string)($row['name'] ?? ''), ENT_QUOTES, 'UTF-8'),
					'barcode'    => (string)($row['barcode'] ?? ''),
					'sync_status' => (string)($row['sync_status'] ?? ''),
					'sync_status_text' => $this->language->get('text_product_' . (string)($row['sync_status'] ?? '')),
					'trendyol_status' => (string)($row['trendyol_status'] ?? ''),
					'reasons'    => $reasons,
					'updated_at' => $model->shopTime($row['updated_at'] ?? null),
					'edit'       => $this->url->link('catalog/product.form', 'user_token=' . $this->session->data['user_token'] . '&product_id=' . (int)($row['product_id'] ?? 0), true),
				];
			}
			$data['pagination'] = $this->pagination((int)($result['data']['total'] ?? 0), $filter['page'], 'products');
		}
		$this->html('products', $data);
	}

	/** Returns tab: Trendyol claims with approve / reject. */
	public function returns(): void {
		$this->load->language(self::ROUTE);
		$this->load->model(self::MODEL);
		$model = $this->model_extension_meschain_module_meschain;

		$filter = ['page' => max(1, (int)($this->request->get['page'] ?? 1)), 'limit' => self::PAGE_SIZE];
		$status = (string)($this->request->get['filter_claim_status'] ?? '');
		if ($status !== '') {
			$filter['status'] = $status;
		}

		$data = ['error' => '', 'rows' => [], 'reasons' => [], 'pagination' => ''];
		$result = $model->call('returns', [$filter]);
		if (!$result['ok']) {
			$data['error'] = $result['error'];
		} else {
			foreach ($result['data']['rows'] ?? [] as $row) {
				$items = [];
				$item_ids = [];
				foreach ((array)($row['items'] ?? []) as $item) {
					if (!is_array($item)) {
						continue;
					}
					$id = (string)($item['id'] ?? $item['claimItemId'] ?? $item['claim_item_id'] ?? '');
					if ($id !== '') {
						$item_ids[] = $id;
					}
					$items[] = [
						'name'   => (string)($item['productName'] ?? $item['name'] ?? $item['barcode'] ?? ''),
						'reason' => (string)($item['customerClaimItemReason']['name'] ?? $item['reason'] ?? ''),
						'status' => (string)($item['claimItemStatus']['name'] ?? $item['status'] ?? ''),
					];
				}
				$data['rows'][] = [
					'claim_id'     => (string)($row['claim_id'] ?? ''),
					'order_number' => (string)($row['order_number'] ?? ''),
					'order_id'     => (int)($row['order_id'] ?? 0),
					'status'       => (string)($row['claim_status'] ?? ''),
					'items'        => $items,
					'item_ids'     => implode(',', $item_ids),
					'claim_date'   => $model->shopTime($row['claim_date'] ?? null),
					'decision'     => (string)($row['decision'] ?? ''),
					'decided_at'   => $model->shopTime($row['decided_at'] ?? null),
					'order'        => (int)($row['order_id'] ?? 0) > 0 ? $this->url->link('sale/order.info', 'user_token=' . $this->session->data['user_token'] . '&order_id=' . (int)$row['order_id'], true) : '',
				];
			}
			$data['pagination'] = $this->pagination((int)($result['data']['total'] ?? 0), $filter['page'], 'returns');

			if ($data['rows']) {
				$reasons = $model->call('trendyolRead', ['claim_issue_reasons', []]);
				if ($reasons['ok'] && is_array($reasons['data'])) {
					foreach ($reasons['data'] as $reason) {
						if (is_array($reason) && isset($reason['id'])) {
							$data['reasons'][] = ['id' => (int)$reason['id'], 'name' => (string)($reason['name'] ?? $reason['id'])];
						}
					}
				}
			}
		}
		$this->html('returns', $data);
	}

	public function approve(): void {
		if (!$this->canModify()) {
			return;
		}
		[$claim, $items] = $this->claimInput();
		if ($claim === '' || !$items) {
			$this->json(['error' => $this->language->get('error_selection')]);
			return;
		}
		$result = $this->model_extension_meschain_module_meschain->call('approveClaim', [$claim, $items]);
		$this->json($result['ok'] ? ['success' => $this->language->get('text_claim_approved')] : ['error' => self::text($result['error'])]);
	}

	public function reject(): void {
		if (!$this->canModify()) {
			return;
		}
		[$claim, $items] = $this->claimInput();
		$reason = (int)($this->request->post['reason_id'] ?? 0);
		$description = trim((string)($_POST['description'] ?? ''));
		if ($claim === '' || !$items || $reason <= 0) {
			$this->json(['error' => $this->language->get('error_selection')]);
			return;
		}
		if ($description === '' || mb_strlen($description) > 500) {
			$this->json(['error' => $this->language->get('error_description')]);
			return;
		}
		$result = $this->model_extension_meschain_module_meschain->call('rejectClaim', [$claim, $items, $reason, $description]);
		$this->json($result['ok'] ? ['success' => $this->language->get('text_claim_rejected')] : ['error' => self::text($result['error'])]);
	}

	/** Setup tab: the crontab block for the shop's paths, as a download. */
	public function cronscript(): void {
		if (!$this->canModify()) {
			return;
		}
		$options = [
			'php_path'      => trim((string)($_POST['php_path'] ?? $_GET['php_path'] ?? PHP_BINDIR . '/php')),
			'opencart_root' => rtrim(trim((string)($_POST['opencart_root'] ?? $_GET['opencart_root'] ?? DIR_OPENCART)), '/'),
			'log_dir'       => trim((string)($_POST['log_dir'] ?? $_GET['log_dir'] ?? '/var/log/trendyol-cron')),
		];
		// The monitor as install() put it, in the shop's copy of the module's bin/.
		$options['bin_dir'] = $options['opencart_root'] . '/system/library/meschain/bin';
		$result = $this->model_extension_meschain_module_meschain->call('cronScript', [$options]);
		if (!$result['ok']) {
			$this->json(['error' => self::text($result['error'])]);
			return;
		}
		$this->response->addHeader('Content-Type: text/plain; charset=utf-8');
		$this->response->addHeader('Content-Disposition: attachment; filename="meschain-crontab.txt"');
		$this->response->addHeader('X-Content-Type-Options: nosniff');
		$this->response->setOutput((string)$result['data']);
	}

	/**
	 * Requirements and the generator's defaults for the Setup tab.
	 *
	 * @return array<string, mixed>
	 */
	private function setup(): array {
		$model = $this->model_extension_meschain_module_meschain;
		$checks = [];
		$loaded = $model->loaded();
		$checks[] = ['name' => $this->language->get('text_req_extension'), 'ok' => $loaded, 'value' => $loaded ? $model->version() : $this->language->get('text_not_loaded')];
		$checks[] = ['name' => $this->language->get('text_req_php'), 'ok' => version_compare(PHP_VERSION, '8.0.0', '>='), 'value' => PHP_VERSION];

		$tables = [];
		$cron = [];
		$error = '';
		$requirements = $model->call('requirements');
		if ($requirements['ok']) {
			$r = $requirements['data'];
			$checks[] = [
				'name'  => $this->language->get('text_req_schema'),
				'ok'    => (int)($r['schema_version'] ?? 0) >= (int)($r['latest_schema_version'] ?? 0),
				'value' => (int)($r['schema_version'] ?? 0) . ' / ' . (int)($r['latest_schema_version'] ?? 0),
			];
			$checks[] = ['name' => $this->language->get('text_req_log_dir'), 'ok' => !empty($r['log_dir_writable']), 'value' => !empty($r['log_dir_writable']) ? $this->language->get('text_yes') : $this->language->get('text_no')];
			$checks[] = ['name' => $this->language->get('text_req_settings'), 'ok' => empty($r['settings_error']), 'value' => (string)($r['settings_error'] ?? '') ?: $this->language->get('text_ok')];
			foreach (($r['tables'] ?? []) as $name => $present) {
				$tables[] = ['name' => (string)$name, 'ok' => (bool)$present];
			}
			foreach (($r['cron_last_seen'] ?? []) as $job => $seen) {
				$at = $model->utcTimestamp($seen);
				// Seen within a day, or twice its cron period for a job that runs less often
				// (the daily maintenance).
				$within = max(86400, 2 * 60 * $this->cronMinutes((string)$job));
				$cron[] = ['name' => $this->jobName((string)$job), 'seen' => $model->shopTime($seen), 'ok' => $at !== null && $at > time() - $within];
			}
		} else {
			$error = $requirements['error'];
		}

		return [
			'checks'        => $checks,
			'tables'        => $tables,
			'cron'          => $cron,
			'error'         => $error,
			'php_path'      => PHP_BINDIR . '/php',
			'opencart_root' => rtrim(DIR_OPENCART, '/'),
			'log_dir'       => '/var/log/trendyol-cron',
			'script_dir'    => DIR_SYSTEM . 'library/meschain/cron/',
			'setup_command' => 'sudo bash ' . DIR_SYSTEM . 'library/meschain/bin/setup_cron_jobs.sh --opencart ' . rtrim(DIR_OPENCART, '/')
				. ' --php-path ' . PHP_BINDIR . '/php --cron-user www-data --log-dir /var/log/trendyol-cron --bin-dir ' . DIR_SYSTEM . 'library/meschain/bin'
				. ' --unit-dir /etc/systemd/system',
		];
	}

	private function deadAction(string $method, string $success): void {
		if (!$this->canModify()) {
			return;
		}
		$ids = $this->ids('queue_id');
		if (!$ids) {
			$this->json(['error' => $this->language->get('error_selection')]);
			return;
		}
		$result = $this->model_extension_meschain_module_meschain->call($method, [$ids]);
		$this->json($result['ok'] ? ['success' => sprintf($this->language->get($success), (int)$result['data'])] : ['error' => self::text($result['error'])]);
	}

	/** @return array{0: string, 1: list<string>} */
	private function claimInput(): array {
		$claim = trim((string)($this->request->post['claim_id'] ?? ''));
		$items = array_values(array_filter(array_map('trim', explode(',', (string)($this->request->post['item_ids'] ?? ''))), static fn (string $id): bool => $id !== ''));
		return [$claim, $items];
	}

	/**
	 * Positive integer ids from POST[$name][] (anything else is dropped, never passed on).
	 *
	 * @return list<int>
	 */
	private function ids(string $name): array {
		$ids = [];
		foreach ((array)($this->request->post[$name] ?? []) as $id) {
			if (is_string($id) && ctype_digit($id) && (int)$id > 0) {
				$ids[] = (int)$id;
			}
		}
		return array_values(array_unique($ids));
	}

	/**
	 * @param list<string> $jobs
	 * @return list<array{value: string, text: string}>
	 */
	private function jobOptions(array $jobs): array {
		return array_map(fn (string $job): array => ['value' => $job, 'text' => $this->jobName($job)], $jobs);
	}

	/**
	 * @param list<string> $codes
	 * @return list<array{value: string, text: string}>
	 */
	private function statusOptions(array $codes, string $prefix): array {
		return array_map(fn (string $code): array => ['value' => $code, 'text' => $this->language->get($prefix . $code)], $codes);
	}

	private function jobName(string $job): string {
		$key = 'text_job_' . $job;
		$text = $this->language->get($key);
		return $text === $key ? $job : $text;
	}

	/**
	 * The jobs the Monitoring tab lists, from the engine's registry: the orchestrator first,
	 * then the jobs it runs, then the maintenance.
	 *
	 * @return list<string>
	 */
	private function jobs(): array {
		return array_map('strval', array_column($this->model_extension_meschain_module_meschain->registry()['jobs'], 'name'));
	}

	/** How often a job's cron line runs it, in minutes (0: not a job of the registry). */
	private function cronMinutes(string $job): int {
		foreach ($this->model_extension_meschain_module_meschain->registry()['jobs'] as $spec) {
			if ($spec['name'] === $job) {
				return (int)$spec['cron_minutes'];
			}
		}
		return 0;
	}

	/**
	 * The run statuses a sync log row can hold, with their badges, from the engine's registry.
	 * These are the Logs filter's choices too; `skipped` and `locked` (runs that did not
	 * happen) are never stored, so they are not offered.
	 *
	 * @return array<string, string>
	 */
	private function runStatuses(): array {
		$statuses = [];
		foreach ($this->model_extension_meschain_module_meschain->registry()['run_statuses'] as $status) {
			if (!empty($status['stored'])) {
				$statuses[(string)$status['name']] = (string)$status['badge'];
			}
		}
		return $statuses;
	}

	/** The badge of a run status (a status this page does not know yet shows neutral). */
	private function badge(string $status): string {
		return $this->runStatuses()[$status] ?? 'bg-secondary';
	}

	private function statusName(string $status): string {
		$key = 'text_status_' . $status;
		$text = $this->language->get($key);
		return $text === $key ? $status : $text;
	}

	private function pagination(int $total, int $page, string $method): string {
		$pages = max(1, (int)ceil($total / self::PAGE_SIZE));
		return $this->load->view(self::ROUTE . '_pagination', [
			'total'  => $total,
			'page'   => min($page, $pages),
			'pages'  => $pages,
			'prev'   => $page > 1 ? $page - 1 : 0,
			'next'   => $page < $pages ? $page + 1 : 0,
			'target' => $method,
			'text'   => sprintf($this->language->get('text_pagination'), $total === 0 ? 0 : ($page - 1) * self::PAGE_SIZE + 1, min($total, $page * self::PAGE_SIZE), $total, $pages),
		]);
	}

	/** @param array<string, mixed> $data */
	private function html(string $tab, array $data): void {
		// OpenCart's view/*/before language event hands the loaded strings to the template.
		$this->response->setOutput($this->load->view(self::ROUTE . '_' . $tab, $data));
	}
}
