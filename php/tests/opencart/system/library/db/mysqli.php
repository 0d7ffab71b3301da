<?php
// Test kernel: OpenCart 4.0.2.3's MySQLi driver on the real MariaDB, with OpenCart's session
// settings (sql_mode, no foreign key checks, PHP's time zone). Results: num_rows, row, rows.
namespace Opencart\System\Library\DB;

class MySQLi {
	private ?\mysqli $connection;

	public function __construct(string $hostname, string $username, string $password, string $database, string $port = '') {
		mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
		$this->connection = new \mysqli($hostname, $username, $password, $database, (int)($port ?: '3306'));
		$this->connection->set_charset('utf8mb4');
		$this->query("SET SESSION sql_mode = 'NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION'");
		$this->query("SET FOREIGN_KEY_CHECKS = 0");
		$this->query("SET `time_zone` = '" . $this->escape(date('P')) . "'");
	}

	public function query(string $sql): bool|object {
		try {
			$query = $this->connection->query($sql);
		} catch (\mysqli_sql_exception $e) {
			throw new \Exception('Error: ' . $e->getMessage() . '<br/>Error No: ' . $e->getCode() . '<br/>' . $sql);
		}
		if ($query instanceof \mysqli_result) {
			$data = [];
			while ($row = $query->fetch_assoc()) {
				$data[] = $row;
			}
			$result = new \stdClass();
			$result->num_rows = $query->num_rows;
			$result->row = $data[0] ?? [];
			$result->rows = $data;
			$query->close();
			return $result;
		}
		return true;
	}

	public function escape(string $value): string {
		return $this->connection->real_escape_string($value);
	}

	public function countAffected(): int {
		return $this->connection->affected_rows;
	}

	public function getLastId(): int {
		return $this->connection->insert_id;
	}

	public function isConnected(): bool {
		return $this->connection !== null;
	}
}
