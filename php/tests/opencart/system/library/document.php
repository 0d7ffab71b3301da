<?php
// Test kernel: OpenCart 4.0.2.3's Document (title, description, links, styles, scripts).
namespace Opencart\System\Library;

class Document {
	private string $title = '';
	private string $description = '';
	private array $links = [];
	private array $styles = [];
	private array $scripts = [];

	public function setTitle(string $title): void {
		$this->title = $title;
	}

	public function getTitle(): string {
		return $this->title;
	}

	public function setDescription(string $description): void {
		$this->description = $description;
	}

	public function getDescription(): string {
		return $this->description;
	}

	public function addLink(string $href, string $rel): void {
		$this->links[$href] = ['href' => $href, 'rel' => $rel];
	}

	public function getLinks(): array {
		return $this->links;
	}

	public function addStyle(string $href, $rel = 'stylesheet', $media = 'screen'): void {
		$this->styles[$href] = ['href' => $href, 'rel' => $rel, 'media' => $media];
	}

	public function getStyles(): array {
		return $this->styles;
	}

	public function addScript(string $href, $position = 'header'): void {
		$this->scripts[$position][$href] = ['href' => $href];
	}

	public function getScripts($position = 'header'): array {
		return $this->scripts[$position] ?? [];
	}
}
