<?php
// Test kernel: OpenCart 4.0.2.3's Proxy, which stands for a loaded model (every method call goes
// through model events, with OpenCart's pass-by-reference trick).
namespace Opencart\System\Engine;

class Proxy {
	protected $data = [];

	public function &__get(string $key): object|null {
		if (isset($this->data[$key])) {
			return $this->data[$key];
		}
		throw new \Exception('Error: Could not call proxy key ' . $key . '!');
	}

	public function __set(string $key, object $value): void {
		$this->data[$key] = $value;
	}

	public function __isset(string $key) {
		return isset($this->data[$key]);
	}

	public function __unset(string $key) {
		unset($this->data[$key]);
	}

	public function __call(string $method, array $args): mixed {
		foreach ($args as $key => &$value) ;
		if (isset($this->data[$method])) {
			return call_user_func_array($this->data[$method], $args);
		}
		throw new \Exception('Undefined property: Proxy::' . $method);
	}
}
