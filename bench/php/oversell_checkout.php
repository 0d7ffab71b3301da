<?php
/**
 * The oversell benchmark's checkout, as a storefront route of the benchmark's own OpenCart
 * (copied to catalog/controller/bench/checkout.php there; never part of the module): one guest
 * order of one unit of `product_id`, placed the way OpenCart's checkout places it —
 * model/checkout/order addOrder(), then addHistory() with an order status that takes the stock
 * off — so every event MesChain registered runs exactly as in a sale.
 *
 * Answers JSON: order_id, the epoch milliseconds at which addHistory() started and returned,
 * and the product's quantity right after it.
 */
namespace Opencart\Catalog\Controller\Bench;

class Checkout extends \Opencart\System\Engine\Controller {
	public function index(): void {
		$product_id = (int)($this->request->get['product_id'] ?? 0);
		$this->load->model('catalog/product');
		$product = $this->model_catalog_product->getProduct($product_id);
		if (!$product) {
			$this->answer(['error' => 'no product ' . $product_id]);
			return;
		}
		$price = (float)$product['price'];
		$address = [
			'address_id' => 0, 'firstname' => 'Ayşe', 'lastname' => 'Yılmaz', 'company' => '',
			'address_1' => 'Bağdat Caddesi 1', 'address_2' => '', 'city' => 'İstanbul', 'postcode' => '34000',
			'zone' => 'İstanbul', 'zone_id' => 0, 'country' => 'Turkey', 'country_id' => 215,
			'address_format' => '', 'custom_field' => [],
		];
		$order = [
			'invoice_prefix' => (string)$this->config->get('config_invoice_prefix'),
			'store_id' => 0, 'store_name' => (string)$this->config->get('config_name'), 'store_url' => (string)$this->config->get('config_url'),
			'customer_id' => 0, 'customer_group_id' => (int)$this->config->get('config_customer_group_id'),
			'firstname' => 'Ayşe', 'lastname' => 'Yılmaz', 'email' => 'ayse@example.com', 'telephone' => '05550000000', 'custom_field' => [],
			'payment_method' => ['name' => 'Cash On Delivery', 'code' => 'cod.cod'],
			'shipping_method' => ['name' => 'Free Shipping', 'code' => 'free.free'],
			'comment' => '', 'total' => $price,
			'affiliate_id' => 0, 'commission' => 0, 'marketing_id' => 0, 'tracking' => '',
			'language_id' => (int)$this->config->get('config_language_id'),
			'currency_id' => 0, 'currency_code' => (string)$this->config->get('config_currency'), 'currency_value' => 1.0,
			'ip' => '127.0.0.1', 'forwarded_ip' => '', 'user_agent' => 'oversell-bench', 'accept_language' => 'tr-TR',
			'products' => [[
				'product_id' => $product_id, 'master_id' => (int)$product['master_id'], 'name' => (string)$product['name'],
				'model' => (string)$product['model'], 'option' => [], 'subscription' => [], 'quantity' => 1,
				'price' => $price, 'total' => $price, 'tax' => 0.0, 'reward' => 0,
			]],
			'vouchers' => [],
			'totals' => [['extension' => 'opencart', 'code' => 'total', 'title' => 'Total', 'value' => $price, 'sort_order' => 9]],
		];
		foreach (['payment', 'shipping'] as $kind) {
			foreach ($address as $key => $value) {
				$order[$kind . '_' . $key] = $value;
			}
		}

		// The first status that takes stock off, as a paid checkout's payment extension sets it.
		$taking = array_merge((array)$this->config->get('config_processing_status'), (array)$this->config->get('config_complete_status'));
		$status = (int)$this->config->get('config_order_status_id');
		if (!in_array($status, array_map('intval', $taking), true)) {
			$status = (int)($taking[0] ?? 0);
		}

		$this->load->model('checkout/order');
		$order_id = $this->model_checkout_order->addOrder($order);
		$started = microtime(true);
		$this->model_checkout_order->addHistory($order_id, $status);
		$done = microtime(true);
		$quantity = (int)$this->db->query("SELECT `quantity` FROM `" . DB_PREFIX . "product` WHERE `product_id` = '" . $product_id . "'")->row['quantity'];
		$this->answer([
			'order_id' => $order_id, 'product_id' => $product_id, 'quantity_after' => $quantity,
			'history_started_ms' => round($started * 1000, 1), 'history_done_ms' => round($done * 1000, 1),
		]);
	}

	/** @param array<string, mixed> $json */
	private function answer(array $json): void {
		$this->response->addHeader('Content-Type: application/json');
		$this->response->setOutput((string)json_encode($json));
	}
}
