<?php
// Test kernel: OpenCart 4.0.2.3's Language: `$_` files per code, extension paths by namespace,
// optional key prefix, and get() answering the key itself when a string is missing.
namespace Opencart\System\Library;

class Language {
	protected string $code;
	protected string $directory = '';
	protected array $path = [];
	protected array $data = [];
	protected array $cache = [];

	public function __construct(string $code) {
		$this->code = $code;
	}

	public function addPath(string $namespace, string $directory = ''): void {
		if (!$directory) {
			$this->directory = $namespace;
		} else {
			$this->path[$namespace] = $directory;
		}
	}

	public function get(string $key) {
		return $this->data[$key] ?? $key;
	}

	public function set(string $key, string $value) {
		$this->data[$key] = $value;
	}

	public function all(string $prefix = ''): array {
		if (!$prefix) {
			return $this->data;
		}
		$_ = [];
		$length = strlen($prefix);
		foreach ($this->data as $key => $value) {
			if (substr($key, 0, $length) == $prefix) {
				$_[substr($key, $length + 1)] = $value;
			}
		}
		return $_;
	}

	public function clear(): void {
		$this->data = [];
	}

	public function load(string $filename, string $prefix = '', string $code = ''): array {
		if (!$code) {
			$code = $this->code;
		}
		if (!isset($this->cache[$code][$filename])) {
			$_ = [];
			$file = $this->directory . $code . '/' . $filename . '.php';
			$namespace = '';
			foreach (explode('/', $filename) as $part) {
				$namespace .= ($namespace === '' ? '' : '/') . $part;
				if (isset($this->path[$namespace])) {
					$file = $this->path[$namespace] . $code . substr($filename, strlen($namespace)) . '.php';
				}
			}
			if (is_file($file)) {
				require($file);
			}
			$this->cache[$code][$filename] = $_;
		} else {
			$_ = $this->cache[$code][$filename];
		}
		if ($prefix) {
			foreach ($_ as $key => $value) {
				$_[$prefix . '_' . $key] = $value;
				unset($_[$key]);
			}
		}
		$this->data = array_merge($this->data, $_);
		return $this->data;
	}
}
