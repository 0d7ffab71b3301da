<?php
/**
 * The one place in the admin that talks to the `meschain` PHP extension.
 *
 * Every page and JSON endpoint asks this model; it never lets an extension failure escape as a
 * blank page: a missing extension, a method the installed build does not have yet (`\Error`),
 * or an engine exception (`\MesChain\Exception` with its stable code) all come back as
 * ['ok' => false, 'error' => text, 'code' => int], which the controllers show as a message.
 * The engine is opened from the admin's own config.php (the same DB_* defines as the shop's).
 */
namespace Opencart\Admin\Model\Extension\Meschain\Module;

class Meschain extends \Opencart\System\Engine\Model {
	/** The engine of this request, opened on first use. */
	private ?object $engine = null;

	/** Why the engine could not be opened (kept so every call reports the same cause). */
	private string $openError = '';

	/** @var array<string, mixed>|null the registry, once read */
	private ?array $registry_data = null;

	/** Whether the PHP extension is loaded in this PHP. */
	public function loaded(): bool {
		return extension_loaded('meschain') && class_exists('\MesChain\Engine');
	}

	/** The loaded extension's version, or '' when it is not loaded. */
	public function version(): string {
		if (!$this->loaded()) {
			return '';
		}
		try {
			return (string)\MesChain\Engine::version();
		} catch (\Throwable $e) {
			return '';
		}
	}

	/**
	 * This module's version: the install.json OpenCart's Installer extracted with it (the release
	 * stamps it with the extension's version), or '' when it cannot be read.
	 */
	public function moduleVersion(): string {
		$text = @file_get_contents(DIR_EXTENSION . 'meschain/install.json');
		$json = is_string($text) ? json_decode($text, true) : null;
		return is_array($json) && is_string($json['version'] ?? null) ? $json['version'] : '';
	}

	/**
	 * Calls one `MesChain\Engine` method.
	 *
	 * @param string $method the engine method, e.g. 'dashboard'
	 * @param array<int, mixed> $args its arguments, in order
	 * @return array{ok: bool, data?: mixed, error?: string, code?: int, kind?: string}
	 */
	public function call(string $method, array $args = []): array {
		$engine = $this->engine();
		if ($engine === null) {
			return ['ok' => false, 'error' => $this->openError, 'code' => 0, 'kind' => 'unavailable'];
		}
		if (!method_exists($engine, $method)) {
			return [
				'ok'    => false,
				'error' => sprintf('The installed meschain extension (%s) has no %s(); update the extension.', $this->version(), $method),
				'code'  => 0,
				'kind'  => 'missing'
			];
		}
		try {
			return ['ok' => true, 'data' => $engine->{$method}(...array_values($args))];
		} catch (\Throwable $e) {
			return self::failure($e);
		}
	}

	/**
	 * Calls a static `MesChain\Engine` method (version, buildInfo).
	 *
	 * @return array{ok: bool, data?: mixed, error?: string, code?: int, kind?: string}
	 */
	public function callStatic(string $method): array {
		if (!$this->loaded()) {
			return ['ok' => false, 'error' => self::notLoadedMessage(), 'code' => 0, 'kind' => 'unavailable'];
		}
		if (!method_exists('\MesChain\Engine', $method)) {
			return ['ok' => false, 'error' => 'The installed meschain extension has no ' . $method . '().', 'code' => 0, 'kind' => 'missing'];
		}
		try {
			return ['ok' => true, 'data' => \MesChain\Engine::$method()];
		} catch (\Throwable $e) {
			return self::failure($e);
		}
	}

	/**
	 * The engine's registry (`\MesChain\Engine::registry()`): its jobs, manual syncs, run
	 * statuses and settings, read once per request. The pages loop over these lists rather
	 * than keeping their own; without the extension every list is empty (and the page says the
	 * extension is missing).
	 *
	 * @return array{jobs: list<array<string, mixed>>, manual_jobs: list<array<string, mixed>>, run_statuses: list<array<string, mixed>>, settings: list<array<string, mixed>>, setting_groups: list<string>, log_names: list<string>}
	 */
	public function registry(): array {
		if ($this->registry_data === null) {
			$answer = $this->callStatic('registry');
			$data = $answer['ok'] && is_array($answer['data']) ? $answer['data'] : [];
			foreach (['jobs', 'manual_jobs', 'run_statuses', 'settings', 'setting_groups', 'log_names'] as $list) {
				$data[$list] = is_array($data[$list] ?? null) ? $data[$list] : [];
			}
			$this->registry_data = $data;
		}
		return $this->registry_data;
	}

	/**
	 * MesChain's tables in the shop's database: every one is `<prefix>trendyol_*` (all of them
	 * are created by the engine's migrations).
	 *
	 * @return list<string>
	 */
	public function tables(): array {
		$like = str_replace(['\\', '_', '%'], ['\\\\', '\\_', '\\%'], DB_PREFIX . 'trendyol_') . '%';
		$query = $this->db->query("SHOW TABLES LIKE '" . $this->db->escape($like) . "'");
		$tables = [];
		foreach ($query->rows as $row) {
			$tables[] = (string)reset($row);
		}
		sort($tables);
		return $tables;
	}

	/**
	 * Drops MesChain's tables (only when the owner chose so on uninstall). OpenCart's own
	 * tables are never touched: the names come from tables() and are checked again here.
	 *
	 * @return int how many tables were dropped
	 */
	public function dropTables(): int {
		$dropped = 0;
		foreach ($this->tables() as $table) {
			if (preg_match('/^' . preg_quote(DB_PREFIX, '/') . 'trendyol_[a-z0-9_]+$/', $table)) {
				$this->db->query("DROP TABLE IF EXISTS `" . $table . "`");
				$dropped++;
			}
		}
		return $dropped;
	}

	/**
	 * A time the engine gave, as the admin shows times. The engine's database session runs in
	 * UTC, so every time it returns is a UTC `Y-m-d H:i:s`; OpenCart's admin startup has made
	 * the shop's time zone (config_timezone) PHP's default, and its pages print times with the
	 * language's `datetime_format`. Blank stays blank; text that is not a time is shown as is.
	 */
	public function shopTime(mixed $utc): string {
		$timestamp = $this->utcTimestamp($utc);
		if ($timestamp === null) {
			return is_scalar($utc) ? (string)$utc : '';
		}
		$format = $this->language->get('datetime_format');
		return date($format === 'datetime_format' ? 'd/m/Y H:i:s' : $format, $timestamp);
	}

	/** The zone shopTime() prints in: the shop's config_timezone, which OpenCart made PHP's default. */
	public function shopZone(): string {
		return date_default_timezone_get();
	}

	/** The Unix time of an engine time (UTC `Y-m-d H:i:s`), or null when it is blank or not a time. */
	public function utcTimestamp(mixed $utc): ?int {
		if (!is_string($utc) || $utc === '') {
			return null;
		}
		$time = \DateTimeImmutable::createFromFormat('!Y-m-d H:i:s', substr($utc, 0, 19), new \DateTimeZone('UTC'));
		return $time === false ? null : $time->getTimestamp();
	}

	/** The config file the engine reads: the admin's own (it carries the shop's DB_* defines). */
	public function configPath(): string {
		if (is_file(DIR_APPLICATION . 'config.php')) {
			return DIR_APPLICATION . 'config.php';
		}
		return DIR_APPLICATION . '../config.php';
	}

	/** The message shown when the extension is missing: what to do about it, not just what failed. */
	public static function notLoadedMessage(): string {
		return 'The meschain PHP extension is not loaded in this PHP (' . PHP_VERSION . '). Install libmeschain.so and enable it with extension=meschain in php.ini, then reload PHP.';
	}

	private function engine(): ?object {
		if ($this->engine !== null) {
			return $this->engine;
		}
		if ($this->openError !== '') {
			return null;
		}
		if (!$this->loaded()) {
			$this->openError = self::notLoadedMessage();
			return null;
		}
		try {
			$this->engine = \MesChain\Engine::fromOpenCart($this->configPath());
		} catch (\Throwable $e) {
			$this->openError = 'The meschain engine could not start: ' . $e->getMessage();
			return null;
		}
		return $this->engine;
	}

	/** @return array{ok: false, error: string, code: int, kind: string} */
	private static function failure(\Throwable $e): array {
		$class = get_class($e);
		$kind = strtolower((string)preg_replace('/Exception$/', '', substr((string)strrchr('\\' . $class, '\\'), 1)));
		if (!($e instanceof \Exception)) {
			// A PHP \Error: a call the installed extension does not accept (older build, wrong
			// argument type). Say so instead of leaking a stack trace.
			$kind = 'error';
		}
		return ['ok' => false, 'error' => $e->getMessage(), 'code' => (int)$e->getCode(), 'kind' => $kind === '' ? 'error' : $kind];
	}
}
