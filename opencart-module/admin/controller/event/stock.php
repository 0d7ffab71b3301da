<?php
/**
 * Catalog > Products edits → a stock push to Trendyol within seconds.
 *
 * The product form saves the quantity (and the option quantities, and the price and specials)
 * through OpenCart's admin product model; after each save this controller tells MesChain which
 * products changed, and MesChain queues one coalesced push that the worker sends with the
 * quantity and prices as they are then. A save that changed nothing Trendyol shows sends
 * nothing. (Orders edited in the admin go through OpenCart's catalog API, so the catalog's
 * order events see them.)
 *
 * Never breaks the save: a failure is logged; the stock job's next scan sends what it missed.
 * Lives under admin/controller/event/, which is not an extension type, so OpenCart lists it
 * nowhere as a module of its own.
 */
namespace Opencart\Admin\Controller\Extension\Meschain\Event;

class Stock extends \Opencart\System\Engine\Controller {
	/**
	 * admin/model/catalog/product/editProduct/after
	 *
	 * @param array<int, mixed> $args product_id, data
	 */
	public function product(string &$route, array &$args, mixed &$output = null): void {
		$this->changed([(int)($args[0] ?? 0)]);
	}

	/**
	 * admin/model/catalog/product/editVariant/after
	 *
	 * @param array<int, mixed> $args master_id, product_id, data
	 */
	public function variant(string &$route, array &$args, mixed &$output = null): void {
		$this->changed([(int)($args[1] ?? 0)]);
	}

	/**
	 * admin/model/catalog/product/editVariants/after: a master's save copied onto its variants.
	 *
	 * @param array<int, mixed> $args master_id, data
	 */
	public function variants(string &$route, array &$args, mixed &$output = null): void {
		$master_id = (int)($args[0] ?? 0);
		if ($master_id <= 0) {
			return;
		}
		try {
			$this->load->model('catalog/product');
			$variants = $this->model_catalog_product->getProducts(['filter_master_id' => $master_id]);
			$this->changed(array_map(static fn (array $p): int => (int)$p['product_id'], $variants));
		} catch (\Throwable $e) {
			error_log('MesChain stock event: reading the variants of product ' . $master_id . ': ' . $e->getMessage());
		}
	}

	/** @param list<int> $product_ids */
	private function changed(array $product_ids): void {
		$product_ids = array_values(array_unique(array_filter($product_ids, static fn (int $id): bool => $id > 0)));
		if (!$product_ids) {
			return;
		}
		$this->load->model('extension/meschain/module/meschain');
		$result = $this->model_extension_meschain_module_meschain->call('stockChanged', [$product_ids]);
		if (!$result['ok'] && ($result['kind'] ?? '') !== 'unavailable') {
			error_log('MesChain stock event: ' . $result['error']);
		}
	}
}
