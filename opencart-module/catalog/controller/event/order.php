<?php
/**
 * After OpenCart records an order status (catalog/model/checkout/order/addHistory/after — admin
 * order edits go through the catalog API, so they arrive here too), MesChain queues what
 * Trendyol must be told: Picking, then Invoiced, per the settings. Non-Trendyol orders and
 * statuses that mean nothing to Trendyol queue nothing.
 *
 * Never breaks the order flow: a failure is logged, and every order sync also looks for
 * statuses nobody pushed.
 */
namespace Opencart\Catalog\Controller\Extension\Meschain\Event;

class Order extends \Opencart\System\Engine\Controller {
	/**
	 * @param array<int, mixed> $args addHistory's arguments: order_id, order_status_id, ...
	 */
	public function addHistory(string &$route, array &$args, mixed &$output = null): void {
		$orderId = (int)($args[0] ?? 0);
		$statusId = (int)($args[1] ?? 0);
		if ($orderId <= 0 || $statusId <= 0 || !extension_loaded('meschain')) {
			return;
		}
		try {
			$engine = \MesChain\Engine::fromOpenCart(DIR_OPENCART . 'config.php');
			$engine->orderStatusChanged($orderId, $statusId);
		} catch (\Throwable $e) {
			error_log('MesChain order event: ' . get_class($e) . ': ' . $e->getMessage());
		}
	}
}
