<?php
/**
 * Test-only front controller for PHP's built-in server: builds the engine of one of two shop
 * configurations, as a webhook or admin request would, and says which worker served it and how
 * many engines that worker has built so far.
 *
 *   MESCHAIN_REUSE_CONFIGS=/tmp/a/config.php,/tmp/b/config.php php -d extension=... -S 127.0.0.1:PORT engine_reuse_router.php
 *
 * `?shop=0` uses the first config.php and reads its settings (real work on the engine's pool),
 * `?shop=1` the second, which only builds its engine.
 */
declare(strict_types=1);

$configs = explode(',', (string) getenv('MESCHAIN_REUSE_CONFIGS'));
$which = (int) ($_GET['shop'] ?? 0);
header('Content-Type: application/json');
try {
    $before = \MesChain\Testing::enginesBuilt();
    $engine = \MesChain\Engine::fromOpenCart($configs[$which]);
    $answer = ['pid' => getmypid(), 'before' => $before, 'built' => \MesChain\Testing::enginesBuilt()];
    if ($which === 0) {
        $answer['seller_id'] = $engine->settings()['seller_id'] ?? null;
    }
    echo json_encode($answer);
} catch (\Throwable $e) {
    http_response_code(500);
    echo json_encode(['error' => get_class($e) . ': ' . $e->getMessage()]);
}
return true;
