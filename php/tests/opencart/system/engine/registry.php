<?php
// Test kernel: OpenCart 4.0.2.3's Registry (same class name and methods).
namespace Opencart\System\Engine;

class Registry {
	private array $data = [];

	public function __get(string $key): object|null {
		return $this->get($key);
	}

	public function __set(string $key, object $value): void {
		$this->set($key, $value);
	}

	public function get(string $key): object|null {
		return $this->data[$key] ?? null;
	}

	public function set(string $key, object $value): void {
		$this->data[$key] = $value;
	}

	public function has(string $key): bool {
		return isset($this->data[$key]);
	}

	public function unset(string $key): void {
		unset($this->data[$key]);
	}
}
