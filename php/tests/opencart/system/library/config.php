<?php
// Test kernel: OpenCart 4.0.2.3's Config: get/set/has, and load() of `$_` files by path.
namespace Opencart\System\Library;

class Config {
	protected string $directory = '';
	private array $path = [];
	private array $data = [];

	public function addPath(string $namespace, string $directory = ''): void {
		if (!$directory) {
			$this->directory = $namespace;
		} else {
			$this->path[$namespace] = $directory;
		}
	}

	public function get(string $key): mixed {
		return $this->data[$key] ?? '';
	}

	public function set(string $key, mixed $value): void {
		$this->data[$key] = $value;
	}

	public function has(string $key): bool {
		return isset($this->data[$key]);
	}

	public function load(string $filename): array {
		$file = $this->directory . $filename . '.php';
		$namespace = '';
		foreach (explode('/', $filename) as $part) {
			$namespace .= ($namespace === '' ? '' : '/') . $part;
			if (isset($this->path[$namespace])) {
				$file = $this->path[$namespace] . substr($filename, strlen($namespace) + 1) . '.php';
			}
		}
		$_ = [];
		if (is_file($file)) {
			require $file;
		}
		$this->data = array_merge($this->data, $_);
		return $this->data;
	}
}
