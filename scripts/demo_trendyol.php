<?php
/**
 * The demo's Trendyol leg: seeds the sandbox with a catalog and orders (through its control
 * endpoints), then asks Trendyol — through the extension and the shop-wide rate limiter —
 * what the admin's pickers and the order sync will ask.
 *
 *   php -d extension=target/release/libmeschain.so scripts/demo_trendyol.php CONFIG_PHP SANDBOX_URL
 */
declare(strict_types=1);

[$configPath, $sandbox] = [$argv[1] ?? '', $argv[2] ?? ''];
if ($configPath === '' || $sandbox === '') {
    fwrite(STDERR, "usage: demo_trendyol.php /path/to/config.php http://127.0.0.1:PORT\n");
    exit(2);
}

function control(string $sandbox, string $path, array $body): array
{
    $context = stream_context_create(['http' => [
        'method' => 'POST',
        'header' => "Content-Type: application/json\r\n",
        'content' => json_encode($body),
        'ignore_errors' => true,
    ]]);
    $text = file_get_contents($sandbox . $path, false, $context);
    return $text === false ? [] : (array) json_decode($text, true);
}

function leaves(array $categories): int
{
    $n = 0;
    foreach ($categories as $c) {
        $n += empty($c['subCategories']) ? 1 : leaves($c['subCategories']);
    }
    return $n;
}

control($sandbox, '/__sandbox/products/seed', ['count' => 50]);
control($sandbox, '/__sandbox/orders/generate', ['count' => 25]);

$engine = MesChain\Engine::fromOpenCart($configPath);
$started = microtime(true);
$categories = $engine->trendyolRead('categories');
$brand = $engine->trendyolRead('brand_by_name', ['name' => 'MesChain Demo']);
$cargo = $engine->trendyolRead('cargo_providers');
$orders = $engine->trendyolRead('orders', ['size' => 50]);
$elapsed = (microtime(true) - $started) * 1000;

printf("  categories      %d leaf categories usable for products\n", leaves($categories['categories'] ?? []));
printf("  brand lookup    'MesChain Demo' → id %s\n", $brand[0]['id'] ?? '?');
printf("  cargo providers %d\n", count($cargo));
printf("  orders          %d packages waiting in Trendyol (first: %s, %s)\n",
    $orders['totalElements'] ?? 0,
    $orders['content'][0]['orderNumber'] ?? '-',
    $orders['content'][0]['status'] ?? '-');
printf("  4 API calls in %.0f ms, each reserved first in the shop-wide limiter (catalog reads are spaced to Trendyol's 50 / min)\n", $elapsed);
