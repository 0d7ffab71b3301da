<?php
/**
 * One run of the chaos suite, driven by one seed.
 *
 * Real parts only: a fresh OpenCart database on the local MariaDB, the `trendyol-sandbox`
 * binary failing on purpose (5xx, 429, hangs longer than the engine's HTTP timeout, connection
 * resets, webhooks duplicated and reordered), the cron scripts and two `worker.php` processes
 * with the built extension, and the webhook route served by PHP's built-in server.
 *
 * The storm: the catalog is pushed and reviewed, orders arrive in waves (splits, cancels,
 * unsupplied, awaiting, unknown barcodes), some are cancelled or shipped later, every package
 * state is delivered three times in shuffled order to the route (and once more, with duplicates,
 * by the sandbox's own subscription), workers are killed with SIGKILL at random moments and
 * restarted, and MariaDB is shut down and started again in the middle of it all.
 *
 * Then the storm passes (faults off) and the shop's ordinary jobs run until they settle, in
 * bounded rounds, as a real shop's crons would. What must hold afterwards is what the engine
 * promises: every package is exactly one OpenCart order in the package's state, stock is the
 * initial stock minus the live order lines, every product is in a final state with its reasons,
 * the queue holds nothing waiting (only done or dead with a reason), nothing accepted was lost,
 * and no process died of a PHP fatal error or a panic.
 *
 * Every random choice (the sandbox's fault draws, the kill moments, the delivery order, the
 * database restart) comes from the seed, so a failing seed replays the same storm (timing on a
 * shared machine aside).
 */
declare(strict_types=1);

namespace MesChainChaos;

use MesChainTest\SandboxProcess;
use MesChainTest\TestShop;
use Random\Engine\Mt19937;
use Random\Randomizer;

final class ChaosRun
{
    private const API_KEY = 'chaos-hook-key-5b81e2';
    /** Trendyol leaf categories of the sandbox that take the free-text colour "Renk" (47). */
    private const LEAVES = [411, 412, 521, 522];
    private const CRONS = ['product_sync', 'stock_sync', 'order_sync', 'webhook_processor'];
    /** The engine's HTTP timeout in the run (seconds); hangs last longer. */
    private const API_TIMEOUT = 2;
    private const HANG_MS = 4500;
    /** Package statuses that hold no stock (as the engine's order tests count). */
    private const NOT_LIVE = ['Cancelled', 'UnSupplied', 'UnPacked', 'Returned'];

    private Randomizer $rng;
    private SandboxProcess $sandbox;
    private string $database = '';
    private string $shop = '';
    private string $logDir;
    private string $routeUrl = '';
    private ?ChaosProcess $route = null;
    /** @var array<int, ChaosProcess> */
    private array $workers = [];
    /** @var array<string, ChaosProcess> */
    private array $crons = [];
    /** @var array<string, float> */
    private array $cronDue = [];
    /** @var list<ChaosProcess> every process started, for the log scan */
    private array $all = [];
    /** @var list<int> */
    private array $packageIds = [];
    /** @var list<array{id: int, body: string, tries: int, due: float}> */
    private array $deliveries = [];
    /** @var array<string, int> */
    private array $figures = [];
    /** @var array<string, array<int, int>> exit codes per job */
    private array $exitCodes = [];
    private float $t0;

    /** @param array{products: int, waves: int, per_wave: int, storm: int, kills: int} $size */
    public function __construct(
        private readonly int $seed,
        private readonly array $size,
        private readonly string $root,
        private readonly MariaDbServer $mariadb,
    ) {
        $this->rng = new Randomizer(new Mt19937($seed));
        // Kept when the run fails (the processes' output is the first thing to read).
        $this->logDir = sys_get_temp_dir() . "/meschain-chaos-$seed-" . getmypid();
        TestShop::removeTree($this->logDir);
        mkdir($this->logDir, 0700, true);
        $this->t0 = microtime(true);
    }

    /**
     * Runs the storm and the checks.
     *
     * @return array{failures: list<string>, figures: array<string, int|string>}
     */
    public function run(): array
    {
        try {
            $this->setUp();
            $this->storm();
            $rounds = $this->settle();
            $failures = $this->check();
            $failures = array_merge($failures, $this->scanLogs());
            $this->figures['settle_rounds'] = $rounds;
        } finally {
            $this->tearDown();
        }
        $this->figures['seconds'] = (int) round(microtime(true) - $this->t0);
        if ($failures === [] && getenv('CHAOS_KEEP_LOGS') === false) {
            TestShop::removeTree($this->logDir);
        }
        return ['failures' => $failures, 'figures' => $this->figures + ['logs' => $this->logDir]];
    }

    // ---------------------------------------------------------------- setup

    private function setUp(): void
    {
        $this->sandbox = new SandboxProcess([
            '--rate-limits', 'off', '--approval-delay-ms', '3000', '--reject-share', '0.1',
            '--batch-delay-ms', '500', '--awaiting-delay-ms', '20000',
            '--fault-5xx-share', '0.2', '--fault-429-share', '0.1', '--fault-hang-share', '0.05',
            '--fault-hang-ms', (string) self::HANG_MS, '--fault-reset-share', '0.03',
            // Writes Trendyol applied but answered 500, or cut off before the answer.
            '--fault-applied-5xx-share', '0.05', '--fault-applied-reset-share', '0.02',
            '--webhook-duplicate-share', '0.3', '--webhook-reorder-share', '0.2',
            '--webhook-reorder-delay-ms', '1500', '--webhook-retry-ms', '3000', '--webhook-timeout-ms', '5000',
        ], $this->seed);
        $this->database = TestShop::openCartDatabase('chaos' . $this->seed, $this->size['products']);
        $this->shop = TestShop::tempDir("chaos-shop-{$this->seed}");
        TestShop::writeConfigPhp($this->shop, $this->database);
        $db = $this->db();
        $db->query("INSERT INTO oc_currency (title, code, symbol_left, symbol_right, decimal_place, value, status, date_modified) VALUES ('Türk Lirası', 'TRY', '', 'TL', 2, 38.5, 1, NOW())");
        $engine = \MesChain\Engine::fromOpenCart($this->shop . '/config.php');
        $engine->migrate();
        $engine->close();
        $settings = [
            'status' => '1', 'environment' => 'sandbox', 'sandbox_url' => $this->sandbox->url,
            'seller_id' => '1001', 'api_key' => 'demo-api-key', 'api_secret' => 'demo-api-secret',
            'log_dir' => $this->logDir . '/engine', 'image_base_url' => 'https://shop.example/image/',
            'webhook_auth' => 'api_key', 'webhook_api_key' => self::API_KEY,
            'batch_size' => '100', 'api_endpoint_limit' => '10000', 'calls_per_minute' => '100000',
            'calls_per_hour' => '6000000', 'api_timeout' => (string) self::API_TIMEOUT,
            'api_connect_timeout' => '2', 'job_lock_lease' => '20', 'max_execution_time' => '60',
        ];
        mkdir($this->logDir . '/engine');
        $insert = $db->prepare("INSERT INTO oc_setting (store_id, code, `key`, value, serialized) VALUES (0, 'module_meschain', ?, ?, 0)");
        foreach ($settings as $key => $value) {
            $name = 'module_meschain_' . $key;
            $insert->bind_param('ss', $name, $value);
            $insert->execute();
        }
        // What the shop owner maps in the admin: leaf categories, brands, colour, VAT.
        $leaves = array_column($db->query('SELECT c.category_id FROM oc_category c WHERE NOT EXISTS '
            . '(SELECT 1 FROM oc_category k WHERE k.parent_id = c.category_id) ORDER BY c.category_id')->fetch_all(), 0);
        foreach ($leaves as $i => $category) {
            $db->query(sprintf('INSERT INTO oc_trendyol_category_map (category_id, trendyol_category_id, updated_at) '
                . 'VALUES (%d, %d, UTC_TIMESTAMP())', $category, self::LEAVES[$i % count(self::LEAVES)]));
        }
        $db->query('INSERT INTO oc_trendyol_brand_map (manufacturer_id, trendyol_brand_id, updated_at) '
            . 'SELECT manufacturer_id, 1791, UTC_TIMESTAMP() FROM oc_manufacturer');
        $colour = (int) $db->query("SELECT attribute_id FROM oc_attribute_description WHERE name = 'Renk' LIMIT 1")->fetch_row()[0];
        foreach (self::LEAVES as $leaf) {
            $db->query("INSERT INTO oc_trendyol_attribute_map (trendyol_category_id, trendyol_attribute_id, source, source_id, updated_at) "
                . "VALUES ($leaf, 47, 'attribute', $colour, UTC_TIMESTAMP())");
        }
        $db->query('INSERT INTO oc_trendyol_vat_map (tax_class_id, vat_rate, updated_at) '
            . 'SELECT tax_class_id, 20, UTC_TIMESTAMP() FROM oc_tax_class');
        $db->close();
        $this->figures['products'] = $this->size['products'];
        $this->snapshotStock();

        // The webhook route, as OpenCart's catalog serves it.
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr((string) strrchr((string) stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);
        $env = getenv();
        $env['MESCHAIN_WEBHOOK_SHOP'] = $this->shop;
        $env['PHP_CLI_SERVER_WORKERS'] = '4';
        $this->route = $this->start('route', ['-S', "127.0.0.1:$port", $this->root . '/php/tests/webhook_router.php'], $env);
        for ($i = 0; $i < 200 && ($s = @fsockopen('127.0.0.1', $port, $e, $m, 0.1)) === false; $i++) {
            usleep(25_000);
        }
        $this->routeUrl = "http://127.0.0.1:$port/index.php?route=extension/meschain/webhook/trendyol";

        // The sandbox's own subscription to the route (created through the faulty API, so retried).
        for ($try = 0; $try < 30; $try++) {
            [$code] = $this->api('POST', '/integration/webhook/sellers/1001/webhooks', [
                'url' => $this->routeUrl, 'authenticationType' => 'API_KEY', 'apiKey' => self::API_KEY, 'subscribedStatuses' => [],
            ]);
            if ($code >= 200 && $code < 300) {
                break;
            }
        }
    }

    private function tearDown(): void
    {
        foreach ($this->workers as $worker) {
            $worker->kill();
        }
        foreach ($this->crons as $cron) {
            $cron->kill();
        }
        $this->route?->stop(5);
        if (isset($this->sandbox)) {
            $this->sandbox->stop();
        }
        $this->mariadb->ensureUp();
        if ($this->database !== '' && getenv('CHAOS_KEEP_LOGS') === false) {
            TestShop::mysqli()->query("DROP DATABASE IF EXISTS `{$this->database}`");
        }
    }

    // ---------------------------------------------------------------- the storm

    private function storm(): void
    {
        $storm = (float) $this->size['storm'];
        $start = microtime(true);
        foreach ([0, 1] as $n) {
            $this->workers[$n] = $this->startWorker($n);
        }
        foreach (self::CRONS as $i => $job) {
            $this->cronDue[$job] = $start + $i * 0.7;
        }
        $kills = [];
        for ($i = 0; $i < $this->size['kills']; $i++) {
            $kills[] = $start + $storm * (0.05 + 0.9 * $this->fraction());
        }
        sort($kills);
        $restartAt = $start + $storm * (0.35 + 0.3 * $this->fraction());
        $downFor = 2.0 + 2.0 * $this->fraction();
        $dbBackAt = null;
        $wavesDone = 0;
        $nextWave = $start + 5;
        $statusChangesAt = [];
        $nextEdit = $start + 2;
        $this->figures += ['owner_edits' => 0, 'kills' => 0, 'db_restarts' => 0, 'status_changes' => 0, 'generate_refused' => 0];

        while (true) {
            $now = microtime(true);
            if ($wavesDone === $this->size['waves'] && $now - $start > $storm && $dbBackAt === null
                && $this->figures['db_restarts'] > 0 && $kills === [] && $statusChangesAt === []) {
                break;
            }
            if ($now - $start > 4 * $storm) {
                throw new \RuntimeException('the storm never got its orders out: no approved products?');
            }
            // Orders arrive in waves once the sandbox has approved products.
            if ($wavesDone < $this->size['waves'] && $now >= $nextWave) {
                $generated = $this->sandbox->control('POST', '/__sandbox/orders/generate', [
                    'count' => $this->size['per_wave'], 'splitShare' => 0.1, 'cancelShare' => 0.08,
                    'unsuppliedShare' => 0.04, 'awaitingShare' => 0.1, 'unknownBarcodeShare' => 0.05,
                    'maxLines' => 3, 'maxQuantity' => 2,
                ]);
                if (isset($generated['packageIds'])) {
                    $ids = array_map('intval', $generated['packageIds']);
                    $this->packageIds = array_merge($this->packageIds, $ids);
                    $this->dirty($ids);
                    $wavesDone++;
                    $nextWave = $now + $storm / ($this->size['waves'] + 1);
                    $statusChangesAt[] = $now + 3 + 5 * $this->fraction();
                } else {
                    $this->figures['generate_refused']++;
                    $nextWave = $now + 2;
                }
            }
            // Customers cancel, carriers ship: later states of packages already imported.
            if ($statusChangesAt !== [] && $now >= $statusChangesAt[0]) {
                array_shift($statusChangesAt);
                $this->changeSomeStatuses();
            }
            // The shop owner edits prices and restocks while all this goes on.
            if ($dbBackAt === null && $now >= $nextEdit) {
                $this->ownerEdits(5);
                $nextEdit = $now + 2 + 2 * $this->fraction();
            }
            if ($kills !== [] && $now >= $kills[0]) {
                array_shift($kills);
                $n = $this->rng->getInt(0, 1);
                $this->workers[$n]->kill();
                $this->figures['kills']++;
                usleep($this->rng->getInt(0, 1_500_000));
                $this->workers[$n] = $this->startWorker($n);
            }
            if ($this->figures['db_restarts'] === 0 && $dbBackAt === null && $now >= $restartAt) {
                fwrite(STDERR, sprintf("chaos[%d]: MariaDB down for %.1f s\n", $this->seed, $downFor));
                $this->mariadb->stop();
                $dbBackAt = microtime(true) + $downFor;
            }
            if ($dbBackAt !== null && $now >= $dbBackAt) {
                $this->mariadb->start();
                $dbBackAt = null;
                $this->figures['db_restarts']++;
            }
            $this->tickCrons($now);
            $this->deliver(16, 8);
            usleep(100_000);
        }
        $this->figures['storm_seconds'] = (int) round(microtime(true) - $start);
    }

    private function fraction(): float
    {
        return $this->rng->getInt(0, 1_000_000) / 1_000_000;
    }

    /** Starts each cron job again a few seconds after its last run ended. */
    private function tickCrons(float $now): void
    {
        foreach (self::CRONS as $job) {
            if (isset($this->crons[$job])) {
                if ($this->crons[$job]->running()) {
                    continue;
                }
                $this->recordExit($job, $this->crons[$job]);
                unset($this->crons[$job]);
                $this->cronDue[$job] = $now + 1 + 3 * $this->fraction();
            }
            if ($now >= $this->cronDue[$job]) {
                $this->crons[$job] = $this->startCron($job, 30);
            }
        }
    }

    /**
     * Raises the price and the stock of `$count` random products, as the admin's product form
     * would (relative to the current stock, which orders move at the same time).
     */
    private function ownerEdits(int $count): void
    {
        $ids = array_keys($this->initialStock);
        $db = $this->db();
        for ($i = 0; $i < $count; $i++) {
            $id = $ids[$this->rng->getInt(0, count($ids) - 1)];
            $more = $this->rng->getInt(1, 5);
            $db->query("UPDATE oc_product SET quantity = quantity + $more, price = price + 1, date_modified = NOW() WHERE product_id = $id");
            $this->restocked[$id] = ($this->restocked[$id] ?? 0) + $more;
            $this->figures['owner_edits']++;
        }
        $db->close();
    }

    /** @var array<int, int> units the owner added per product during the storm */
    private array $restocked = [];

    private function changeSomeStatuses(): void
    {
        $changed = [];
        foreach (array_slice($this->rng->shuffleArray($this->packageIds), 0, max(2, intdiv(count($this->packageIds), 15))) as $id) {
            $package = $this->sandbox->control('GET', "/__sandbox/packages/$id")['package'] ?? null;
            if (($package['status'] ?? '') !== 'Created') {
                continue;
            }
            $to = $this->rng->getInt(0, 2) === 0 ? 'Cancelled' : 'Shipped';
            $answer = $this->sandbox->control('POST', "/__sandbox/packages/$id/status", ['status' => $to]);
            if (isset($answer['package'])) {
                $changed[] = $id;
            }
        }
        $this->figures['status_changes'] += count($changed);
        $this->dirty($changed);
    }

    // ---------------------------------------------------------------- webhooks

    /** Queues three deliveries of each package's current state, shuffled among the rest. */
    private function dirty(array $ids): void
    {
        foreach ($ids as $id) {
            $package = $this->sandbox->control('GET', "/__sandbox/packages/$id")['package'] ?? null;
            if ($package === null) {
                continue;
            }
            $body = (string) json_encode($package);
            for ($i = 0; $i < 3; $i++) {
                $this->deliveries[] = ['id' => $id, 'body' => $body, 'tries' => 0, 'due' => 0.0];
            }
        }
        $this->deliveries = $this->rng->shuffleArray($this->deliveries);
    }

    /**
     * Sends up to `$max` due deliveries, `$parallel` at a time. One the route did not accept
     * (the database was down) is sent again later, as Trendyol retries.
     */
    private function deliver(int $max, int $parallel): void
    {
        $now = microtime(true);
        $batch = [];
        foreach ($this->deliveries as $k => $d) {
            if ($d['due'] <= $now) {
                $batch[] = $d;
                unset($this->deliveries[$k]);
                if (count($batch) >= $max) {
                    break;
                }
            }
        }
        $this->deliveries = array_values($this->deliveries);
        if ($batch === []) {
            return;
        }
        $multi = curl_multi_init();
        $handles = [];
        foreach (array_chunk($batch, $parallel) as $chunk) {
            foreach ($chunk as $d) {
                $h = curl_init($this->routeUrl);
                curl_setopt_array($h, [
                    CURLOPT_POST => true, CURLOPT_POSTFIELDS => $d['body'], CURLOPT_RETURNTRANSFER => true,
                    CURLOPT_HTTPHEADER => ['Content-Type: application/json', 'x-api-key: ' . self::API_KEY],
                    CURLOPT_TIMEOUT => 20,
                ]);
                curl_multi_add_handle($multi, $h);
                $handles[] = [$h, $d];
            }
            do {
                curl_multi_exec($multi, $running);
                curl_multi_select($multi, 0.05);
            } while ($running > 0);
            foreach ($handles as [$h, $d]) {
                $code = (int) curl_getinfo($h, CURLINFO_RESPONSE_CODE);
                $this->figures["delivered_$code"] = ($this->figures["delivered_$code"] ?? 0) + 1;
                if ($code !== 202 && $code !== 200 && $d['tries'] < 30) {
                    $d['tries']++;
                    $d['due'] = microtime(true) + 1 + 2 * $this->fraction();
                    $this->deliveries[] = $d;
                }
                curl_multi_remove_handle($multi, $h);
                curl_close($h);
            }
            $handles = [];
        }
        curl_multi_close($multi);
    }

    // ---------------------------------------------------------------- settling

    /** Faults off; the ordinary jobs run until the shop agrees with Trendyol. Returns the rounds. */
    private function settle(): int
    {
        $this->sandbox->control('POST', '/__sandbox/faults', [
            'errorShare' => 0, 'throttleShare' => 0, 'hangShare' => 0, 'resetShare' => 0, 'malformedShare' => 0,
            'appliedErrorShare' => 0, 'appliedResetShare' => 0,
            'webhookDuplicateShare' => 0, 'webhookReorderShare' => 0, 'latencyMs' => 0, 'latencyJitterMs' => 0,
        ]);
        // Awaiting packages have had their payment checked, reviews and batches have ended.
        $this->sandbox->control('POST', '/__sandbox/clock/advance', ['minutes' => 20]);
        $this->dirty($this->packageIds);
        while ($this->deliveries !== []) {
            $this->deliver(64, 16);
            usleep(50_000);
        }
        foreach ($this->crons as $job => $cron) {
            $cron->wait(90);
            $this->recordExit($job, $cron);
        }
        $this->crons = [];
        $this->figures['backoffs_pulled'] = 0;
        $previous = null;
        for ($round = 1; $round <= 15; $round++) {
            $codes = [];
            foreach (['order_sync', 'product_sync', 'stock_sync', 'webhook_processor'] as $job) {
                $cron = $this->startCron($job, 60);
                $cron->wait(120);
                $this->recordExit($job, $cron);
                $codes[$job] = $cron->exitCode();
            }
            // The storm's backoffs would end in minutes; a "retry now" instead of waiting.
            $db = $this->db();
            $db->query("UPDATE oc_trendyol_sync_queue SET available_at = NOW(3) WHERE status = 'pending' AND available_at > NOW(3)");
            $this->figures['backoffs_pulled'] += $db->affected_rows;
            $deadline = microtime(true) + 30;
            while (microtime(true) < $deadline && $this->scalar("SELECT COUNT(*) FROM oc_trendyol_sync_queue WHERE status IN ('pending', 'running')") > 0) {
                usleep(250_000);
            }
            // Settled: every job ran cleanly and a further round changed nothing (or all holds).
            $idle = array_filter($codes, fn ($c) => $c !== 0) === [] && $this->scalar("SELECT COUNT(*) FROM oc_trendyol_sync_queue WHERE status IN ('pending', 'running')") === 0;
            $failures = $this->check();
            if ($round >= 2 && $idle && ($failures === [] || $failures === $previous)) {
                return $round;
            }
            $previous = $failures;
        }
        return 15;
    }

    // ---------------------------------------------------------------- checks

    /** @return list<string> what does not hold */
    private function check(): array
    {
        $failures = [];
        $db = $this->db();
        $ids = array_values(array_unique($this->packageIds));
        $this->figures['packages'] = count($ids);
        if ($ids === []) {
            return ['no package was generated'];
        }
        // Every package → exactly one OpenCart order, in the package's state.
        $rows = $db->query('SELECT package_id, COUNT(*) AS n, MIN(order_id) AS order_id, MIN(package_status) AS status FROM oc_trendyol_orders GROUP BY package_id')->fetch_all(MYSQLI_ASSOC);
        $byPackage = array_column($rows, null, 'package_id');
        $orders = $this->scalar('SELECT COUNT(*) FROM oc_order');
        $this->figures['orders'] = $orders;
        $live = [];
        foreach ($ids as $id) {
            $package = $this->sandbox->control('GET', "/__sandbox/packages/$id")['package'];
            $row = $byPackage[$id] ?? null;
            if ($row === null) {
                $failures[] = "package $id ({$package['status']}) has no OpenCart order";
                continue;
            }
            if ((int) $row['n'] !== 1) {
                $failures[] = "package $id has {$row['n']} orders";
            }
            if ($row['status'] !== $package['status']) {
                $failures[] = "package $id is {$package['status']} on Trendyol but {$row['status']} in the shop";
            }
            if (!in_array($package['status'], self::NOT_LIVE, true)) {
                foreach ($package['lines'] as $line) {
                    $live[(string) $line['barcode']] = ($live[(string) $line['barcode']] ?? 0) + (int) $line['quantity'];
                }
            }
        }
        if ($orders !== count($ids)) {
            $failures[] = sprintf('%d OpenCart orders for %d packages', $orders, count($ids));
        }
        $unlinked = $this->scalar('SELECT COUNT(*) FROM oc_trendyol_orders t LEFT JOIN oc_order o ON o.order_id = t.order_id WHERE o.order_id IS NULL');
        if ($unlinked > 0) {
            $failures[] = "$unlinked trendyol_orders rows point at no OpenCart order";
        }
        if ($this->scalar('SELECT COUNT(*) - COUNT(DISTINCT order_id) FROM oc_trendyol_orders') > 0) {
            $failures[] = 'two packages share an OpenCart order';
        }

        // Stock: initial plus the owner's restocking minus the live lines, for products that subtract.
        $moved = 0;
        foreach ($db->query('SELECT product_id, ean, subtract, quantity FROM oc_product')->fetch_all(MYSQLI_ASSOC) as $p) {
            $taken = $p['subtract'] ? ($live[$p['ean']] ?? 0) : 0;
            $expected = $this->initialStock[(int) $p['product_id']] + ($this->restocked[(int) $p['product_id']] ?? 0) - $taken;
            $moved += $taken;
            if ((int) $p['quantity'] !== $expected) {
                $failures[] = "product {$p['product_id']} ({$p['ean']}): stock {$p['quantity']}, expected $expected";
            }
        }
        $this->figures['units_sold'] = $moved;

        // Every product in a final state, with reasons where it is not on sale.
        $states = array_column($db->query('SELECT sync_status, COUNT(*) FROM oc_trendyol_products GROUP BY sync_status')->fetch_all(), 1, 0);
        foreach ($states as $state => $n) {
            $this->figures["products_$state"] = (int) $n;
        }
        foreach (['pending', 'submitted'] as $state) {
            if (($states[$state] ?? 0) > 0) {
                $failures[] = "{$states[$state]} products still $state";
            }
        }
        if (($states['approved'] ?? 0) === 0) {
            $failures[] = 'no product was approved';
        }
        $silent = $db->query("SELECT sync_status, trendyol_status, COUNT(*) FROM oc_trendyol_products WHERE sync_status IN ('rejected', 'invalid', 'failed') AND (reasons IS NULL OR reasons IN ('', '[]')) GROUP BY 1, 2")->fetch_all();
        foreach ($silent as [$state, $trendyol, $n]) {
            $failures[] = "$n products $state (Trendyol: $trendyol) without a reason";
        }

        // The queue: nothing waiting, the dead with a reason, nothing accepted lost.
        $queue = array_column($db->query('SELECT status, COUNT(*) FROM oc_trendyol_sync_queue GROUP BY status')->fetch_all(), 1, 0);
        foreach ($queue as $status => $n) {
            $this->figures["queue_$status"] = (int) $n;
        }
        foreach (['pending', 'running'] as $status) {
            if (($queue[$status] ?? 0) > 0) {
                $failures[] = "{$queue[$status]} queue jobs still $status";
            }
        }
        $reasonless = $this->scalar("SELECT COUNT(*) FROM oc_trendyol_sync_queue WHERE status = 'dead' AND (last_error IS NULL OR last_error = '')");
        if ($reasonless > 0) {
            $failures[] = "$reasonless dead jobs without a reason";
        }
        $dead = $db->query("SELECT event_type, LEFT(last_error, 120) AS e, COUNT(*) FROM oc_trendyol_sync_queue WHERE status = 'dead' GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 5")->fetch_all();
        $this->figures['dead_reasons'] = implode(' | ', array_map(fn ($r) => "{$r[2]}× {$r[0]}: {$r[1]}", $dead));
        $lost = $this->scalar('SELECT COUNT(*) FROM oc_trendyol_webhook_logs w LEFT JOIN oc_trendyol_sync_queue q ON q.queue_id = w.queue_id WHERE w.queue_id IS NOT NULL AND q.queue_id IS NULL');
        if ($lost > 0) {
            $failures[] = "$lost accepted webhooks whose job is gone";
        }
        $this->figures['webhooks_logged'] = $this->scalar('SELECT COUNT(*) FROM oc_trendyol_webhook_logs');
        $db->close();
        return $failures;
    }

    /** @var array<int, int> */
    private array $initialStock = [];

    /** No PHP fatal error, uncaught exception or panic in any process's output. */
    private function scanLogs(): array
    {
        $failures = [];
        foreach ($this->all as $process) {
            $process->running();
            $text = (string) @file_get_contents($process->log);
            if (preg_match('/PHP Fatal error|Fatal error:|Uncaught|panicked|Segmentation fault|core dumped/', $text, $m)) {
                $failures[] = "{$process->name}: '{$m[0]}' in {$process->log}";
            }
        }
        foreach ($this->exitCodes as $job => $codes) {
            ksort($codes);
            $this->figures["exit_$job"] = implode(' ', array_map(fn ($c, $n) => "{$c}×{$n}", array_keys($codes), $codes));
            if ($job === 'worker') {
                $bad = array_diff(array_keys($codes), [0, 137]);
                if ($bad !== []) {
                    $failures[] = 'a worker exited with ' . implode(', ', $bad);
                }
            }
        }
        $counters = $this->sandbox->control('GET', '/__sandbox/counters');
        foreach (['500', '429', '0', '504'] as $status) {
            $this->figures["sandbox_$status"] = (int) ($counters['byStatus'][$status] ?? 0);
        }
        $this->figures['sandbox_requests'] = (int) ($counters['total'] ?? 0);
        $this->figures['sandbox_webhooks'] = count($this->sandbox->control('GET', '/__sandbox/webhooks/deliveries')['attempts'] ?? []);
        return $failures;
    }

    // ---------------------------------------------------------------- helpers

    private function db(): \mysqli
    {
        return TestShop::mysqli($this->database);
    }

    private function scalar(string $sql): int
    {
        $db = $this->db();
        $value = (int) $db->query($sql)->fetch_row()[0];
        $db->close();
        return $value;
    }

    /** Remembers the stock before the first order. */
    private function snapshotStock(): void
    {
        $rows = $this->db()->query('SELECT product_id, quantity FROM oc_product')->fetch_all();
        $this->initialStock = array_map('intval', array_column($rows, 1, 0));
    }

    /** @param list<string> $args */
    private function start(string $name, array $args, ?array $env = null): ChaosProcess
    {
        $command = array_merge([PHP_BINARY, '-n', '-d', 'extension=' . $this->root . '/target/release/libmeschain.so'], $args);
        $process = new ChaosProcess($name, $command, $this->logDir . "/$name.log", $env);
        $this->all[] = $process;
        return $process;
    }

    private function startWorker(int $n): ChaosProcess
    {
        if (isset($this->workers[$n])) {
            $this->recordExit('worker', $this->workers[$n]);
        }
        return $this->start("worker$n", [$this->root . '/php/cron/worker.php', '--opencart=' . $this->shop]);
    }

    private function startCron(string $job, int $seconds): ChaosProcess
    {
        return $this->start($job, [$this->root . "/php/cron/$job.php", '--opencart=' . $this->shop, '--force', "--max-seconds=$seconds"]);
    }

    private function recordExit(string $job, ChaosProcess $process): void
    {
        if (!$process->running() && $process->exitCode() !== null) {
            $code = $process->exitCode();
            $this->exitCodes[$job][$code] = ($this->exitCodes[$job][$code] ?? 0) + 1;
        }
    }

    /**
     * A call to the sandbox's Trendyol API with the demo seller's credentials.
     *
     * @return array{int, mixed}
     */
    private function api(string $method, string $path, ?array $body = null): array
    {
        $h = curl_init($this->sandbox->url . $path);
        curl_setopt_array($h, [
            CURLOPT_CUSTOMREQUEST => $method, CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => 10,
            CURLOPT_USERPWD => 'demo-api-key:demo-api-secret',
            CURLOPT_HTTPHEADER => ['Content-Type: application/json', 'User-Agent: 1001 - SelfIntegration'],
            CURLOPT_POSTFIELDS => $body === null ? null : json_encode($body),
        ]);
        $text = curl_exec($h);
        $code = (int) curl_getinfo($h, CURLINFO_RESPONSE_CODE);
        curl_close($h);
        return [$code, is_string($text) ? json_decode($text, true) : null];
    }
}
