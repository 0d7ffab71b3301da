<?php
/**
 * Extensions > MesChain > Price rules: the markup, rounding and floor applied to every price
 * sent to Trendyol, globally and per category or brand (manufacturer), with a preview of a few
 * products under the rules being edited, before they are saved.
 *
 * The engine owns the rules: it checks a whole rule set (numbers, rounding names, category and
 * manufacturer ids) and stores it, and prices the preview with the same function the property
 * tests exercise. The page edits the set in the browser and posts it as one JSON document, so
 * this controller only passes it through. Saving starts a stock sync the way the Cron
 * Management buttons do: the stock job compares the prices the rules now give with what
 * Trendyol confirmed and sends those that differ.
 */
namespace Opencart\Admin\Controller\Extension\Meschain\Panel;

use Opencart\Admin\Controller\Extension\Meschain\Module\Meschain;

class Pricing extends \Opencart\System\Engine\Controller {
	use Actions;

	private const ROUTE = 'extension/meschain/panel/pricing';
	private const MODEL = 'extension/meschain/module/meschain';

	/** Rounding choices, as the engine names them. */
	public const ROUNDINGS = ['none', 'whole', 'ends_90', 'ends_99'];

	public function index(): void {
		$this->load->language(self::ROUTE);
		$this->load->model(self::MODEL);
		$this->document->setTitle($this->language->get('heading_title'));

		$token = 'user_token=' . $this->session->data['user_token'];

		$data['breadcrumbs'] = [
			['text' => $this->language->get('text_home'), 'href' => $this->url->link('common/dashboard', $token, true)],
			['text' => $this->language->get('text_meschain'), 'href' => $this->url->link(Meschain::ROUTE, $token, true)],
			['text' => $this->language->get('heading_title'), 'href' => $this->url->link(self::ROUTE, $token, true)],
		];
		$data['settings'] = $this->url->link(Meschain::ROUTE, $token, true);
		$data['roundings'] = [];
		foreach (self::ROUNDINGS as $rounding) {
			$data['roundings'][] = ['code' => $rounding, 'name' => $this->language->get('text_rounding_' . $rounding)];
		}

		$data['error_warning'] = '';
		$rules = $this->model_extension_meschain_module_meschain->call('priceRules');
		if (!$rules['ok']) {
			$data['error_warning'] = $rules['error'];
			$rules['data'] = ['global' => [], 'categories' => [], 'brands' => []];
		}
		$data['rules_json'] = (string)json_encode(self::decoded($rules['data']));

		$data['links'] = [
			'preview'       => $this->url->link(self::ROUTE . '.preview', $token, true),
			'save'          => $this->url->link(self::ROUTE . '.save', $token, true),
			'product'       => $this->url->link('catalog/product.autocomplete', $token, true),
			'category'      => $this->url->link('catalog/category.autocomplete', $token, true),
			'manufacturer'  => $this->url->link('catalog/manufacturer.autocomplete', $token, true),
		];

		$data['header'] = $this->load->controller('common/header');
		$data['column_left'] = $this->load->controller('common/column_left');
		$data['footer'] = $this->load->controller('common/footer');

		$this->response->setOutput($this->load->view(self::ROUTE, $data));
	}

	/** The rules being edited (not saved) applied to the products asked for: JSON rows. */
	public function preview(): void {
		if (!$this->canModify()) {
			return;
		}
		$rules = $this->rulesFromPost();
		if ($rules === null) {
			return;
		}
		$ids = [];
		foreach (preg_split('/[\s,]+/', (string)($_POST['product_ids'] ?? ''), -1, PREG_SPLIT_NO_EMPTY) ?: [] as $id) {
			$ids[] = ctype_digit($id) ? (int)$id : $id;
		}
		$result = $this->model_extension_meschain_module_meschain->call('previewPrices', [$rules, $ids]);
		if (!$result['ok']) {
			$this->json(['error' => self::text($result['error'])]);
			return;
		}
		$rows = [];
		foreach ((array)($result['data']['rows'] ?? []) as $row) {
			if (is_array($row)) {
				$row['name'] = html_entity_decode((string)($row['name'] ?? ''), ENT_QUOTES, 'UTF-8');
				$row['manufacturer'] = html_entity_decode((string)($row['manufacturer'] ?? ''), ENT_QUOTES, 'UTF-8');
				$rows[] = $row;
			}
		}
		$this->json(['rows' => $rows]);
	}

	/** Saves the whole rule set, then starts a stock sync so the changed prices go out. */
	public function save(): void {
		if (!$this->canModify()) {
			return;
		}
		$rules = $this->rulesFromPost();
		if ($rules === null) {
			return;
		}
		$model = $this->model_extension_meschain_module_meschain;
		$saved = $model->call('savePriceRules', [$rules]);
		if (!$saved['ok']) {
			$this->json(['error' => self::text($saved['error'])]);
			return;
		}
		$json = ['success' => $this->language->get('text_saved'), 'rules' => self::decoded($saved['data'])];

		$queued = $model->call('enqueue', ['stock_sync', ['trigger' => 'admin', 'user_id' => (int)$this->user->getId()]]);
		$queue_id = $queued['ok'] ? (int)($queued['data']['queue_id'] ?? 0) : 0;
		$started = $queue_id > 0 ? $model->call('startJob', [$queue_id]) : $queued;
		if ($queue_id > 0 && $started['ok']) {
			$json['success'] .= ' ' . sprintf($this->language->get('text_sync_started'), $queue_id);
			$json['queue_id'] = $queue_id;
		} else {
			// The rules are saved; the next scheduled stock sync sends the prices.
			$json['success'] .= ' ' . $this->language->get('text_sync_later');
		}
		$this->json($json);
	}

	/**
	 * The rule set the page posted as JSON (`rules`), raw: OpenCart's copy of POST is
	 * HTML-escaped. Answers the error itself and returns null when it is not a JSON object.
	 *
	 * @return array<string, mixed>|null
	 */
	private function rulesFromPost(): ?array {
		$rules = json_decode((string)($_POST['rules'] ?? ''), true);
		if (!is_array($rules)) {
			$this->json(['error' => $this->language->get('error_rules')]);
			return null;
		}
		return $rules;
	}

	/**
	 * OpenCart stores names HTML-escaped; undo that once so the page escapes once.
	 *
	 * @param mixed $rules
	 * @return array<string, mixed>
	 */
	private static function decoded(mixed $rules): array {
		$rules = is_array($rules) ? $rules : [];
		foreach (['categories', 'brands'] as $kind) {
			$rules[$kind] = array_values(array_filter((array)($rules[$kind] ?? []), 'is_array'));
			foreach ($rules[$kind] as &$row) {
				$row['name'] = html_entity_decode((string)($row['name'] ?? ''), ENT_QUOTES, 'UTF-8');
			}
			unset($row);
		}
		$rules['global'] = is_array($rules['global'] ?? null) ? $rules['global'] : [];
		return $rules;
	}
}
