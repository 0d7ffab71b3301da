<?php
// Test kernel: OpenCart 4.0.2.3's Session, reduced to its public `data` array (the kernel keeps
// one session per signed-in test user across requests).
namespace Opencart\System\Library;

class Session {
	public array $data = [];

	public function getId(): string {
		return 'test';
	}
}
