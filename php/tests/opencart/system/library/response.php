<?php
// Test kernel: OpenCart 4.0.2.3's Response (headers and output kept until output()).
namespace Opencart\System\Library;

class Response {
	private array $headers = [];
	private string $output = '';

	public function addHeader(string $header): void {
		$this->headers[] = $header;
	}

	public function getHeaders(): array {
		return $this->headers;
	}

	public function redirect(string $url, int $status = 302): void {
		throw new \RuntimeException('redirect to ' . $url);
	}

	public function setCompression(int $level): void {
	}

	public function setOutput(string $output): void {
		$this->output = $output;
	}

	public function getOutput(): string {
		return $this->output;
	}
}
