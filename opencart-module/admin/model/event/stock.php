<?php
/**
 * The OpenCart events that keep Trendyol's stock a few seconds behind the shop's, registered on
 * install, removed on uninstall, and put back whenever one is missing — a shop that upgraded the
 * module without reinstalling it gets them on its next admin page (see the menu event).
 *
 * Each event has a code of its own, so Extensions > Events lists what each one is for and an
 * owner can switch one off there (a repair never switches it back on: only missing or changed
 * rows are rewritten).
 */
namespace Opencart\Admin\Model\Extension\Meschain\Event;

class Stock extends \Opencart\System\Engine\Model {
	/** Every code starts with this. */
	public const PREFIX = 'meschain_stock_';

	/** code => [trigger, action, description] */
	public const EVENTS = [
		'meschain_stock_order_add' => ['catalog/model/checkout/order/addOrder/after', 'extension/meschain/event/stock.addOrder', 'a new order'],
		'meschain_stock_order_history' => ['catalog/model/checkout/order/addHistory/after', 'extension/meschain/event/stock.addHistory', 'an order status change (sale, cancellation, return)'],
		'meschain_stock_order_edit_before' => ['catalog/model/checkout/order/editOrder/before', 'extension/meschain/event/stock.remember', 'the lines of an order about to be edited'],
		'meschain_stock_order_edit' => ['catalog/model/checkout/order/editOrder/after', 'extension/meschain/event/stock.edited', 'an edited order'],
		'meschain_stock_order_delete_before' => ['catalog/model/checkout/order/deleteOrder/before', 'extension/meschain/event/stock.remember', 'the lines of an order about to be deleted'],
		'meschain_stock_order_delete' => ['catalog/model/checkout/order/deleteOrder/after', 'extension/meschain/event/stock.edited', 'a deleted order'],
		'meschain_stock_product' => ['admin/model/catalog/product/editProduct/after', 'extension/meschain/event/stock.product', 'a product saved in the admin'],
		'meschain_stock_variant' => ['admin/model/catalog/product/editVariant/after', 'extension/meschain/event/stock.variant', 'a variant saved in the admin'],
		'meschain_stock_variants' => ['admin/model/catalog/product/editVariants/after', 'extension/meschain/event/stock.variants', 'a master product\'s save copied to its variants'],
	];

	/**
	 * Adds every event that is missing or points elsewhere; leaves the others (and their
	 * status) alone. One query when nothing is missing.
	 *
	 * @return int how many events were (re)written
	 */
	public function register(): int {
		$like = str_replace('_', '\\_', self::PREFIX) . '%';
		$query = $this->db->query("SELECT `code`, `trigger`, `action` FROM `" . DB_PREFIX . "event` WHERE `code` LIKE '" . $this->db->escape($like) . "'");
		$present = [];
		foreach ($query->rows as $row) {
			$present[(string)$row['code']][] = [(string)$row['trigger'], (string)$row['action']];
		}
		$written = 0;
		foreach (self::EVENTS as $code => [$trigger, $action, $description]) {
			if (($present[$code] ?? []) === [[$trigger, $action]]) {
				continue;
			}
			$this->load->model('setting/event');
			$this->model_setting_event->deleteEventByCode($code);
			$this->model_setting_event->addEvent([
				'code'        => $code,
				'description' => 'MesChain: push stock to Trendyol after ' . $description,
				'trigger'     => $trigger,
				'action'      => $action,
				'status'      => 1,
				'sort_order'  => 0,
			]);
			$written++;
		}
		return $written;
	}

	/** Removes every stock event (uninstall). */
	public function remove(): void {
		$this->load->model('setting/event');
		foreach (array_keys(self::EVENTS) as $code) {
			$this->model_setting_event->deleteEventByCode($code);
		}
	}
}
