<?php
/**
 * The main job, end to end, the way a shop runs it: the admin's settings and mappings saved
 * through the extension, then the cron scripts (`trendyol_sync.php`, the orchestrator, and the
 * worker) as separate PHP processes against the shop's database and Trendyol (the sandbox):
 *
 *   1. settings and mappings, as the admin saves them
 *   2. the catalog pushed, reviewed by Trendyol (approved or rejected with reasons)
 *   3. a shop owner's price and stock edits reach Trendyol as one delta call
 *   4. orders found by polling (no webhook yet)
 *   5. orders delivered by Trendyol's webhook to the PHP route, imported by the worker
 *   6. an OpenCart status change pushed back as Picking, then Invoiced
 *
 * and a short report from the shop's own tables: what moved, API calls against the quota,
 * time and memory. Called by scripts/demo.sh, which builds the shop and starts the processes:
 *
 *   php -d extension=libmeschain.so scripts/demo.php --shop=DIR --db=NAME --sandbox=URL \
 *       --webhook-url=URL --extension=PATH
 *
 * Exit codes: 0 the whole job done, 1 a step did not reach its end (the message says which),
 * 2 bad usage.
 */
declare(strict_types=1);

// A command-line program: fetched through a web server it would run a job (or print its
// usage) for anyone who knows the URL, so any other SAPI gets a refusal and nothing else.
if (PHP_SAPI !== 'cli') {
    if (!headers_sent()) {
        http_response_code(403);
        header('Content-Type: text/plain; charset=utf-8');
    }
    echo "MesChain: demo.php runs from the command line only (php demo.php); it does nothing over the web.\n";
    exit(1);
}

const SELLER = '1001';
/** Trendyol leaf categories of the sandbox that take the free-text colour "Renk" (attribute 47). */
const LEAVES = [411, 412, 521, 522];
const COLOUR_ATTRIBUTE = 47;
/** OpenCart's order statuses the push settings use by default: Processed → Picking, Shipped → Invoiced. */
const STATUS_PROCESSED = 15;
const STATUS_SHIPPED = 3;

final class DemoFailed extends RuntimeException
{
}

/** Everything the steps share: where the shop is, how to reach it, and what was counted. */
final class Demo
{
    private float $started;
    private mysqli $db;
    private MesChain\Engine $engine;
    /** @var array<string, int|string> figures for the report, in order of appearance */
    public array $figures = [];

    public function __construct(
        public readonly string $shop,
        string $database,
        public readonly string $sandbox,
        public readonly string $webhookUrl,
        private readonly string $extension,
    ) {
        $this->started = microtime(true);
        mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
        $this->db = new mysqli('127.0.0.1', 'root', '', $database, 3306);
        $this->db->set_charset('utf8mb4');
        $this->engine = MesChain\Engine::fromOpenCart($shop . '/config.php');
    }

    public function engine(): MesChain\Engine
    {
        return $this->engine;
    }

    // ---- output -------------------------------------------------------------------------------

    public function step(int $n, string $title): void
    {
        printf("\n\033[1m[%s] %d/6 %s\033[0m\n", $this->clock(), $n, $title);
    }

    public function say(string $line): void
    {
        echo "      $line\n";
    }

    /** A line that rewrites itself while a wait goes on (plain lines when not on a terminal). */
    public function progress(string $line): void
    {
        if (stream_isatty(STDOUT)) {
            echo "\r\033[K      $line";
        } else {
            echo "      $line\n";
        }
    }

    public function endProgress(): void
    {
        if (stream_isatty(STDOUT)) {
            echo "\n";
        }
    }

    public function clock(): string
    {
        return sprintf('%6.1fs', microtime(true) - $this->started);
    }

    public function elapsed(): float
    {
        return microtime(true) - $this->started;
    }

    // ---- the shop's database ------------------------------------------------------------------

    public function scalar(string $sql): int
    {
        return (int) ($this->db->query($sql)->fetch_row()[0] ?? 0);
    }

    /** @return list<array<string, mixed>> */
    public function rows(string $sql): array
    {
        return $this->db->query($sql)->fetch_all(MYSQLI_ASSOC);
    }

    public function exec(string $sql): void
    {
        $this->db->query($sql);
    }

    // ---- Trendyol (the sandbox's control side, for what a real Trendyol does by itself) -----------

    public function control(string $method, string $path, ?array $body = null): array
    {
        $context = stream_context_create(['http' => [
            'method' => $method,
            'header' => "Content-Type: application/json\r\n",
            'content' => $body === null ? '' : json_encode($body),
            'ignore_errors' => true,
            'timeout' => 30,
        ]]);
        $text = @file_get_contents($this->sandbox . $path, false, $context);
        if ($text === false) {
            throw new DemoFailed("the sandbox did not answer $method $path");
        }
        $json = json_decode($text, true);
        return is_array($json) ? $json : [];
    }

    /** Trendyol API requests the shop made after request number `$since`. */
    public function apiRequests(int $since): array
    {
        $requests = $this->control('GET', "/__sandbox/requests?limit=100000&since=$since")['requests'] ?? [];
        return array_values(array_filter($requests, fn (array $r) => str_starts_with((string) $r['path'], '/integration/')));
    }

    public function lastRequest(): int
    {
        $requests = $this->control('GET', '/__sandbox/requests?limit=100000&since=0')['requests'] ?? [];
        return (int) max(array_merge([0], array_column($requests, 'seq')));
    }

    // ---- the cron scripts, as cron runs them -------------------------------------------------------

    /**
     * One orchestrator tick (`trendyol_sync.php --force`: every job, whatever its interval, as
     * if its interval had passed) in its own PHP process; prints what each job did.
     */
    public function tick(string $label): void
    {
        $last = $this->scalar('SELECT COALESCE(MAX(sync_log_id), 0) FROM oc_trendyol_sync_logs');
        [$code, $out] = $this->cron('trendyol_sync.php', ['--force']);
        if ($code !== 0 && $code !== 4) {
            throw new DemoFailed("trendyol_sync.php exited with $code:\n$out");
        }
        $runs = $this->rows("SELECT sync_type, status, items_ok, items_failed, api_calls, duration_ms, message
            FROM oc_trendyol_sync_logs WHERE sync_log_id > $last AND sync_type <> 'trendyol_sync' ORDER BY sync_log_id");
        $parts = [];
        foreach ($runs as $r) {
            if ($r['status'] === 'skipped') {
                continue;
            }
            $parts[] = sprintf('%s %s %d ok%s, %d calls', $r['sync_type'], $r['status'], $r['items_ok'],
                $r['items_failed'] > 0 ? ", {$r['items_failed']} failed" : '', $r['api_calls']);
        }
        $this->say(sprintf('%s: %s', $label, $parts === [] ? 'nothing to do' : implode(' | ', $parts)));
    }

    /** @return array{int, string} exit code and output of a cron script */
    public function cron(string $script, array $args = []): array
    {
        $command = array_merge([PHP_BINARY, '-d', 'extension=' . $this->extension,
            dirname(__DIR__) . '/php/cron/' . $script, '--opencart=' . $this->shop], $args);
        $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
        return [proc_close($process), trim($out)];
    }

    /** Starts `worker.php` in the background, as systemd would; returns the process. */
    public function startWorker(int $maxRuntime)
    {
        $command = [PHP_BINARY, '-d', 'extension=' . $this->extension,
            dirname(__DIR__) . '/php/cron/worker.php', '--opencart=' . $this->shop, "--max-runtime=$maxRuntime"];
        $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
        if (!is_resource($process)) {
            throw new DemoFailed('the worker did not start');
        }
        return $process;
    }

    /**
     * Waits until `$done()` returns true, showing `$status()` while it waits; `$between` runs
     * between looks (a cron tick, say). Fails after `$seconds`.
     */
    public function waitFor(string $what, int $seconds, callable $done, callable $status, ?callable $between = null): void
    {
        $deadline = microtime(true) + $seconds;
        while (true) {
            $this->progress($status());
            if ($done()) {
                $this->endProgress();
                return;
            }
            if (microtime(true) > $deadline) {
                $this->endProgress();
                throw new DemoFailed("$what did not happen within $seconds s");
            }
            $between ? $between() : usleep(500_000);
        }
    }
}

// ---- the steps ------------------------------------------------------------------------------------

function settings_and_mappings(Demo $demo): void
{
    $demo->step(1, 'settings and mappings, saved through the extension as the admin saves them');
    $engine = $demo->engine();
    $engine->saveSettings([
        'status' => '1', 'environment' => 'sandbox', 'sandbox_url' => $demo->sandbox,
        'seller_id' => SELLER, 'api_key' => 'demo-api-key', 'api_secret' => 'demo-api-secret',
        'webhook_api_key' => 'demo-webhook-key-0f3a9c5e71d2', 'image_base_url' => 'https://shop.example/image/',
        'batch_size' => '1000',
    ]);
    // The pickers' data comes from Trendyol: the category tree and a brand looked up by name.
    $names = [];
    $walk = function (array $nodes) use (&$walk, &$names): void {
        foreach ($nodes as $node) {
            $names[(int) $node['id']] = (string) $node['name'];
            $walk($node['subCategories'] ?? []);
        }
    };
    $walk($engine->trendyolRead('categories')['categories'] ?? []);
    $brand = $engine->trendyolRead('brand_by_name', ['name' => 'MesChain Demo'])[0] ?? null;
    if (!is_array($brand) || !isset($brand['id'])) {
        throw new DemoFailed('Trendyol knows no brand "MesChain Demo"');
    }
    $leaves = array_column($demo->rows('SELECT c.category_id FROM oc_category c WHERE NOT EXISTS '
        . '(SELECT 1 FROM oc_category k WHERE k.parent_id = c.category_id) ORDER BY c.category_id'), 'category_id');
    foreach ($leaves as $i => $category) {
        $leaf = LEAVES[$i % count(LEAVES)];
        $engine->saveMapping('category', ['category_id' => (int) $category, 'trendyol_category_id' => $leaf,
            'trendyol_category_name' => $names[$leaf] ?? '']);
    }
    $manufacturers = array_column($demo->rows('SELECT manufacturer_id FROM oc_manufacturer'), 'manufacturer_id');
    foreach ($manufacturers as $manufacturer) {
        $engine->saveMapping('brand', ['manufacturer_id' => (int) $manufacturer,
            'trendyol_brand_id' => (int) $brand['id'], 'trendyol_brand_name' => (string) $brand['name']]);
    }
    $colour = $demo->scalar("SELECT attribute_id FROM oc_attribute_description WHERE name = 'Renk' LIMIT 1");
    foreach (LEAVES as $leaf) {
        $engine->saveMapping('attribute', ['trendyol_category_id' => $leaf, 'trendyol_attribute_id' => COLOUR_ATTRIBUTE,
            'trendyol_attribute_name' => 'Renk', 'source' => 'attribute', 'source_id' => $colour]);
    }
    $taxClasses = array_column($demo->rows('SELECT tax_class_id FROM oc_tax_class'), 'tax_class_id');
    foreach ($taxClasses as $taxClass) {
        $engine->saveMapping('vat', ['tax_class_id' => (int) $taxClass, 'vat_rate' => 20]);
    }
    $demo->say(sprintf('settings: sandbox, seller %s; mappings: %d categories → %d Trendyol leaves, %d brands → "%s" (%d), '
        . 'colour → Renk, %d tax classes → VAT 20', SELLER, count($leaves), count(LEAVES), count($manufacturers),
        $brand['name'], $brand['id'], count($taxClasses)));
}

function catalog(Demo $demo): void
{
    $products = $demo->scalar('SELECT COUNT(*) FROM oc_product');
    $demo->step(2, "the catalog: $products OpenCart products pushed, reviewed by Trendyol");
    $since = $demo->lastRequest();
    $demo->tick('tick 1');
    $creates = array_filter($demo->apiRequests($since), fn (array $r) => $r['method'] === 'POST' && str_ends_with($r['path'], '/v2/products'));
    $sent = array_sum(array_map(fn (array $r) => count($r['bodyJson']['items'] ?? []), $creates));
    $demo->say(sprintf('%d products sent in %d create calls (at most 1,000 per call)', $sent, count($creates)));
    $states = fn () => array_column($demo->rows('SELECT sync_status, COUNT(*) AS n FROM oc_trendyol_products GROUP BY sync_status'), 'n', 'sync_status');
    $tick = 1;
    $demo->waitFor('Trendyol\'s review of the catalog', 180,
        fn () => (($s = $states()) !== []) && !isset($s['submitted']) && !isset($s['pending']),
        function () use ($states): string {
            $s = $states();
            return sprintf('review: %d approved, %d rejected, %d waiting for Trendyol, %d invalid (not sent)',
                $s['approved'] ?? 0, $s['rejected'] ?? 0, ($s['submitted'] ?? 0) + ($s['pending'] ?? 0), $s['invalid'] ?? 0);
        },
        function () use ($demo, &$tick): void {
            sleep(2);
            $tick++;
            $demo->cron('trendyol_sync.php', ['--force']);
        });
    $s = $states();
    $demo->figures['products approved'] = (int) ($s['approved'] ?? 0);
    $demo->figures['products rejected (with reasons)'] = (int) ($s['rejected'] ?? 0);
    $demo->figures['products invalid (not sent)'] = (int) ($s['invalid'] ?? 0);
    $reason = $demo->rows("SELECT reasons FROM oc_trendyol_products WHERE sync_status IN ('rejected', 'invalid') AND reasons IS NOT NULL LIMIT 1")[0]['reasons'] ?? '';
    if ($reason !== '') {
        $demo->say('a rejection, as the admin shows it: ' . implode('; ', (array) json_decode((string) $reason, true)));
    }
    $demo->say("after $tick ticks; approval events queued: " . $demo->scalar(
        "SELECT COUNT(*) FROM oc_trendyol_sync_queue WHERE event_type IN ('PRODUCT_APPROVED', 'PRODUCT_REJECTED')"));
}

function stock_and_prices(Demo $demo): void
{
    $demo->step(3, 'stock and prices: the shop owner edits 10 prices and 5 stock levels');
    // The first stock run after approval settles what Trendyol holds; then a quiet tick sends nothing.
    $demo->tick('tick (settle)');
    $since = $demo->lastRequest();
    // Enabled products only: a disabled one is offered at stock 0 whatever its quantity.
    $edited = $demo->rows("SELECT t.product_id, t.barcode FROM oc_trendyol_products t JOIN oc_product p USING (product_id)
        WHERE t.sync_status = 'approved' AND t.product_option_value_id = 0 AND p.status = 1 ORDER BY t.product_id LIMIT 15");
    if (count($edited) < 15) {
        throw new DemoFailed('fewer than 15 approved products to edit');
    }
    $ids = array_map('intval', array_column($edited, 'product_id'));
    $priced = implode(',', array_slice($ids, 0, 10));
    $stocked = implode(',', array_slice($ids, 10, 5));
    $demo->exec("UPDATE oc_product SET price = price + 10, date_modified = NOW() WHERE product_id IN ($priced)");
    $demo->exec("UPDATE oc_product SET quantity = quantity + 7, date_modified = NOW() WHERE product_id IN ($stocked)");
    $demo->tick('tick');
    $writes = array_values(array_filter($demo->apiRequests($since), fn (array $r) => $r['method'] === 'POST'
        && str_contains($r['path'], 'price-and-inventory')));
    $sent = array_merge([], ...array_map(fn (array $r) => array_column($r['bodyJson']['items'] ?? [], 'barcode'), $writes));
    $items = count($sent);
    $expected = array_column($edited, 'barcode');
    sort($sent);
    sort($expected);
    $demo->say(sprintf('%d price-and-inventory call(s) carrying %d items: %s', count($writes), $items,
        $sent === $expected ? 'the 15 edited products, nothing else' : 'NOT the 15 edited products'));
    if ($sent !== $expected) {
        throw new DemoFailed('the delta sent ' . implode(', ', $sent) . ' instead of the edited ' . implode(', ', $expected));
    }
    $demo->figures['stock/price items sent after the edits'] = $items;
    $since = $demo->lastRequest();
    $demo->tick('tick (no change)');
    $writes = array_filter($demo->apiRequests($since), fn (array $r) => $r['method'] !== 'GET');
    $demo->say(sprintf('%d write calls when nothing changed', count($writes)));
}

/** Packages the sandbox generated, and how many of them are OpenCart orders now. */
function orders_of(Demo $demo, array $packageIds): int
{
    if ($packageIds === []) {
        return 0;
    }
    return $demo->scalar('SELECT COUNT(DISTINCT package_id) FROM oc_trendyol_orders WHERE order_id IS NOT NULL AND package_id IN ('
        . implode(',', array_map('intval', $packageIds)) . ')');
}

/** @return list<int> */
function generate_orders(Demo $demo, int $count): array
{
    $generated = $demo->control('POST', '/__sandbox/orders/generate', [
        'count' => $count, 'splitShare' => 0.1, 'cancelShare' => 0.08, 'unknownBarcodeShare' => 0.05,
    ]);
    $ids = array_map('intval', $generated['packageIds'] ?? []);
    if ($ids === []) {
        throw new DemoFailed('the sandbox generated no packages: ' . json_encode($generated));
    }
    return $ids;
}

function orders_by_polling(Demo $demo): array
{
    $demo->step(4, 'orders found by polling: customers order on Trendyol, no webhook registered yet');
    $ids = generate_orders($demo, 30);
    $demo->say(sprintf('Trendyol has %d new packages (splits, cancellations and an unknown barcode among them)', count($ids)));
    $demo->waitFor('the import of the polled packages', 120,
        fn () => orders_of($demo, $ids) === count($ids),
        fn () => sprintf('order_sync: %d of %d packages are OpenCart orders', orders_of($demo, $ids), count($ids)),
        fn () => $demo->tick('tick'));
    $demo->figures['orders imported by polling'] = count($ids);
    return $ids;
}

function orders_by_webhook(Demo $demo): array
{
    $demo->step(5, 'orders delivered by webhook to the PHP route, imported by the worker');
    $subscription = $demo->engine()->registerWebhook($demo->webhookUrl);
    $demo->say(sprintf('webhook registered with Trendyol (%s) at %s', $subscription['status'] ?? '?', $demo->webhookUrl));
    $received = fn () => $demo->scalar("SELECT COUNT(*) FROM oc_trendyol_webhook_logs WHERE verdict = 'accepted'");
    $before = $received();
    $worker = $demo->startWorker(300);
    try {
        $ids = generate_orders($demo, 30);
        $demo->say(sprintf('Trendyol has %d new packages; each creation is a delivery to the route', count($ids)));
        $demo->waitFor('the import of the delivered packages', 120,
            fn () => orders_of($demo, $ids) === count($ids),
            fn () => sprintf('webhooks accepted %d, worker imported %d of %d packages',
                $received() - $before, orders_of($demo, $ids), count($ids)));
    } finally {
        proc_terminate($worker, SIGTERM);
        proc_close($worker);
    }
    $demo->say('the worker stopped cleanly on SIGTERM');
    $demo->figures['orders imported from webhooks'] = count($ids);
    $demo->figures['webhook deliveries accepted by the PHP route'] = $received() - $before;
    return $ids;
}

function status_pushed_back(Demo $demo, array $packageIds): void
{
    $demo->step(6, 'the shop ships an order: its OpenCart status change reaches Trendyol');
    $row = $demo->rows("SELECT order_id, package_id FROM oc_trendyol_orders WHERE package_status = 'Created' AND order_id IS NOT NULL
        AND package_id IN (" . implode(',', array_map('intval', $packageIds)) . ') ORDER BY trendyol_order_id LIMIT 1')[0] ?? null;
    if ($row === null) {
        throw new DemoFailed('no Created package to ship');
    }
    [$orderId, $packageId] = [(int) $row['order_id'], (int) $row['package_id']];
    $trendyolStatus = fn () => (string) ($demo->control('GET', "/__sandbox/packages/$packageId")['package']['status'] ?? '?');
    // What the admin's "add history" does, then the module's event on it.
    $change = function (int $status, string $comment) use ($demo, $orderId): int {
        $demo->exec("UPDATE oc_order SET order_status_id = $status, date_modified = NOW() WHERE order_id = $orderId");
        $demo->exec("INSERT INTO oc_order_history (order_id, order_status_id, notify, comment, date_added)
            VALUES ($orderId, $status, 0, '$comment', NOW())");
        return count($demo->engine()->orderStatusChanged($orderId, $status));
    };
    $queued = $change(STATUS_PROCESSED, 'Packed');
    $demo->tick('tick');
    $demo->say(sprintf('order #%d set to Processed (%d push queued) → Trendyol package %d is %s', $orderId, $queued, $packageId, $trendyolStatus()));
    $demo->exec("UPDATE oc_order SET invoice_prefix = 'INV-2026-', invoice_no = $orderId WHERE order_id = $orderId");
    $queued = $change(STATUS_SHIPPED, 'Shipped');
    $demo->tick('tick');
    $status = $trendyolStatus();
    $demo->say(sprintf('order #%d set to Shipped with invoice INV-2026-%d (%d push queued) → Trendyol package %d is %s',
        $orderId, $orderId, $queued, $packageId, $status));
    if ($status !== 'Invoiced') {
        throw new DemoFailed("package $packageId is $status on Trendyol, not Invoiced");
    }
    $demo->figures['statuses pushed back (Picking, Invoiced)'] = 2;
    // Trendyol announces the new status by webhook too; the queue takes the echo and lets the shop's status be.
    $waiting = fn () => $demo->scalar("SELECT COUNT(*) FROM oc_trendyol_sync_queue WHERE status IN ('pending', 'processing')");
    $demo->waitFor('the queue to drain', 60, fn () => $waiting() === 0,
        fn () => sprintf('queue: %d jobs waiting', $waiting()), fn () => $demo->tick('tick'));
}

function report(Demo $demo, array $allPackages): void
{
    $orders = $demo->scalar('SELECT COUNT(*) FROM oc_order');
    $doubles = $demo->scalar('SELECT COUNT(*) FROM (SELECT package_id FROM oc_trendyol_orders GROUP BY seller_id, package_id HAVING COUNT(*) > 1) d');
    $calls = $demo->scalar("SELECT COALESCE(SUM(count), 0) FROM oc_trendyol_api_counters WHERE kind = 'call'");
    $errors = $demo->scalar("SELECT COALESCE(SUM(count), 0) FROM oc_trendyol_api_counters WHERE kind <> 'call'");
    $requests = $demo->apiRequests(0);
    $perMinute = [];
    foreach ($requests as $r) {
        $minute = intdiv((int) $r['timestamp'], 60_000);
        $perMinute[$minute] = ($perMinute[$minute] ?? 0) + 1;
    }
    $settings = $demo->engine()->settings();
    $peak = $demo->scalar('SELECT COALESCE(MAX(peak_memory_bytes), 0) FROM oc_trendyol_sync_logs');
    $queue = $demo->rows('SELECT status, COUNT(*) AS n FROM oc_trendyol_sync_queue GROUP BY status');
    $runs = $demo->scalar('SELECT COUNT(*) FROM oc_trendyol_sync_logs');

    echo "\n\033[1mReport\033[0m\n";
    foreach ($demo->figures as $label => $value) {
        printf("  %-46s %s\n", $label, is_int($value) ? number_format($value) : $value);
    }
    printf("  %-46s %s (%d packages, %d doubled)\n", 'OpenCart orders', number_format($orders), count($allPackages), $doubles);
    printf("  %-46s %s\n", 'queue', implode(', ', array_map(fn (array $q) => "{$q['n']} {$q['status']}", $queue)) ?: 'empty');
    printf("  %-46s %s calls by the jobs and the worker, %s by the admin's pickers and the webhook registration; %s errors\n",
        'Trendyol API', number_format($calls), number_format(max(0, count($requests) - $calls)), number_format($errors));
    printf("  %-46s busiest minute %d calls; quota %s / min, %s / h\n", 'quota', $perMinute === [] ? 0 : max($perMinute),
        number_format((int) ($settings['calls_per_minute'] ?? 0)), number_format((int) ($settings['calls_per_hour'] ?? 0)));
    printf("  %-46s %.1f s, %d job runs\n", 'time', $demo->elapsed(), $runs);
    printf("  %-46s %.1f MiB (largest peak RSS of a job run's PHP process)\n", 'memory', $peak / 1048576);
    if ($doubles > 0 || $orders < count($allPackages)) {
        throw new DemoFailed("orders do not match packages: $orders orders for " . count($allPackages) . " packages, $doubles doubled");
    }
}

// ---- main -----------------------------------------------------------------------------------------

$options = getopt('', ['shop:', 'db:', 'sandbox:', 'webhook-url:', 'extension:']);
foreach (['shop', 'db', 'sandbox', 'webhook-url', 'extension'] as $required) {
    if (!is_string($options[$required] ?? null) || $options[$required] === '') {
        fwrite(STDERR, "usage: demo.php --shop=DIR --db=NAME --sandbox=URL --webhook-url=URL --extension=PATH (missing --$required)\n");
        exit(2);
    }
}
if (!extension_loaded('meschain')) {
    fwrite(STDERR, "demo.php: the meschain extension is not loaded (php -d extension=...)\n");
    exit(2);
}

try {
    $demo = new Demo($options['shop'], $options['db'], $options['sandbox'], $options['webhook-url'], $options['extension']);
    settings_and_mappings($demo);
    catalog($demo);
    stock_and_prices($demo);
    $polled = orders_by_polling($demo);
    $delivered = orders_by_webhook($demo);
    status_pushed_back($demo, $delivered);
    report($demo, array_merge($polled, $delivered));
} catch (DemoFailed | MesChain\Exception $e) {
    fwrite(STDERR, "\ndemo: " . $e->getMessage() . "\n");
    exit(1);
}
