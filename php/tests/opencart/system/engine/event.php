<?php
// Test kernel: OpenCart 4.0.2.3's Event: triggers matched with * and ?, sorted by priority; the
// first handler that returns a value (other than null or an Exception) ends the chain.
namespace Opencart\System\Engine;

class Event {
	protected $registry;
	protected array $data = [];

	public function __construct(\Opencart\System\Engine\Registry $registry) {
		$this->registry = $registry;
	}

	public function register(string $trigger, \Opencart\System\Engine\Action $action, int $priority = 0): void {
		$this->data[] = ['trigger' => $trigger, 'action' => $action, 'priority' => $priority];
		usort($this->data, static fn (array $a, array $b): int => $a['priority'] <=> $b['priority']);
	}

	public function trigger(string $event, array $args = []): mixed {
		foreach ($this->data as $value) {
			if (preg_match('/^' . str_replace(['\*', '\?'], ['.*', '.'], preg_quote($value['trigger'], '/')) . '/', $event)) {
				$result = $value['action']->execute($this->registry, $args);
				if (!is_null($result) && !($result instanceof \Exception)) {
					return $result;
				}
			}
		}
		return '';
	}

	public function unregister(string $trigger, string $route): void {
		foreach ($this->data as $key => $value) {
			if ($trigger == $value['trigger'] && $value['action']->getId() == $route) {
				unset($this->data[$key]);
			}
		}
	}

	public function clear(string $trigger): void {
		foreach ($this->data as $key => $value) {
			if ($trigger == $value['trigger']) {
				unset($this->data[$key]);
			}
		}
	}
}
