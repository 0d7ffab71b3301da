<?php
// Test kernel: OpenCart 4.0.2.3's Template front over an adaptor (Twig).
namespace Opencart\System\Library;

class Template {
	private object $adaptor;

	public function __construct(string $adaptor) {
		$class = 'Opencart\System\Library\Template\\' . $adaptor;
		if (!class_exists($class)) {
			throw new \Exception('Error: Could not load template adaptor ' . $adaptor . '!');
		}
		$this->adaptor = new $class();
	}

	public function addPath(string $namespace, string $directory = ''): void {
		$this->adaptor->addPath($namespace, $directory);
	}

	public function render(string $filename, array $data = [], string $code = ''): string {
		return $this->adaptor->render($filename, $data, $code);
	}
}
