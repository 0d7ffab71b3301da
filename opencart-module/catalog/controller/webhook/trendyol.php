<?php
/**
 * Trendyol's order webhook: index.php?route=extension/meschain/webhook/trendyol
 *
 * Thin on purpose: the raw body and headers go to the meschain engine, which authenticates the
 * delivery, stores it durably and says what to answer. The status is what matters to Trendyol:
 * 2xx only once the delivery is stored, 4xx for what no retry can fix (credentials, body), 5xx
 * when it could not be stored, so Trendyol retries it (13 failures deactivate the webhook, so a
 * fault here must never look like a bad delivery).
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
		500 => 'Internal Server Error',
		503 => 'Service Unavailable',
	];

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

		// Raw sources only: OpenCart's $this->request copies are HTML-escaped.
		$body = (string)file_get_contents('php://input');

		try {
			$engine = \MesChain\Engine::fromOpenCart(DIR_OPENCART . 'config.php');
			$verdict = $engine->acceptWebhook($body, self::headers($_SERVER), (string)($_SERVER['REMOTE_ADDR'] ?? ''));
		} catch (\Throwable $e) {
			// The delivery was not stored: 500 so Trendyol retries. The message stays in the log.
			error_log('MesChain webhook: ' . get_class($e) . ': ' . $e->getMessage());
			$this->answer(500, 'error', 'the delivery could not be stored');
			return;
		}

		// A 5xx reason can name internal hosts or settings; the caller (authenticated or not)
		// only needs to know to retry. The reason is in the webhook log and the engine log.
		$status = (int)$verdict['status'];
		$this->answer($status, (string)$verdict['verdict'], $status >= 500 ? '' : (string)$verdict['reason']);
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
