<?php
// Test kernel: OpenCart 4.0.2.3's Action: route "a/b_c.method" → class Controller\A\BC, method.
namespace Opencart\System\Engine;

class Action {
	private string $route;
	private string $class;
	private string $method;

	public function __construct(string $route) {
		$this->route = preg_replace('/[^a-zA-Z0-9_|\/\.]/', '', $route);
		$pos = strrpos($this->route, '.');
		$path = $pos === false ? $this->route : substr($this->route, 0, $pos);
		$this->class = 'Controller\\' . str_replace(['_', '/'], ['', '\\'], ucwords($path, '_/'));
		$this->method = $pos === false ? 'index' : substr($this->route, $pos + 1);
	}

	public function getId(): string {
		return $this->route;
	}

	public function execute(\Opencart\System\Engine\Registry $registry, array &$args = []): mixed {
		if (substr($this->method, 0, 2) == '__') {
			return new \Exception('Error: Calls to magic methods are not allowed!');
		}
		$class = 'Opencart\\' . $registry->get('config')->get('application') . '\\' . $this->class;
		if (!class_exists($class)) {
			return new \Exception('Error: Could not call route ' . $this->route . '!');
		}
		$controller = new $class($registry);
		if (is_callable([$controller, $this->method])) {
			return call_user_func_array([$controller, $this->method], $args);
		}
		return new \Exception('Error: Could not call route ' . $this->route . '!');
	}
}
