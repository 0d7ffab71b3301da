<?php
/**
 * Extensions > MesChain > Settings, and the extension's life cycle in OpenCart.
 *
 * OpenCart installs MesChain as a module (Extensions > Extensions > Modules > MesChain >
 * Install): it records the extension, grants this route to the installing user's group and
 * calls install() here, which does the rest in an order that can be repeated: the engine's
 * migrations first (nothing else is touched when the extension is missing or the database
 * refuses), then the menu event, the permissions of every MesChain page, OpenCart's own cron row,
 * the cron scripts and the settings. uninstall() takes all of that away again but keeps the data
 * and the settings that go with it (credentials included), unless the owner ticked "drop tables
 * on uninstall": then both go.
 *
 * The settings themselves are validated and stored by the engine (one list of settings, one
 * validator, shared with the cron scripts); this page only shows them and passes them on.
 */
namespace Opencart\Admin\Controller\Extension\Meschain\Module;

class Meschain extends \Opencart\System\Engine\Controller {
	use \Opencart\Admin\Controller\Extension\Meschain\Panel\Actions;

	public const ROUTE = 'extension/meschain/module/meschain';
	/**
	 * The other pages live under admin/controller/panel/: OpenCart lists every file under an
	 * extension's admin/controller/module/ as a module of its own (with its own Install button),
	 * and "panel" is not one of its extension types, so nothing lists them there.
	 */
	public const ROUTE_CRON = 'extension/meschain/panel/cron';
	public const ROUTE_MAPPING = 'extension/meschain/panel/mapping';
	public const ROUTE_PRICING = 'extension/meschain/panel/pricing';
	public const ROUTE_QUESTIONS = 'extension/meschain/panel/questions';

	/** Every admin controller of the extension: each gets access and modify on install. */
	public const CONTROLLERS = [self::ROUTE, self::ROUTE_CRON, self::ROUTE_MAPPING, self::ROUTE_PRICING, self::ROUTE_QUESTIONS];

	/**
	 * Where those pages were before they moved to panel/: a shop upgrading still has these
	 * routes in its user groups (and maybe module records, if someone pressed their Install).
	 */
	public const LEGACY_MODULES = ['meschain_cron', 'meschain_mapping'];

	public const EVENT_CODE = 'meschain_menu';
	public const EVENT_TRIGGER = 'admin/view/common/column_left/before';
	public const EVENT_ACTION = 'extension/meschain/module/meschain.menu';
	/** OpenCart order status changes → Trendyol (Picking, Invoiced). */
	public const ORDER_EVENT_CODE = 'meschain_order_status';
	public const ORDER_EVENT_TRIGGER = 'catalog/model/checkout/order/addHistory/after';
	public const ORDER_EVENT_ACTION = 'extension/meschain/event/order.addHistory';

	public const CRON_CODE = 'meschain_trendyol_sync';
	public const CRON_ACTION = 'extension/meschain/cron/meschain';
	public const MAINTENANCE_CRON_CODE = 'meschain_maintenance';
	public const MAINTENANCE_CRON_ACTION = 'extension/meschain/cron/meschain.maintenance';

	/** The secret a web request to the cron routes must present (an engine setting). */
	public const CRON_SECRET_KEY = 'module_meschain_cron_secret';

	/** A UI choice stored beside the engine's settings (the engine ignores unknown module keys). */
	public const DROP_TABLES_KEY = 'module_meschain_drop_tables_on_uninstall';

	/**
	 * Where the settings wait between an uninstall that keeps the tables and the next install:
	 * one serialized oc_setting row under a code of MesChain's own, which OpenCart's uninstall
	 * (it deletes code `module_meschain`) leaves alone.
	 */
	public const KEPT_CODE = 'meschain_kept';
	public const KEPT_KEY = 'meschain_kept_settings';

	public function index(): void {
		$this->load->language(self::ROUTE);
		$this->load->model(self::ROUTE);
		$model = $this->model_extension_meschain_module_meschain;

		$this->document->setTitle($this->language->get('heading_title'));

		$token = 'user_token=' . $this->session->data['user_token'];

		$data['breadcrumbs'] = [
			['text' => $this->language->get('text_home'), 'href' => $this->url->link('common/dashboard', $token, true)],
			['text' => $this->language->get('text_extension'), 'href' => $this->url->link('marketplace/extension', $token . '&type=module', true)],
			['text' => $this->language->get('heading_title'), 'href' => $this->url->link(self::ROUTE, $token, true)],
		];

		$data['save'] = $this->url->link(self::ROUTE . '.save', $token, true);
		$data['back'] = $this->url->link('marketplace/extension', $token . '&type=module', true);
		$data['cron'] = $this->url->link(self::ROUTE_CRON, $token, true);
		$data['mapping'] = $this->url->link(self::ROUTE_MAPPING, $token, true);
		$data['pricing'] = $this->url->link(self::ROUTE_PRICING, $token, true);
		$data['questions'] = $this->url->link(self::ROUTE_QUESTIONS, $token, true);
		$data['cron_url'] = (defined('HTTP_CATALOG') ? HTTP_CATALOG : '') . 'index.php?route=' . self::CRON_ACTION;
		$data['maintenance_url'] = (defined('HTTP_CATALOG') ? HTTP_CATALOG : '') . 'index.php?route=' . self::MAINTENANCE_CRON_ACTION;
		$data['webhook_url'] = self::webhookUrl();
		$data['webhook_status'] = $this->url->link(self::ROUTE . '.webhook', $token, true);
		$data['webhook_register'] = $this->url->link(self::ROUTE . '.registerwebhook', $token, true);

		$data['error_warning'] = '';
		$data['version_warning'] = $this->versionWarning();
		$data['groups'] = [];

		$form = $model->call('settingsForm');
		if (!$form['ok']) {
			$data['error_warning'] = $this->language->get('error_engine') . ' ' . $form['error'];
		} else {
			$data['groups'] = $this->groups(is_array($form['data']) ? $form['data'] : []);
		}

		$data['drop_tables'] = (bool)$this->config->get(self::DROP_TABLES_KEY);

		$data['header'] = $this->load->controller('common/header');
		$data['column_left'] = $this->load->controller('common/column_left');
		$data['footer'] = $this->load->controller('common/footer');

		$this->response->setOutput($this->load->view(self::ROUTE, $data));
	}

	/**
	 * Saves the settings. Secrets left blank keep their stored value (the engine does that), so
	 * the page never has to hold a secret to save the others.
	 */
	public function save(): void {
		$this->load->language(self::ROUTE);

		if (!$this->user->hasPermission('modify', self::ROUTE)) {
			$this->json(['error' => $this->language->get('error_permission')]);
			return;
		}

		$this->load->model(self::ROUTE);
		$model = $this->model_extension_meschain_module_meschain;

		$form = $model->call('settingsForm');
		if (!$form['ok']) {
			$this->json(['error' => $this->language->get('error_engine') . ' ' . self::text($form['error'])]);
			return;
		}

		// Only the engine's own settings go to the engine, from the raw POST: OpenCart's copy is
		// HTML-escaped, which would change a secret or a URL.
		$values = [];
		foreach ($form['data'] as $field) {
			$name = (string)$field['name'];
			$raw = $_POST[(string)$field['key']] ?? $_POST[$name] ?? null;
			if ($raw === null) {
				continue;
			}
			$values[$name] = is_array($raw) ? '' : trim((string)$raw);
		}

		// Secrets the shop makes up must be long enough to be out of reach of guessing (the
		// engine refuses them too; here the owner gets the reason in the admin's language).
		$short = [];
		foreach ($form['data'] as $field) {
			$name = (string)$field['name'];
			$min = (int)($field['min_length'] ?? 0);
			if ($min > 0 && isset($values[$name]) && $values[$name] !== '' && mb_strlen($values[$name], 'UTF-8') < $min) {
				$short[$name] = sprintf($this->language->get('error_secret_short'), $min);
			}
		}

		$invalid = $model->call('validateSettings', [$values]);
		if (!$invalid['ok']) {
			$this->json(['error' => $this->language->get('error_engine') . ' ' . self::text($invalid['error'])]);
			return;
		}
		if ($invalid['data'] || $short) {
			$json = ['error' => ['warning' => $this->language->get('error_form')]];
			foreach ($invalid['data'] as $name => $reason) {
				$json['error'][(string)$name] = self::text((string)$reason);
			}
			foreach ($short as $name => $reason) {
				$json['error'][$name] = self::text($reason);
			}
			$this->json($json);
			return;
		}

		$saved = $model->call('saveSettings', [$values]);
		if (!$saved['ok']) {
			$this->json(['error' => ['warning' => $this->language->get('error_form') . ' ' . self::text($saved['error'])]]);
			return;
		}

		$this->saveDropTables(!empty($_POST[self::DROP_TABLES_KEY]));

		$this->json(['success' => $this->language->get('text_success')]);
	}

	/**
	 * The extension (the .so PHP loaded) and this module are released together; after an upgrade
	 * of only one of them the pages may call what the other lacks. Says which one to bring up to
	 * the other's version, or '' when they agree (or the extension is missing: that has its own
	 * message).
	 */
	private function versionWarning(): string {
		$model = $this->model_extension_meschain_module_meschain;
		$so = $model->version();
		$module = $model->moduleVersion();
		if ($so === '' || $module === '' || $so === $module) {
			return '';
		}
		$key = version_compare($so, $module, '<') ? 'text_version_old_extension' : 'text_version_old_module';
		return sprintf($this->language->get($key), $so, $module);
	}

	/** The catalog route Trendyol delivers to: the shop's public address plus the webhook route. */
	private static function webhookUrl(): string {
		return (defined('HTTP_CATALOG') ? HTTP_CATALOG : '') . 'index.php?route=extension/meschain/webhook/trendyol';
	}

	/** Settings > Webhook > Show subscription: the shop's webhook as Trendyol has it. */
	public function webhook(): void {
		$this->webhookAction('webhookSubscription');
	}

	/**
	 * Settings > Webhook > Register webhook: creates the subscription at Trendyol with the shop's
	 * webhook URL and the stored webhook credentials, or updates it and switches a passive one
	 * back on (what the "webhook deactivated" alert asks for).
	 */
	public function registerwebhook(): void {
		$this->webhookAction('registerWebhook');
	}

	private function webhookAction(string $method): void {
		$this->load->language(self::ROUTE);
		if (!$this->user->hasPermission('modify', self::ROUTE)) {
			$this->json(['error' => $this->language->get('error_permission')]);
			return;
		}
		$this->load->model(self::ROUTE);
		$result = $this->model_extension_meschain_module_meschain->call($method, [self::webhookUrl()]);
		if (!$result['ok']) {
			$this->json(['error' => $this->language->get('error_webhook') . ' ' . self::text((string)$result['error'])]);
			return;
		}
		$sub = (array)$result['data'];
		$json = ['subscription' => [
			'registered'     => !empty($sub['registered']),
			'active'         => !empty($sub['active']),
			'id'             => (string)($sub['id'] ?? ''),
			'url'            => (string)($sub['url'] ?? ''),
			'status'         => !empty($sub['registered']) ? (!empty($sub['active']) ? $this->language->get('text_webhook_active') : $this->language->get('text_webhook_passive')) : $this->language->get('text_webhook_none'),
			'authentication' => (string)($sub['authentication_type'] ?? ''),
			'events'         => !empty($sub['events']) ? implode(', ', array_map('strval', (array)$sub['events'])) : $this->language->get('text_webhook_all_events'),
		]];
		$action = (string)($sub['action'] ?? '');
		if ($action !== '') {
			$key = 'text_webhook_' . $action;
			$text = $this->language->get($key);
			$json['success'] = $text === $key ? $this->language->get('text_webhook_updated') : $text;
		}
		$this->json($json);
	}

	/**
	 * Called by Extensions > Extensions > Modules > Install after OpenCart recorded the extension.
	 *
	 * Nothing is half-installed: the engine must be there and its migrations must pass before
	 * anything else is written; otherwise OpenCart's own record is taken back and the reason is
	 * thrown (OpenCart logs and shows it). Every step checks before it adds, so a reinstall over
	 * a partial install repairs it instead of doubling rows.
	 */
	public function install(): void {
		$this->load->language(self::ROUTE);
		$this->load->model(self::ROUTE);
		$model = $this->model_extension_meschain_module_meschain;

		if (!$model->loaded()) {
			$this->undoExtensionRecord();
			throw new \Exception($this->language->get('error_not_loaded') . ' ' . $model->notLoadedMessage());
		}

		$migrated = $model->call('migrate');
		if (!$migrated['ok']) {
			$this->undoExtensionRecord();
			throw new \Exception($this->language->get('error_migrate') . ' ' . $migrated['error']);
		}

		$this->load->model('setting/event');
		$this->model_setting_event->deleteEventByCode(self::EVENT_CODE);
		$this->model_setting_event->addEvent([
			'code'        => self::EVENT_CODE,
			'description' => 'MesChain: Extensions > MesChain menu',
			'trigger'     => self::EVENT_TRIGGER,
			'action'      => self::EVENT_ACTION,
			'status'      => 1,
			'sort_order'  => 0,
		]);
		$this->model_setting_event->deleteEventByCode(self::ORDER_EVENT_CODE);
		$this->model_setting_event->addEvent([
			'code'        => self::ORDER_EVENT_CODE,
			'description' => 'MesChain: tell Trendyol about order status changes',
			'trigger'     => self::ORDER_EVENT_TRIGGER,
			'action'      => self::ORDER_EVENT_ACTION,
			'status'      => 1,
			'sort_order'  => 0,
		]);
		// Stock follows a sale within seconds (see admin/model/event/stock.php).
		$this->load->model('extension/meschain/event/stock');
		$this->model_extension_meschain_event_stock->register();

		$this->grantPermissions((int)$this->user->getGroupId());
		$this->forgetLegacyPages();

		$this->load->model('setting/cron');
		if (!$this->model_setting_cron->getCronByCode(self::CRON_CODE)) {
			// Off by default: the crontab block from the Setup tab is the recommended runner;
			// OpenCart's own cron (Extensions > Cron Jobs) is there for shops without crontab.
			$this->model_setting_cron->addCron(self::CRON_CODE, 'MesChain: Trendyol sync (alternative to crontab)', 'hour', self::CRON_ACTION, false);
		}
		if (!$this->model_setting_cron->getCronByCode(self::MAINTENANCE_CRON_CODE)) {
			// Daily clean-up of old logs and OPTIMIZE TABLE; harmless beside the crontab.
			$this->model_setting_cron->addCron(self::MAINTENANCE_CRON_CODE, 'MesChain: clean old logs, optimize tables', 'day', self::MAINTENANCE_CRON_ACTION, true);
		}

		$this->copyCronScripts();
		$this->storeSettings();
	}

	/**
	 * Called by Extensions > Extensions > Modules > Uninstall. OpenCart has already removed its
	 * record and every oc_setting row of code `module_meschain` before it calls this; the
	 * settings of this request are still in $this->config, which is where the "drop tables"
	 * choice and the settings kept for a reinstall are read from.
	 */
	public function uninstall(): void {
		$this->load->model('setting/event');
		$this->model_setting_event->deleteEventByCode(self::EVENT_CODE);
		$this->model_setting_event->deleteEventByCode(self::ORDER_EVENT_CODE);
		$this->load->model('extension/meschain/event/stock');
		$this->model_extension_meschain_event_stock->remove();

		$this->load->model('user/user_group');
		$this->load->model(self::ROUTE);
		$model = $this->model_extension_meschain_module_meschain;

		$groups = $this->model_user_user_group->getUserGroups();
		foreach ($groups as $group) {
			$this->revokePermissions((int)$group['user_group_id'], array_merge(self::CONTROLLERS, self::legacyRoutes()));
		}

		$this->load->model('setting/cron');
		$this->model_setting_cron->deleteCronByCode(self::CRON_CODE);
		$this->model_setting_cron->deleteCronByCode(self::MAINTENANCE_CRON_CODE);

		$this->removeCronScripts();

		// The settings stay with the data: kept while the tables are, gone when they are.
		$this->load->model('setting/setting');
		$this->model_setting_setting->deleteSetting(self::KEPT_CODE);
		if ($this->config->get(self::DROP_TABLES_KEY)) {
			$model->dropTables();
		} else {
			$this->keepSettings();
		}
	}

	/**
	 * Event handler (admin/view/common/column_left/before): Extensions > MesChain with Cron
	 * Management, Settings, Mappings, Price rules and Questions, each shown only to users who may
	 * open it.
	 *
	 * @param array<string, mixed> $args the column_left view data
	 */
	public function menu(string &$route, array &$args): void {
		if (!isset($this->session->data['user_token']) || !isset($args['menus']) || !is_array($args['menus'])) {
			return;
		}

		// A shop that upgraded the module without reinstalling it gets events added since.
		try {
			$this->load->model('extension/meschain/event/stock');
			$this->model_extension_meschain_event_stock->register();
		} catch (\Throwable $e) {
			error_log('MesChain: registering the stock events: ' . $e->getMessage());
		}

		$this->load->language(self::ROUTE, 'meschain');
		$token = 'user_token=' . $this->session->data['user_token'];

		$children = [];
		$entries = [
			[self::ROUTE_CRON, 'meschain_text_menu_cron'],
			[self::ROUTE, 'meschain_text_menu_settings'],
			[self::ROUTE_MAPPING, 'meschain_text_menu_mapping'],
			[self::ROUTE_PRICING, 'meschain_text_menu_pricing'],
			[self::ROUTE_QUESTIONS, 'meschain_text_menu_questions'],
		];
		foreach ($entries as [$route_name, $text]) {
			if ($this->user->hasPermission('access', $route_name)) {
				$children[] = ['name' => $this->language->get($text), 'href' => $this->url->link($route_name, $token), 'children' => []];
			}
		}
		if (!$children) {
			return;
		}

		$entry = ['name' => $this->language->get('meschain_text_menu'), 'href' => '', 'children' => $children];

		foreach ($args['menus'] as &$menu) {
			if (($menu['id'] ?? '') === 'menu-extension') {
				$menu['children'][] = $entry;
				return;
			}
		}
		unset($menu);

		// A user without the Extensions menu still reaches MesChain.
		$args['menus'][] = ['id' => 'menu-meschain', 'icon' => 'fa-solid fa-link', 'name' => $entry['name'], 'href' => '', 'children' => $children];
	}

	/**
	 * The settings form, grouped into tabs. Secrets are never sent to the page: the engine
	 * gives '' plus is_set, and the field shows a "set" badge.
	 *
	 * @param list<array<string, mixed>> $fields
	 * @return list<array<string, mixed>>
	 */
	private function groups(array $fields): array {
		$shop_choices = $this->shopChoices();
		$groups = [];
		// The groups, the inputs and the choices are the engine's settings table's: a setting
		// declared there shows here without a change to this page.
		foreach ($this->model_extension_meschain_module_meschain->registry()['setting_groups'] as $group) {
			$groups[$group] = ['code' => $group, 'name' => $this->language->get('tab_' . $group), 'fields' => []];
		}

		foreach ($fields as $field) {
			$name = (string)$field['name'];
			$group = isset($groups[$field['group'] ?? '']) ? (string)$field['group'] : 'other';
			$secret = !empty($field['secret']);
			$allowed = (string)($field['allowed'] ?? '');

			if ($secret) {
				$type = 'secret';
			} elseif (!empty($field['choices']) || isset($shop_choices[$name])) {
				$type = 'select';
			} elseif (($field['input'] ?? '') === 'switch') {
				$type = 'switch';
			} else {
				$type = 'text';
			}

			$label_key = 'entry_' . $name;
			$label = $this->language->get($label_key);

			$options = [];
			foreach ((array)($field['choices'] ?? []) as $choice) {
				$options[] = ['value' => $choice, 'text' => $this->language->get('text_' . $name . '_' . $choice)];
			}

			$value = $secret ? '' : (string)($field['value'] ?? '');

			if (isset($shop_choices[$name])) {
				$options = $shop_choices[$name];
				// A stored id the shop no longer has stays visible (saving refuses it).
				if ($value !== '' && !in_array($value, array_column($options, 'value'), true)) {
					$options[] = ['value' => $value, 'text' => sprintf($this->language->get('text_missing_choice'), $value)];
				}
			}

			$groups[$group]['fields'][] = [
				'name'    => $name,
				'key'     => (string)$field['key'],
				'id'      => str_replace('_', '-', $name),
				'label'   => $label === $label_key ? $name : $label,
				'help'    => $this->language->get('help_' . $name) === 'help_' . $name ? $allowed : $this->language->get('help_' . $name),
				'default' => $secret ? '' : (string)($field['default'] ?? ''),
				'type'    => $type,
				'value'   => $value,
				'checked' => $type === 'switch' && in_array(strtolower($value), ['1', 'true', 'on', 'yes'], true),
				'is_set'  => $secret && !empty($field['is_set']),
				'options' => $options,
				'min_length' => (int)($field['min_length'] ?? 0),
				'weak'    => $secret && !empty($field['weak']),
				'weak_text' => sprintf($this->language->get('text_secret_weak'), (int)($field['min_length'] ?? 0)),
			];
		}

		return array_values(array_filter($groups, static fn (array $g): bool => $g['fields'] !== []));
	}

	/**
	 * The shop's own stores and customer groups, as the options of the store_id and
	 * customer_group_id settings (0: the default store, the shop's default group).
	 *
	 * @return array<string, list<array{value: string, text: string}>>
	 */
	private function shopChoices(): array {
		$this->load->model('setting/store');
		$stores = [['value' => '0', 'text' => sprintf($this->language->get('text_store_default'), (string)$this->config->get('config_name'))]];
		foreach ($this->model_setting_store->getStores() as $store) {
			$stores[] = ['value' => (string)$store['store_id'], 'text' => (string)$store['name']];
		}

		$this->load->model('customer/customer_group');
		$default_id = (int)$this->config->get('config_customer_group_id');
		$default_name = '#' . $default_id;
		$groups = [];
		foreach ($this->model_customer_customer_group->getCustomerGroups() as $group) {
			if ((int)$group['customer_group_id'] === $default_id) {
				$default_name = (string)$group['name'];
			}
			$groups[] = ['value' => (string)$group['customer_group_id'], 'text' => (string)$group['name']];
		}
		array_unshift($groups, ['value' => '0', 'text' => sprintf($this->language->get('text_customer_group_default'), $default_name)]);

		return ['store_id' => $stores, 'customer_group_id' => $groups];
	}

	/**
	 * Takes back what the layout before panel/ left behind in an upgraded shop: every group's
	 * grants on the old module routes, and the module records of those pages (only MesChain's).
	 */
	private function forgetLegacyPages(): void {
		$this->load->model('setting/extension');
		foreach (self::LEGACY_MODULES as $code) {
			$record = $this->model_setting_extension->getExtensionByCode('module', $code);
			if (($record['extension'] ?? '') === 'meschain') {
				$this->model_setting_extension->uninstall('module', $code);
			}
		}

		$this->load->model('user/user_group');
		foreach ($this->model_user_user_group->getUserGroups() as $group) {
			$this->revokePermissions((int)$group['user_group_id'], self::legacyRoutes());
		}
	}

	/** @return list<string> the routes the pages had under admin/controller/module/ */
	private static function legacyRoutes(): array {
		return array_map(static fn (string $code): string => 'extension/meschain/module/' . $code, self::LEGACY_MODULES);
	}

	/** Grants access and modify on every MesChain page once (a reinstall adds nothing twice). */
	private function grantPermissions(int $user_group_id): void {
		if ($user_group_id <= 0) {
			return;
		}
		$this->load->model('user/user_group');
		$group = $this->model_user_user_group->getUserGroup($user_group_id);
		$permission = is_array($group['permission'] ?? null) ? $group['permission'] : [];

		foreach (['access', 'modify'] as $type) {
			$granted = is_array($permission[$type] ?? null) ? $permission[$type] : [];
			foreach (self::CONTROLLERS as $route) {
				$count = count(array_keys($granted, $route, true));
				if ($count === 1) {
					continue;
				}
				// OpenCart itself appends the module's route again on every install, and
				// removePermission() takes every copy: remove all, then add exactly one.
				if ($count > 1) {
					$this->model_user_user_group->removePermission($user_group_id, $type, $route);
				}
				$this->model_user_user_group->addPermission($user_group_id, $type, $route);
			}
		}
	}

	/** @param list<string> $routes */
	private function revokePermissions(int $user_group_id, array $routes): void {
		$group = $this->model_user_user_group->getUserGroup($user_group_id);
		$permission = is_array($group['permission'] ?? null) ? $group['permission'] : [];
		foreach (['access', 'modify'] as $type) {
			$granted = is_array($permission[$type] ?? null) ? $permission[$type] : [];
			foreach ($routes as $route) {
				if (in_array($route, $granted, true)) {
					$this->model_user_user_group->removePermission($user_group_id, $type, $route);
				}
			}
		}
	}

	/** Takes back what OpenCart recorded before calling install(), when install() cannot finish. */
	private function undoExtensionRecord(): void {
		$this->load->model('setting/extension');
		$this->model_setting_extension->uninstall('module', 'meschain');
		$this->load->model('user/user_group');
		$this->revokePermissions((int)$this->user->getGroupId(), self::CONTROLLERS);
	}

	/**
	 * The folders the zip ships under system/library/meschain/ and install() copies into the
	 * shop's system/library/meschain/, where the generated crontab (Setup tab) runs them from:
	 * the cron scripts, and bin/ with the command line (meschain.php), the cron monitor,
	 * setup_cron_jobs.sh (crontab, logrotate file, worker unit) and the worker's systemd unit.
	 */
	private const SHIPPED_DIRS = ['cron', 'bin'];

	/** Shell scripts among the shipped files: made executable, as cron runs them directly. */
	private const EXECUTABLES = ['trendyol-cron-monitor', 'setup_cron_jobs.sh'];

	private function copyCronScripts(): void {
		foreach (self::SHIPPED_DIRS as $dir) {
			$source = DIR_EXTENSION . 'meschain/system/library/meschain/' . $dir . '/';
			$target = DIR_SYSTEM . 'library/meschain/' . $dir . '/';
			$files = array_filter(glob($source . '*') ?: [], 'is_file');
			if (!$files) {
				continue;
			}
			if (!is_dir($target) && !mkdir($target, 0755, true) && !is_dir($target)) {
				throw new \Exception(sprintf($this->language->get('error_cron_copy'), $target));
			}
			foreach ($files as $file) {
				$to = $target . basename($file);
				if (!copy($file, $to)) {
					throw new \Exception(sprintf($this->language->get('error_cron_copy'), $to));
				}
				if (in_array(basename($file), self::EXECUTABLES, true)) {
					@chmod($to, 0755);
				}
			}
		}
	}

	/** Removes the copied files (only the ones the zip ships), then the folders if empty. */
	private function removeCronScripts(): void {
		$dirs = [];
		foreach (self::SHIPPED_DIRS as $dir) {
			$source = DIR_EXTENSION . 'meschain/system/library/meschain/' . $dir . '/';
			$target = DIR_SYSTEM . 'library/meschain/' . $dir . '/';
			foreach (array_filter(glob($source . '*') ?: [], 'is_file') as $file) {
				if (is_file($target . basename($file))) {
					unlink($target . basename($file));
				}
			}
			$dirs[] = $target;
		}
		$dirs[] = DIR_SYSTEM . 'library/meschain/';
		foreach ($dirs as $dir) {
			if (is_dir($dir) && count(scandir($dir) ?: []) === 2) {
				rmdir($dir);
			}
		}
	}

	/**
	 * The settings of a fresh install, a reinstall and a repair: what the shop has stored wins
	 * (a repaired install must not reset it), then what the last uninstall kept, then the
	 * engine's defaults for the rest. The kept copy is used once and deleted.
	 */
	private function storeSettings(): void {
		$this->load->model('setting/setting');
		$stored = $this->model_setting_setting->getSetting('module_meschain');
		$kept = $this->model_setting_setting->getSetting(self::KEPT_CODE)[self::KEPT_KEY] ?? [];

		$form = $this->model_extension_meschain_module_meschain->call('settingsForm');
		$defaults = [];
		if ($form['ok'] && is_array($form['data'])) {
			foreach ($form['data'] as $field) {
				if (empty($field['secret'])) {
					$defaults[(string)$field['key']] = (string)$field['default'];
				}
			}
		}

		$values = $stored + (is_array($kept) ? $kept : []) + $defaults;
		$values += [self::DROP_TABLES_KEY => '0'];
		// The cron address's secret is made here, once per installation, so the web door is
		// never open with a guessable or shared value; a kept or stored one is reused.
		if (trim((string)($values[self::CRON_SECRET_KEY] ?? '')) === '') {
			$values[self::CRON_SECRET_KEY] = bin2hex(random_bytes(24));
		}
		$this->model_setting_setting->editSetting('module_meschain', $values);
		$this->model_setting_setting->deleteSetting(self::KEPT_CODE);
	}

	/**
	 * Copies this request's MesChain settings (secrets too) into the kept row for the next
	 * install. OpenCart's Config cannot list its keys, so the engine's list of settings names
	 * them; without the engine there is no list and nothing is kept.
	 */
	private function keepSettings(): void {
		$form = $this->model_extension_meschain_module_meschain->call('settingsForm');
		if (!$form['ok'] || !is_array($form['data'])) {
			return;
		}
		$kept = [];
		foreach ($form['data'] as $field) {
			$key = (string)($field['key'] ?? '');
			if ($key !== '' && $this->config->has($key)) {
				$kept[$key] = $this->config->get($key);
			}
		}
		if ($kept) {
			$this->model_setting_setting->editSetting(self::KEPT_CODE, [self::KEPT_KEY => $kept]);
		}
	}

	/** Stores the "drop tables on uninstall" choice beside the engine's settings. */
	private function saveDropTables(bool $drop): void {
		$key = $this->db->escape(self::DROP_TABLES_KEY);
		$this->db->query("DELETE FROM `" . DB_PREFIX . "setting` WHERE `store_id` = '0' AND `code` = 'module_meschain' AND `key` = '" . $key . "'");
		$this->db->query("INSERT INTO `" . DB_PREFIX . "setting` SET `store_id` = '0', `code` = 'module_meschain', `key` = '" . $key . "', `value` = '" . ($drop ? '1' : '0') . "', `serialized` = '0'");
	}
}
