<?php
// Test kernel: OpenCart 4.0.2.3's DB front (query/escape/countAffected/getLastId over a driver).
namespace Opencart\System\Library;

class DB {
	private object $adaptor;

	public function __construct(string $adaptor, string $hostname, string $username, string $password, string $database, string $port = '') {
		$class = 'Opencart\System\Library\DB\\' . $adaptor;
		if (!class_exists($class)) {
			throw new \Exception('Error: Could not load database adaptor ' . $adaptor . '!');
		}
		$this->adaptor = new $class($hostname, $username, $password, $database, $port);
	}

	public function query(string $sql): bool|object {
		return $this->adaptor->query($sql);
	}

	public function escape(string $value): string {
		return $this->adaptor->escape($value);
	}

	public function countAffected(): int {
		return $this->adaptor->countAffected();
	}

	public function getLastId(): int {
		return $this->adaptor->getLastId();
	}

	public function isConnected(): bool {
		return $this->adaptor->isConnected();
	}
}
