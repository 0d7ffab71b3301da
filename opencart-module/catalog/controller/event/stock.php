<?php
/**
 * OpenCart's order events → a stock push to Trendyol within seconds.
 *
 * OpenCart moves stock inside its order model: addHistory() takes it off when an order reaches a
 * processing or complete status and puts it back when the order leaves them (cancelled,
 * reversed, refunded, voided); editOrder() and deleteOrder() void the order first, which puts
 * the old lines' stock back. Until Trendyol hears of it, Trendyol keeps selling stock the shop
 * no longer has. After each of these calls this controller tells MesChain which products the
 * order touches (and, for an edit or a delete, which it touched before); MesChain queues one
 * coalesced push that the worker sends with OpenCart's quantity at that moment. The storefront
 * checkout and the admin's order pages (which call this same model through OpenCart's catalog
 * API) both come through here.
 *
 * Never breaks the order flow: a failure is logged and the order goes on; the stock job's next
 * scan sends whatever a lost event left behind.
 */
namespace Opencart\Catalog\Controller\Extension\Meschain\Event;

class Stock extends \Opencart\System\Engine\Controller {
	/**
	 * The products of orders about to be edited or deleted, by order id: their lines are gone
	 * (or replaced) by the time the "after" event runs, yet their stock was just put back.
	 *
	 * @var array<int, list<int>>
	 */
	private static array $before = [];

	/**
	 * catalog/model/checkout/order/addOrder/after: $output is the new order's id.
	 *
	 * @param array<int, mixed> $args
	 */
	public function addOrder(string &$route, array &$args, mixed &$output = null): void {
		$this->changed($this->orderProducts((int)$output));
	}

	/**
	 * catalog/model/checkout/order/addHistory/after: the status change that takes stock off or
	 * puts it back.
	 *
	 * @param array<int, mixed> $args addHistory's arguments: order_id, order_status_id, ...
	 */
	public function addHistory(string &$route, array &$args, mixed &$output = null): void {
		$this->changed($this->orderProducts((int)($args[0] ?? 0)));
	}

	/**
	 * catalog/model/checkout/order/editOrder/before and deleteOrder/before: remembers the
	 * order's products as they are before the order is voided.
	 *
	 * @param array<int, mixed> $args order_id first
	 */
	public function remember(string &$route, array &$args): void {
		$order_id = (int)($args[0] ?? 0);
		if ($order_id > 0) {
			self::$before[$order_id] = $this->orderProducts($order_id);
		}
	}

	/**
	 * catalog/model/checkout/order/editOrder/after and deleteOrder/after: the products before
	 * and after the change.
	 *
	 * @param array<int, mixed> $args order_id first
	 */
	public function edited(string &$route, array &$args, mixed &$output = null): void {
		$order_id = (int)($args[0] ?? 0);
		$before = self::$before[$order_id] ?? [];
		unset(self::$before[$order_id]);
		$this->changed(array_merge($before, $this->orderProducts($order_id)));
	}

	/**
	 * The products an order's lines name, with the master product of a variant (OpenCart moves
	 * the master's stock too).
	 *
	 * @return list<int>
	 */
	private function orderProducts(int $order_id): array {
		if ($order_id <= 0) {
			return [];
		}
		try {
			$this->load->model('checkout/order');
			$ids = [];
			foreach ($this->model_checkout_order->getProducts($order_id) as $line) {
				$ids[] = (int)$line['product_id'];
				$ids[] = (int)($line['master_id'] ?? 0);
			}
			return $ids;
		} catch (\Throwable $e) {
			error_log('MesChain stock event: reading order ' . $order_id . ': ' . $e->getMessage());
			return [];
		}
	}

	/** @param list<int> $product_ids */
	private function changed(array $product_ids): void {
		$product_ids = array_values(array_unique(array_filter($product_ids, static fn (int $id): bool => $id > 0)));
		if (!$product_ids || !extension_loaded('meschain')) {
			return;
		}
		try {
			$engine = \MesChain\Engine::fromOpenCart(DIR_OPENCART . 'config.php');
			$engine->stockChanged($product_ids);
		} catch (\Throwable $e) {
			error_log('MesChain stock event: ' . get_class($e) . ': ' . $e->getMessage());
		}
	}
}
