<?php
/**
 * Extensions > MesChain > Questions: the questions Trendyol buyers asked, the ones to answer
 * first at the top (waiting, the answer window closing soonest), each with its product, the
 * time left in Trendyol's window and an answer box; the saved answers beside it.
 *
 * The engine owns the rules: it refuses an answer Trendyol would refuse (10 to 2,000
 * characters, a question still waiting and inside its window) with Trendyol's own message, and
 * queues the rest. Answering then starts a queue run in the background of this request, the
 * way the Cron Management buttons do, so the answer leaves at once with no cron or worker
 * running; a worker or the next cron run takes it over if this process dies. The page polls
 * the question's delivery (queued, sent, refused with Trendyol's reason, retrying).
 */
namespace Opencart\Admin\Controller\Extension\Meschain\Panel;

use Opencart\Admin\Controller\Extension\Meschain\Module\Meschain;

class Questions extends \Opencart\System\Engine\Controller {
	use Actions;

	private const ROUTE = 'extension/meschain/panel/questions';
	private const MODEL = 'extension/meschain/module/meschain';

	/** The list's filters, as the engine names them. */
	public const FILTERS = ['new', 'answered', 'all'];

	/** Trendyol's answer bounds, for the box's own hint (the engine enforces them). */
	public const MIN_ANSWER = 10;
	public const MAX_ANSWER = 2000;

	public function index(): void {
		$this->load->language(self::ROUTE);
		$this->load->model(self::MODEL);
		$this->document->setTitle($this->language->get('heading_title'));

		$token = 'user_token=' . $this->session->data['user_token'];
		$filter = (string)($this->request->get['filter'] ?? 'new');
		if (!in_array($filter, self::FILTERS, true)) {
			$filter = 'new';
		}

		$data['breadcrumbs'] = [
			['text' => $this->language->get('text_home'), 'href' => $this->url->link('common/dashboard', $token, true)],
			['text' => $this->language->get('text_meschain'), 'href' => $this->url->link(Meschain::ROUTE, $token, true)],
			['text' => $this->language->get('heading_title'), 'href' => $this->url->link(self::ROUTE, $token, true)],
		];
		$data['settings'] = $this->url->link(Meschain::ROUTE, $token, true);
		$data['filter'] = $filter;
		$data['filters'] = [];
		foreach (self::FILTERS as $code) {
			$data['filters'][] = [
				'code'   => $code,
				'name'   => $this->language->get('text_filter_' . $code),
				'href'   => $this->url->link(self::ROUTE, $token . '&filter=' . $code, true),
				'active' => $code === $filter,
			];
		}

		$data['error_warning'] = '';
		$data['questions'] = [];
		$data['templates'] = [];
		$data['waiting'] = 0;
		$result = $this->model_extension_meschain_module_meschain->call('questions', [$filter, 100]);
		if (!$result['ok']) {
			$data['error_warning'] = $result['error'];
		} else {
			$data['waiting'] = (int)($result['data']['waiting'] ?? 0);
			foreach ((array)($result['data']['questions'] ?? []) as $row) {
				if (is_array($row)) {
					$data['questions'][] = $this->present($row, $token);
				}
			}
			foreach ((array)($result['data']['templates'] ?? []) as $template) {
				if (is_array($template)) {
					$data['templates'][] = [
						'template_id' => (int)$template['template_id'],
						'title'       => (string)$template['title'],
						'body'        => (string)$template['body'],
					];
				}
			}
		}
		$data['min_answer'] = self::MIN_ANSWER;
		$data['max_answer'] = self::MAX_ANSWER;
		$data['text_length_hint'] = sprintf($this->language->get('text_length_hint'), self::MIN_ANSWER, self::MAX_ANSWER);

		$data['links'] = [
			'answer'          => $this->url->link(self::ROUTE . '.answer', $token, true),
			'status'          => $this->url->link(self::ROUTE . '.status', $token, true),
			'check'           => $this->url->link(self::ROUTE . '.check', $token, true),
			'save_template'   => $this->url->link(self::ROUTE . '.saveTemplate', $token, true),
			'delete_template' => $this->url->link(self::ROUTE . '.deleteTemplate', $token, true),
		];

		$data['header'] = $this->load->controller('common/header');
		$data['column_left'] = $this->load->controller('common/column_left');
		$data['footer'] = $this->load->controller('common/footer');

		$this->response->setOutput($this->load->view(self::ROUTE, $data));
	}

	/** Queues the answer typed for one question and starts delivering it. */
	public function answer(): void {
		if (!$this->canModify()) {
			return;
		}
		$question_id = (int)($_POST['question_id'] ?? 0);
		// Raw POST: OpenCart's copy is HTML-escaped, and the buyer reads exactly what was typed.
		$text = (string)($_POST['text'] ?? '');
		$model = $this->model_extension_meschain_module_meschain;
		$queued = $model->call('answerQuestion', [$question_id, $text, (int)$this->user->getId()]);
		if (!$queued['ok']) {
			$this->json(['error' => self::text($queued['error'])]);
			return;
		}
		$json = ['success' => $this->language->get('text_answer_queued'), 'queue_id' => (int)$queued['data']];
		$this->startProcessor($model);
		$this->json($json);
	}

	/** One question's delivery, for the page's polling: state, error, queue status. */
	public function status(): void {
		$this->load->language(self::ROUTE);
		if (!$this->user->hasPermission('access', self::ROUTE)) {
			$this->json(['error' => $this->language->get('error_permission')]);
			return;
		}
		$this->load->model(self::MODEL);
		$question_id = (int)($this->request->get['question_id'] ?? 0);
		$result = $this->model_extension_meschain_module_meschain->call('questions', ['all', 500]);
		if (!$result['ok']) {
			$this->json(['error' => self::text($result['error'])]);
			return;
		}
		foreach ((array)($result['data']['questions'] ?? []) as $row) {
			if (is_array($row) && (int)$row['question_id'] === $question_id) {
				$token = 'user_token=' . $this->session->data['user_token'];
				$this->json(['question' => $this->present($row, $token)]);
				return;
			}
		}
		$this->json(['error' => $this->language->get('error_not_found')]);
	}

	/** "Check for new questions": a question_sync run started from the click. */
	public function check(): void {
		if (!$this->canModify()) {
			return;
		}
		$model = $this->model_extension_meschain_module_meschain;
		$queued = $model->call('enqueue', ['question_sync', ['trigger' => 'admin', 'user_id' => (int)$this->user->getId()]]);
		$queue_id = $queued['ok'] ? (int)($queued['data']['queue_id'] ?? 0) : 0;
		$started = $queue_id > 0 ? $model->call('startJob', [$queue_id]) : $queued;
		if (!$started['ok']) {
			$this->json(['error' => self::text($started['error'])]);
			return;
		}
		$this->json(['success' => $this->language->get('text_check_started'), 'queue_id' => $queue_id]);
	}

	public function saveTemplate(): void {
		if (!$this->canModify()) {
			return;
		}
		$saved = $this->model_extension_meschain_module_meschain->call('saveAnswerTemplate', [
			(int)($_POST['template_id'] ?? 0),
			(string)($_POST['title'] ?? ''),
			(string)($_POST['body'] ?? ''),
		]);
		if (!$saved['ok']) {
			$this->json(['error' => self::text($saved['error'])]);
			return;
		}
		$this->json(['success' => $this->language->get('text_template_saved'), 'template_id' => (int)$saved['data']]);
	}

	public function deleteTemplate(): void {
		if (!$this->canModify()) {
			return;
		}
		$deleted = $this->model_extension_meschain_module_meschain->call('deleteAnswerTemplate', [(int)($_POST['template_id'] ?? 0)]);
		if (!$deleted['ok']) {
			$this->json(['error' => self::text($deleted['error'])]);
			return;
		}
		$this->json(['success' => $this->language->get('text_template_deleted')]);
	}

	/**
	 * A queue run in the background of this request (the "Process Webhooks" button's job): it
	 * delivers the answer just queued. When it cannot start (MesChain switched off, a run
	 * already going), the answer waits for the worker or the next cron run, which the page says.
	 */
	private function startProcessor(object $model): void {
		$queued = $model->call('enqueue', ['webhook_processor', ['trigger' => 'admin', 'user_id' => (int)$this->user->getId()]]);
		$queue_id = $queued['ok'] ? (int)($queued['data']['queue_id'] ?? 0) : 0;
		if ($queue_id > 0) {
			$model->call('startJob', [$queue_id]);
		}
	}

	/**
	 * A question as the page shows it: the product linked, the time left, the delivery.
	 *
	 * @param array<string, mixed> $row
	 * @return array<string, mixed>
	 */
	private function present(array $row, string $token): array {
		$seconds = (int)($row['seconds_left'] ?? 0);
		$waiting = ($row['status'] ?? '') === 'WAITING_FOR_ANSWER' && in_array($row['answer_state'] ?? '', ['', 'refused'], true) && $seconds > 0;
		if ($seconds <= 0) {
			$left = $this->language->get('text_window_closed');
		} elseif ($seconds < 3600) {
			$left = sprintf($this->language->get('text_minutes_left'), intdiv($seconds, 60));
		} else {
			$left = sprintf($this->language->get('text_hours_left'), intdiv($seconds, 3600), intdiv($seconds % 3600, 60));
		}
		$state = (string)($row['answer_state'] ?? '');
		$queue = (string)($row['queue_status'] ?? '');
		if ($state === 'queued' && $queue === 'dead') {
			$state = 'refused';
		}
		$product_id = (int)($row['product_id'] ?? 0);
		return [
			'question_id'   => (int)$row['question_id'],
			'status'        => (string)$row['status'],
			'status_text'   => $this->language->get('text_status_' . strtolower((string)$row['status'])),
			'text'          => (string)$row['text'],
			'user_name'     => (string)$row['user_name'],
			'product_name'  => (string)$row['product_name'],
			'barcode'       => (string)$row['barcode'],
			'product_href'  => $product_id > 0 ? $this->url->link('catalog/product.form', $token . '&product_id=' . $product_id, true) : '',
			'web_url'       => (string)$row['web_url'],
			'asked_at'      => (string)$row['asked_at'],
			'deadline_at'   => (string)$row['deadline_at'],
			'time_left'     => $left,
			'urgent'        => $waiting && $seconds < 6 * 3600,
			'answerable'    => $waiting,
			'answer'        => (string)($row['answer_text'] !== '' ? $row['answer_text'] : $row['trendyol_answer']),
			'answer_state'  => $state,
			'state_text'    => $state === '' ? '' : $this->language->get('text_state_' . $state),
			'answer_error'  => (string)$row['answer_error'],
			'queue_status'  => $queue,
			'attempts'      => (int)($row['queue_attempts'] ?? 0),
		];
	}
}
