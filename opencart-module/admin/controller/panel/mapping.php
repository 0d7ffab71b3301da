<?php
/**
 * Extensions > MesChain > Mappings: which Trendyol category, brand, attribute (and attribute
 * value), VAT rate and order status each OpenCart one stands for.
 *
 * The engine owns the tables and validates every row (ids must exist in OpenCart, VAT rates are
 * Trendyol's, names are trimmed); this page lists what is mapped and what still needs mapping,
 * and offers search pickers fed by Trendyol's own reference data (through the engine's
 * rate-limited client), so ids are picked, not typed.
 */
namespace Opencart\Admin\Controller\Extension\Meschain\Panel;

use Opencart\Admin\Controller\Extension\Meschain\Module\Meschain;

class Mapping extends \Opencart\System\Engine\Controller {
	use Actions;

	private const ROUTE = 'extension/meschain/panel/mapping';
	private const MODEL = 'extension/meschain/module/meschain';
	private const PAGE_SIZE = 50;

	/**
	 * Per kind, as the engine's saveMapping() and deleteMapping() take them: the fields a saved
	 * row carries (from the form), and the key a delete names the row by. Attribute mappings
	 * and attribute value mappings are deleted by their own ids (the listed rows carry them),
	 * not by what they map.
	 */
	public const KINDS = [
		'category'        => ['fields' => ['category_id', 'trendyol_category_id', 'trendyol_category_name'], 'key' => ['category_id']],
		'brand'           => ['fields' => ['manufacturer_id', 'trendyol_brand_id', 'trendyol_brand_name'], 'key' => ['manufacturer_id']],
		'attribute'       => ['fields' => ['attribute_map_id', 'trendyol_category_id', 'trendyol_attribute_id', 'trendyol_attribute_name', 'source', 'source_id', 'trendyol_value_id', 'custom_value'], 'key' => ['attribute_map_id']],
		'attribute_value' => ['fields' => ['attribute_map_id', 'source_value', 'trendyol_value_id', 'trendyol_value_name'], 'key' => ['value_map_id']],
		'vat'             => ['fields' => ['tax_class_id', 'vat_rate'], 'key' => ['tax_class_id']],
		'order_status'    => ['fields' => ['trendyol_status', 'order_status_id'], 'key' => ['trendyol_status']],
	];

	/** Trendyol's VAT rates. */
	public const VAT_RATES = [0, 1, 10, 20];

	/** Fields that are whole numbers (sent to the engine as int, or null when blank). */
	private const INTEGER_FIELDS = ['category_id', 'trendyol_category_id', 'manufacturer_id', 'trendyol_brand_id', 'trendyol_attribute_id', 'source_id', 'trendyol_value_id', 'attribute_map_id', 'value_map_id', 'tax_class_id', 'vat_rate', 'order_status_id'];

	public function index(): void {
		$this->load->language(self::ROUTE);

		$this->document->setTitle($this->language->get('heading_title'));

		$token = 'user_token=' . $this->session->data['user_token'];

		$data['breadcrumbs'] = [
			['text' => $this->language->get('text_home'), 'href' => $this->url->link('common/dashboard', $token, true)],
			['text' => $this->language->get('text_meschain'), 'href' => $this->url->link(Meschain::ROUTE, $token, true)],
			['text' => $this->language->get('heading_title'), 'href' => $this->url->link(self::ROUTE, $token, true)],
		];

		$data['settings'] = $this->url->link(Meschain::ROUTE, $token, true);
		$data['kinds'] = [];
		foreach (array_keys(self::KINDS) as $kind) {
			$data['kinds'][] = ['code' => $kind, 'name' => $this->language->get('tab_' . $kind)];
		}
		$data['links'] = [
			'list'   => $this->url->link(self::ROUTE . '.list', $token, true),
			'search' => $this->url->link(self::ROUTE . '.search', $token, true),
			'save'   => $this->url->link(self::ROUTE . '.save', $token, true),
			'delete' => $this->url->link(self::ROUTE . '.delete', $token, true),
		];

		$data['header'] = $this->load->controller('common/header');
		$data['column_left'] = $this->load->controller('common/column_left');
		$data['footer'] = $this->load->controller('common/footer');

		$this->response->setOutput($this->load->view(self::ROUTE, $data));
	}

	/** One kind's rows (mapped and still unmapped) as an HTML fragment. */
	public function list(): void {
		$this->load->language(self::ROUTE);
		$this->load->model(self::MODEL);
		$model = $this->model_extension_meschain_module_meschain;

		$kind = (string)($this->request->get['kind'] ?? '');
		$data = ['kind' => $kind, 'error' => '', 'rows' => [], 'pagination' => '', 'vat_rates' => self::VAT_RATES, 'order_statuses' => []];

		if (!isset(self::KINDS[$kind])) {
			$data['error'] = $this->language->get('error_kind');
			$this->response->setOutput($this->load->view(self::ROUTE . '_list', $data));
			return;
		}

		$page = max(1, (int)($this->request->get['page'] ?? 1));
		$filter = ['page' => $page, 'limit' => self::PAGE_SIZE];
		if (!empty($this->request->get['unmapped_only'])) {
			$filter['unmapped_only'] = true;
		}
		$data['unmapped_only'] = !empty($filter['unmapped_only']);
		$data['attribute_map_id'] = (int)($this->request->get['attribute_map_id'] ?? 0);
		$data['sources'] = [];
		if ($kind === 'attribute_value') {
			if ($data['attribute_map_id'] <= 0) {
				// Values belong to one attribute mapping: ask which before listing.
				$this->response->setOutput($this->load->view(self::ROUTE . '_list', $data));
				return;
			}
			$filter['attribute_map_id'] = $data['attribute_map_id'];
		}

		// Trendyol's order statuses are a short fixed list: no paging or filters.
		$result = $model->call('mappings', [$kind, $kind === 'order_status' ? [] : $filter]);
		if (!$result['ok']) {
			$data['error'] = $result['error'];
		} else {
			$rows = $result['data']['rows'] ?? $result['data'];
			foreach (is_array($rows) ? $rows : [] as $row) {
				if (is_array($row)) {
					$data['rows'][] = $this->row($kind, $row);
				}
			}
			// What could still be mapped on OpenCart's side (attributes and options, or values).
			foreach ((array)($result['data']['sources'] ?? []) as $source) {
				if (is_array($source)) {
					$data['sources'][] = [
						'label'  => trim((string)($source['source'] ?? '') . ' ' . (string)($source['source_id'] ?? $source['value'] ?? '')),
						'name'   => html_entity_decode((string)($source['name'] ?? ''), ENT_QUOTES, 'UTF-8'),
						'mapped' => !empty($source['mapped']),
					];
				}
			}
			$total = (int)($result['data']['total'] ?? count($data['rows']));
			$pages = max(1, (int)ceil($total / self::PAGE_SIZE));
			$data['pagination'] = ['page' => $page, 'pages' => $pages, 'prev' => $page > 1 ? $page - 1 : 0, 'next' => $page < $pages ? $page + 1 : 0, 'total' => $total];
		}

		if ($kind === 'order_status') {
			$query = $this->db->query("SELECT `order_status_id`, `name` FROM `" . DB_PREFIX . "order_status` WHERE `language_id` = '" . (int)$this->config->get('config_language_id') . "' ORDER BY `name`");
			foreach ($query->rows as $status) {
				$data['order_statuses'][] = ['id' => (int)$status['order_status_id'], 'name' => html_entity_decode((string)$status['name'], ENT_QUOTES, 'UTF-8')];
			}
		}

		$this->response->setOutput($this->load->view(self::ROUTE . '_list', $data));
	}

	/**
	 * Search picker: Trendyol categories (leaves, by name), brands (by name), a category's
	 * attributes, an attribute's values. Answers [{id, name}] (at most 30).
	 */
	public function search(): void {
		if (!$this->canModify()) {
			return;
		}
		$model = $this->model_extension_meschain_module_meschain;
		$what = (string)($this->request->get['what'] ?? '');
		$query = trim((string)($_GET['q'] ?? ''));
		$category_id = (int)($this->request->get['category_id'] ?? 0);
		$attribute_id = (int)($this->request->get['attribute_id'] ?? 0);

		switch ($what) {
			case 'category':
				$result = $model->call('trendyolRead', ['categories', []]);
				$items = $result['ok'] ? self::leafCategories((array)($result['data']['categories'] ?? $result['data']), $query) : [];
				break;
			case 'brand':
				if (mb_strlen($query) < 2) {
					$this->json(['items' => []]);
					return;
				}
				$result = $model->call('trendyolRead', ['brand_by_name', ['name' => $query]]);
				$items = [];
				if ($result['ok']) {
					foreach ((array)($result['data']['brands'] ?? $result['data']) as $brand) {
						if (is_array($brand) && isset($brand['id'])) {
							$items[] = ['id' => (int)$brand['id'], 'name' => (string)($brand['name'] ?? '')];
						}
					}
				}
				break;
			case 'attribute':
				$result = $category_id > 0 ? $model->call('trendyolRead', ['category_attributes', ['category_id' => $category_id]]) : ['ok' => false, 'error' => $this->language->get('error_category_first')];
				$items = [];
				if ($result['ok']) {
					foreach ((array)($result['data']['categoryAttributes'] ?? []) as $attribute) {
						$id = (int)($attribute['attribute']['id'] ?? 0);
						$name = (string)($attribute['attribute']['name'] ?? '');
						if ($id > 0 && ($query === '' || mb_stripos($name, $query) !== false)) {
							$items[] = ['id' => $id, 'name' => $name . (!empty($attribute['required']) ? ' *' : '')];
						}
					}
				}
				break;
			case 'attribute_value':
				$result = ($category_id > 0 && $attribute_id > 0) ? $model->call('trendyolRead', ['attribute_values', ['category_id' => $category_id, 'attribute_id' => $attribute_id, 'page' => 0, 'size' => 1000]]) : ['ok' => false, 'error' => $this->language->get('error_category_first')];
				$items = [];
				if ($result['ok']) {
					foreach ((array)($result['data']['content'] ?? []) as $value) {
						$name = (string)($value['attributeValueName'] ?? '');
						if ($query === '' || mb_stripos($name, $query) !== false) {
							$items[] = ['id' => (int)($value['attributeValueId'] ?? 0), 'name' => $name];
						}
					}
				}
				break;
			default:
				$this->json(['error' => $this->language->get('error_kind')]);
				return;
		}

		if (!$result['ok']) {
			$this->json(['error' => self::text($result['error'])]);
			return;
		}
		$this->json(['items' => array_slice($items, 0, 30)]);
	}

	public function save(): void {
		if (!$this->canModify()) {
			return;
		}
		$kind = (string)($this->request->post['kind'] ?? '');
		if (!isset(self::KINDS[$kind])) {
			$this->json(['error' => $this->language->get('error_kind')]);
			return;
		}
		$row = $this->input(self::KINDS[$kind]['fields']);
		$result = $this->model_extension_meschain_module_meschain->call('saveMapping', [$kind, $row]);
		$this->json($result['ok'] ? ['success' => $this->language->get('text_saved')] : ['error' => self::text($result['error'])]);
	}

	public function delete(): void {
		if (!$this->canModify()) {
			return;
		}
		$kind = (string)($this->request->post['kind'] ?? '');
		if (!isset(self::KINDS[$kind])) {
			$this->json(['error' => $this->language->get('error_kind')]);
			return;
		}
		$key = $this->input(self::KINDS[$kind]['key']);
		$result = $this->model_extension_meschain_module_meschain->call('deleteMapping', [$kind, $key]);
		$this->json($result['ok'] ? ['success' => sprintf($this->language->get('text_deleted'), (int)$result['data'])] : ['error' => self::text($result['error'])]);
	}

	/**
	 * One listed row, made display-ready: the OpenCart side, the Trendyol side, and the values
	 * the row's form posts back.
	 *
	 * @param array<string, mixed> $row
	 * @return array<string, mixed>
	 */
	private function row(string $kind, array $row): array {
		$values = [];
		foreach (self::KINDS[$kind]['fields'] as $field) {
			$values[$field] = isset($row[$field]) ? (string)$row[$field] : '';
		}
		// OpenCart stores its names HTML-escaped; undo that once so the template escapes once.
		$name = html_entity_decode((string)($row['name'] ?? $row['opencart_name'] ?? $row['category_name'] ?? $row['manufacturer_name'] ?? $row['title'] ?? $row['order_status_name'] ?? $row['source_name'] ?? ''), ENT_QUOTES, 'UTF-8');

		if ($kind === 'attribute') {
			// The mapping's number is what the Attribute values tab asks for.
			$name = '#' . (int)($row['attribute_map_id'] ?? 0) . ' ' . $name;
		}
		if ($kind === 'attribute_value') {
			$name = (string)($row['source_value'] ?? '');
		}

		$trendyol = match ($kind) {
			'category' => trim($values['trendyol_category_name'] . ($values['trendyol_category_id'] !== '' ? ' (' . $values['trendyol_category_id'] . ')' : '')),
			'brand' => trim($values['trendyol_brand_name'] . ($values['trendyol_brand_id'] !== '' ? ' (' . $values['trendyol_brand_id'] . ')' : '')),
			'attribute' => trim($values['trendyol_attribute_name'] . ' (' . $values['trendyol_category_id'] . '/' . $values['trendyol_attribute_id'] . ')'),
			'attribute_value' => trim($values['trendyol_value_name'] . ' (' . $values['trendyol_value_id'] . ')'),
			'vat' => $values['vat_rate'] !== '' ? '%' . $values['vat_rate'] : '',
			'order_status' => $values['trendyol_status'],
		};

		// The key comes from the listed row itself: it may be an id the form never edits.
		$key = [];
		foreach (self::KINDS[$kind]['key'] as $field) {
			$key[$field] = isset($row[$field]) ? (string)$row[$field] : '';
		}

		$mapped = !empty($row['mapped']) || match ($kind) {
			'category' => $values['trendyol_category_id'] !== '',
			'brand' => $values['trendyol_brand_id'] !== '',
			'vat' => $values['vat_rate'] !== '',
			default => true,
		};

		return [
			'name'       => $name,
			'trendyol'   => $mapped ? $trendyol : '',
			'mapped'     => $mapped,
			'is_default' => !empty($row['is_default']),
			'values'     => $values,
			'key'        => $key,
			'source'     => (string)($row['source'] ?? ''),
		];
	}

	/**
	 * A mapping row from POST, raw (OpenCart's copy is HTML-escaped and would store `&amp;`):
	 * integer fields become int (blank → null), text is trimmed; the engine validates the rest.
	 *
	 * @param list<string> $fields
	 * @return array<string, mixed>
	 */
	private function input(array $fields): array {
		$row = [];
		foreach ($fields as $field) {
			$raw = $_POST[$field] ?? null;
			if ($raw === null || is_array($raw)) {
				continue;
			}
			$raw = trim((string)$raw);
			if (in_array($field, self::INTEGER_FIELDS, true)) {
				$row[$field] = $raw === '' ? null : (ctype_digit($raw) ? (int)$raw : $raw);
			} else {
				$row[$field] = $raw;
			}
		}
		return $row;
	}

	/**
	 * Leaf categories whose path matches the query (Trendyol accepts only leaves on products).
	 *
	 * @param array<int, mixed> $tree
	 * @return list<array{id: int, name: string}>
	 */
	private static function leafCategories(array $tree, string $query, string $path = ''): array {
		$found = [];
		foreach ($tree as $category) {
			if (!is_array($category) || !isset($category['id'])) {
				continue;
			}
			$name = ($path === '' ? '' : $path . ' > ') . (string)($category['name'] ?? '');
			$children = (array)($category['subCategories'] ?? []);
			if ($children) {
				$found = array_merge($found, self::leafCategories($children, $query, $name));
			} elseif ($query === '' || mb_stripos($name, $query) !== false) {
				$found[] = ['id' => (int)$category['id'], 'name' => $name];
			}
			if (count($found) >= 30) {
				break;
			}
		}
		return $found;
	}
}
