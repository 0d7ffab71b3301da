<?php
// Test kernel: OpenCart 4.0.2.3's Loader: controllers, models (behind a Proxy with model events),
// views (with view events, then Template), languages and configs (with their events).
namespace Opencart\System\Engine;

class Loader {
	protected $registry;

	public function __construct(\Opencart\System\Engine\Registry $registry) {
		$this->registry = $registry;
	}

	public function __get(string $key): object {
		return $this->registry->get($key);
	}

	public function __set(string $key, object $value): void {
		$this->registry->set($key, $value);
	}

	public function controller(string $route, mixed ...$args): mixed {
		$route = preg_replace('/[^a-zA-Z0-9_|\/\.]/', '', str_replace('|', '.', $route));
		$output = '';
		$action = new \Opencart\System\Engine\Action($route);
		while ($action) {
			$route = $action->getId();
			$result = $this->event->trigger('controller/' . $route . '/before', [&$route, &$args]);
			if ($result instanceof \Opencart\System\Engine\Action) {
				$action = $result;
			}
			$result = $action->execute($this->registry, $args);
			$action = '';
			if ($result instanceof \Opencart\System\Engine\Action) {
				$action = $result;
			}
			if (!$action) {
				$output = $result;
			}
			$result = $this->event->trigger('controller/' . $route . '/after', [&$route, &$args, &$output]);
			if ($result instanceof \Opencart\System\Engine\Action) {
				$action = $result;
			}
		}
		return $output;
	}

	public function model(string $route): void {
		$route = preg_replace('/[^a-zA-Z0-9_\/]/', '', $route);
		$class = 'Opencart\\' . $this->config->get('application') . '\Model\\' . str_replace(['_', '/'], ['', '\\'], ucwords($route, '_/'));
		$key = 'model_' . str_replace('/', '_', $route);
		if ($this->registry->has($key)) {
			return;
		}
		if (!class_exists($class)) {
			throw new \Exception('Error: Could not load model ' . $class . '!');
		}
		$model = new $class($this->registry);
		$proxy = new \Opencart\System\Engine\Proxy();
		foreach (get_class_methods($model) as $method) {
			if (substr($method, 0, 2) != '__' && is_callable([$model, $method])) {
				$proxy->{$method} = function (mixed &...$args) use ($route, $model, $method): mixed {
					$route = $route . '/' . $method;
					$output = '';
					$result = $this->event->trigger('model/' . $route . '/before', [&$route, &$args]);
					if ($result) {
						$output = $result;
					}
					if (!$output) {
						$output = call_user_func_array([$model, $method], $args);
					}
					$result = $this->event->trigger('model/' . $route . '/after', [&$route, &$args, &$output]);
					if ($result) {
						$output = $result;
					}
					return $output;
				};
			}
		}
		$this->registry->set($key, $proxy);
	}

	public function view(string $route, array $data = [], string $code = ''): string {
		$route = preg_replace('/[^a-zA-Z0-9_\/]/', '', $route);
		$output = '';
		$result = $this->event->trigger('view/' . $route . '/before', [&$route, &$data, &$code]);
		if ($result) {
			$output = $result;
		}
		if (!$output) {
			$output = $this->template->render($route, $data, $code);
		}
		$result = $this->event->trigger('view/' . $route . '/after', [&$route, &$data, &$output]);
		if ($result) {
			$output = $result;
		}
		return $output;
	}

	public function language(string $route, string $prefix = '', string $code = ''): array {
		$route = preg_replace('/[^a-zA-Z0-9_\-\/]/', '', $route);
		$output = [];
		$result = $this->event->trigger('language/' . $route . '/before', [&$route, &$prefix, &$code]);
		if ($result) {
			$output = $result;
		}
		if (!$output) {
			$output = $this->language->load($route, $prefix, $code);
		}
		$result = $this->event->trigger('language/' . $route . '/after', [&$route, &$prefix, &$code, &$output]);
		if ($result) {
			$output = $result;
		}
		return $output;
	}

	public function config(string $route): array {
		$route = preg_replace('/[^a-zA-Z0-9_\-\/]/', '', $route);
		return $this->config->load($route);
	}
}
