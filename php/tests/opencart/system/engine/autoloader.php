<?php
// Test kernel: OpenCart 4.0.2.3's Autoloader: namespace prefix → folder, CamelCase → snake_case
// file names (digits split too: Foo2 → foo_2.php).
namespace Opencart\System\Engine;

class Autoloader {
	private array $path = [];

	public function __construct() {
		spl_autoload_register([$this, 'load']);
	}

	public function register(string $namespace, string $directory, $psr4 = false): void {
		$this->path[$namespace] = ['directory' => $directory, 'psr4' => $psr4];
	}

	public function load(string $class): bool {
		$namespace = '';
		$file = null;
		foreach (explode('\\', $class) as $part) {
			$namespace .= ($namespace === '' ? '' : '\\') . $part;
			if (isset($this->path[$namespace])) {
				$rest = substr($class, strlen($namespace));
				if (!$this->path[$namespace]['psr4']) {
					$rest = strtolower(preg_replace('~([a-z])([A-Z]|[0-9])~', '\\1_\\2', $rest));
				}
				$file = $this->path[$namespace]['directory'] . trim(str_replace('\\', '/', $rest), '/') . '.php';
			}
		}
		if ($file !== null && is_file($file)) {
			include_once($file);
			return true;
		}
		return false;
	}
}
