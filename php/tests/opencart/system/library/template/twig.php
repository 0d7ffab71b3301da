<?php
// Test kernel: OpenCart 4.0.2.3's Twig adaptor with real Twig 3, configured as OpenCart does:
// the shop root as the loader root, extension template paths by namespace, and autoescape OFF
// (templates that want escaping must ask for it, which is what the tests check).
namespace Opencart\System\Library\Template;

class Twig {
	protected string $root;
	protected object $loader;
	protected string $directory = '';
	protected array $path = [];

	public function __construct() {
		$this->root = substr(DIR_OPENCART, 0, -1);
		$this->loader = new \Twig\Loader\FilesystemLoader('/', $this->root);
	}

	public function addPath(string $namespace, string $directory = ''): void {
		if (!$directory) {
			$this->directory = $namespace;
		} else {
			$this->path[$namespace] = $directory;
		}
	}

	public function render(string $filename, array $data = [], string $code = ''): string {
		$file = $this->directory . $filename . '.twig';
		$namespace = '';
		foreach (explode('/', $filename) as $part) {
			$namespace .= ($namespace === '' ? '' : '/') . $part;
			if (isset($this->path[$namespace])) {
				$file = $this->path[$namespace] . substr($filename, strlen($namespace) + 1) . '.twig';
			}
		}
		$file = substr($file, strlen($this->root) + 1);
		$loader = $code ? new \Twig\Loader\ArrayLoader([$file => $code]) : $this->loader;
		$twig = new \Twig\Environment($loader, [
			'charset'     => 'utf-8',
			'autoescape'  => false,
			'debug'       => false,
			'auto_reload' => true,
			'cache'       => DIR_CACHE . 'template/',
		]);
		return $twig->render($file, $data);
	}
}
