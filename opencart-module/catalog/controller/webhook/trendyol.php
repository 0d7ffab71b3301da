<?php
/**
 * Trendyol's order webhook: index.php?route=extension/meschain/webhook/trendyol
 *
 * Thin on purpose: the raw body and headers go to the meschain engine, which authenticates the
 * delivery, stores it durably and says what to answer. The status is what matters to Trendyol:
 * 2xx only once the delivery is stored, 4xx for what no retry can fix (credentials, body), 5xx
 * when it could not be stored, so Trendyol retries it (13 failures deactivate the webhook, so a
 * fault here must never look like a bad delivery).
 *
 * The route is open to anyone, so what a junk request costs is kept small, in this order:
 * the method; the size, from Content-Length before anything is read (413); the credential,
 * checked by the engine from this worker's memory before the body is read or the database
 * touched (401, or 429 with Retry-After for a source that keeps failing; refusals are logged
 * as one row per interval, not one per request); then the body, read in bounded chunks and
 * cut off past the limit (413) whatever Content-Length claimed; only then the engine's intake.
 */
namespace Opencart\Catalog\Controller\Extension\Meschain\Webhook;

class Trendyol extends \Opencart\System\Engine\Controller {
	private const STATUS_TEXT = [
		200 => 'OK',
		202 => 'Accepted',
		400 => 'Bad Request',
		401 => 'Unauthorized',
		405 => 'Method Not Allowed',
		413 => 'Payload Too Large',
		429 => 'Too Many Requests',
		500 => 'Internal Server Error',
		503 => 'Service Unavailable',
	];

	/** Bytes read from the request body at a time. */
	private const CHUNK = 65536;

	public function index(): void {
		if (($_SERVER['REQUEST_METHOD'] ?? '') !== 'POST') {
			$this->response->addHeader('Allow: POST');
			$this->answer(405, 'rejected', 'only POST is accepted');
			return;
		}

		if (!extension_loaded('meschain') || !class_exists('\MesChain\Engine')) {
			$this->answer(503, 'error', 'the meschain PHP extension is not loaded');
			return;
		}

		$limit = (int)\MesChain\Engine::webhookBodyLimit();
		$declared = self::declaredLength($_SERVER);
		if ($declared !== null && $declared > $limit) {
			$this->answer(413, 'rejected_body', 'body of ' . $declared . ' bytes exceeds the limit of ' . $limit);
			return;
		}

		// Raw sources only: OpenCart's $this->request copies are HTML-escaped.
		$headers = self::headers($_SERVER);
		$remote = (string)($_SERVER['REMOTE_ADDR'] ?? '');

		try {
			$engine = \MesChain\Engine::fromOpenCart(DIR_OPENCART . 'config.php');
			$screen = $engine->screenWebhook($headers, $remote);
			if ((int)$screen['status'] !== 0) {
				if ((int)($screen['retry_after'] ?? 0) > 0) {
					$this->response->addHeader('Retry-After: ' . (int)$screen['retry_after']);
				}
				$this->answer((int)$screen['status'], (string)$screen['verdict'], (string)$screen['reason']);
				return;
			}

			$body = self::readBody('php://input', $limit);
			if ($body === null) {
				$this->answer(413, 'rejected_body', 'body exceeds the limit of ' . $limit . ' bytes');
				return;
			}

			$verdict = $engine->acceptWebhook($body, $headers, $remote, true);
		} catch (\Throwable $e) {
			// The delivery was not stored: 500 so Trendyol retries. The message stays in the log.
			error_log('MesChain webhook: ' . get_class($e) . ': ' . $e->getMessage());
			$this->answer(500, 'error', 'the delivery could not be stored');
			return;
		}

		// A 5xx reason can name internal hosts or settings; the caller (authenticated or not)
		// only needs to know to retry. The reason is in the webhook log and the engine log.
		$status = (int)$verdict['status'];
		if ((int)($verdict['retry_after'] ?? 0) > 0) {
			$this->response->addHeader('Retry-After: ' . (int)$verdict['retry_after']);
		}
		$this->answer($status, (string)$verdict['verdict'], $status >= 500 ? '' : (string)$verdict['reason']);
	}

	/**
	 * The body's length as the request declares it, or null when it declares none (chunked).
	 * A value that is not a plain number counts as too long: nothing honest sends one.
	 *
	 * @param array<string, mixed> $server
	 */
	public static function declaredLength(array $server): ?int {
		$value = $server['CONTENT_LENGTH'] ?? $server['HTTP_CONTENT_LENGTH'] ?? null;
		if (!is_string($value) && !is_int($value)) {
			return null;
		}
		$value = trim((string)$value);
		if ($value === '') {
			return null;
		}
		return preg_match('/^[0-9]{1,18}$/', $value) === 1 ? (int)$value : PHP_INT_MAX;
	}

	/**
	 * Reads a stream in chunks of at most CHUNK bytes; null as soon as more than $limit bytes
	 * arrived (the rest is never read into memory).
	 */
	public static function readBody(string $stream, int $limit): ?string {
		$in = fopen($stream, 'rb');
		if ($in === false) {
			return '';
		}
		$body = '';
		try {
			while (!feof($in)) {
				$chunk = fread($in, max(1, min(self::CHUNK, $limit + 1 - strlen($body))));
				if ($chunk === false || $chunk === '') {
					break;
				}
				$body .= $chunk;
				if (strlen($body) > $limit) {
					return null;
				}
			}
		} finally {
			fclose($in);
		}
		return $body;
	}

	private function answer(int $status, string $verdict, string $reason): void {
		$text = self::STATUS_TEXT[$status] ?? 'Status';
		$this->response->addHeader('HTTP/1.1 ' . $status . ' ' . $text);
		$this->response->addHeader('Content-Type: application/json');
		$this->response->addHeader('Cache-Control: no-store');
		$data = ['status' => $status, 'verdict' => $verdict];
		if ($reason !== '') {
			$data['reason'] = $reason;
		}
		$this->response->setOutput((string)json_encode($data));
	}

	/**
	 * Request headers from $_SERVER (HTTP_X_API_KEY → x-api-key). PHP may have parsed Basic auth
	 * into PHP_AUTH_USER/PHP_AUTH_PW and dropped the header; it is rebuilt from them then.
	 *
	 * @param array<string, mixed> $server
	 * @return array<string, string>
	 */
	public static function headers(array $server): array {
		$headers = [];
		foreach ($server as $key => $value) {
			if (!is_string($value)) {
				continue;
			}
			if (strncmp((string)$key, 'HTTP_', 5) === 0) {
				$headers[strtolower(str_replace('_', '-', substr((string)$key, 5)))] = $value;
			} elseif ($key === 'CONTENT_TYPE' || $key === 'CONTENT_LENGTH') {
				$headers[strtolower(str_replace('_', '-', (string)$key))] = $value;
			}
		}
		if (!isset($headers['authorization'])) {
			if (isset($server['REDIRECT_HTTP_AUTHORIZATION']) && is_string($server['REDIRECT_HTTP_AUTHORIZATION'])) {
				$headers['authorization'] = $server['REDIRECT_HTTP_AUTHORIZATION'];
			} elseif (isset($server['PHP_AUTH_USER']) && is_string($server['PHP_AUTH_USER'])) {
				$password = isset($server['PHP_AUTH_PW']) && is_string($server['PHP_AUTH_PW']) ? $server['PHP_AUTH_PW'] : '';
				$headers['authorization'] = 'Basic ' . base64_encode($server['PHP_AUTH_USER'] . ':' . $password);
			}
		}
		return $headers;
	}
}
