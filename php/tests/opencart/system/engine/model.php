<?php
// Test kernel: OpenCart 4.0.2.3's Model base.
namespace Opencart\System\Engine;

class Model {
	protected $registry;

	public function __construct(\Opencart\System\Engine\Registry $registry) {
		$this->registry = $registry;
	}

	public function __get(string $key): object {
		if ($this->registry->has($key)) {
			return $this->registry->get($key);
		}
		throw new \Exception('Error: Could not call registry key ' . $key . '!');
	}

	public function __set(string $key, object $value): void {
		$this->registry->set($key, $value);
	}
}
