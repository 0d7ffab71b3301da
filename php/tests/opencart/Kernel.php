<?php
/**
 * A small OpenCart 4.0.2.3 admin to run the MesChain module in, without OpenCart itself.
 *
 * The classes under system/ and admin/ beside this file have OpenCart's names and signatures and
 * behave as OpenCart's own (namespaced autoloading, Proxy models with events, the language view
 * event, HTML-escaped Request copies, Twig with autoescape off). This class plays OpenCart's
 * front controller for one admin request: settings from oc_setting (config_timezone made PHP's
 * and the connection's time zone), the language's default file, events from oc_event,
 * installed extensions' namespaces from oc_extension, the user from the session, then
 * the same two guards OpenCart's startup runs — the `user_token` check (else the login page)
 * and the route's `access` permission (else error/permission) — before the route's controller.
 *
 * The shop lives in a temporary folder: admin/config.php pointing at a real MariaDB database
 * with OpenCart's schema (TestShop::openCartDatabase), and extension/meschain/ unpacked from the
 * zip scripts/build-ocmod.sh builds, so the tests exercise the package a shop would install.
 * PHP constants are per process, so there is one shop per test process.
 */
declare(strict_types=1);

namespace MesChainTest\OpenCart;

use MesChainTest\TestShop;

final class Kernel
{
    private static ?Kernel $instance = null;

    public readonly string $root;
    public readonly string $database;
    public readonly string $zip;
    private \Opencart\System\Engine\Autoloader $autoloader;
    private \Opencart\System\Library\DB $db;
    private \Opencart\System\Library\Session $session;

    /** The shop of this test process (built on first use). */
    public static function shop(): self
    {
        if (self::$failure !== null) {
            throw new \RuntimeException('the test shop could not be built', 0, self::$failure);
        }
        try {
            return self::$instance ??= new self();
        } catch (\Throwable $e) {
            self::$failure = $e;
            throw $e;
        }
    }

    private static ?\Throwable $failure = null;

    private static function copyTree(string $from, string $to): void
    {
        mkdir($to, 0755, true);
        foreach (new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($from, \FilesystemIterator::SKIP_DOTS), \RecursiveIteratorIterator::SELF_FIRST) as $item) {
            $target = $to . substr($item->getPathname(), strlen($from));
            $item->isDir() ? mkdir($target, 0755, true) : copy($item->getPathname(), $target);
        }
    }

    private function __construct()
    {
        require_once '/usr/share/php/Twig/autoload.php';
        $kernel = __DIR__ . '/';
        $repo = dirname(__DIR__, 3);

        $this->database = TestShop::openCartDatabase('admin');
        // A shop that has never seen MesChain: its tables come from the module's install().
        $mysqli = TestShop::mysqli($this->database);
        foreach ($mysqli->query("SHOW TABLES LIKE 'oc\\_trendyol\\_%'")->fetch_all() as [$table]) {
            $mysqli->query("DROP TABLE `$table`");
        }
        $this->root = TestShop::tempDir('opencart');

        // The package a shop installs, unpacked where OpenCart's installer puts it.
        $dist = TestShop::tempDir('dist');
        exec(escapeshellarg($repo . '/scripts/build-ocmod.sh') . ' ' . escapeshellarg($dist) . ' 2>&1', $out, $code);
        if ($code !== 0) {
            throw new \RuntimeException("build-ocmod.sh failed:\n" . implode("\n", $out));
        }
        $this->zip = $dist . '/meschain.ocmod.zip';
        mkdir($this->root . '/extension/meschain', 0755, true);
        exec('unzip -q ' . escapeshellarg($this->zip) . ' -d ' . escapeshellarg($this->root . '/extension/meschain') . ' 2>&1', $out, $code);
        if ($code !== 0) {
            throw new \RuntimeException("unzip failed:\n" . implode("\n", $out));
        }

        mkdir($this->root . '/admin', 0755, true);
        mkdir($this->root . '/system/storage/cache', 0755, true);
        self::copyTree($kernel . 'admin/view', $this->root . '/admin/view');
        TestShop::writeConfigPhp($this->root, $this->database);
        rename($this->root . '/config.php', $this->root . '/admin/config.php');

        define('HTTP_SERVER', 'http://127.0.0.1/admin/');
        define('HTTP_CATALOG', 'http://127.0.0.1/');
        define('DIR_OPENCART', $this->root . '/');
        define('DIR_APPLICATION', $this->root . '/admin/');
        define('DIR_EXTENSION', $this->root . '/extension/');
        define('DIR_SYSTEM', $this->root . '/system/');
        define('DIR_STORAGE', $this->root . '/system/storage/');
        define('DIR_CACHE', $this->root . '/system/storage/cache/');
        define('DIR_TEMPLATE', $this->root . '/admin/view/template/');
        define('DIR_LANGUAGE', $kernel . 'admin/language/');
        define('DB_PREFIX', 'oc_');

        require_once $kernel . 'system/engine/autoloader.php';
        $this->autoloader = new \Opencart\System\Engine\Autoloader();
        $this->autoloader->register('Opencart\Admin', $kernel . 'admin/');
        $this->autoloader->register('Opencart\System', $kernel . 'system/');

        $this->db = new \Opencart\System\Library\DB('mysqli', TestShop::host(), TestShop::user(), TestShop::password(), $this->database, (string)TestShop::port());
        $this->session = new \Opencart\System\Library\Session();
    }

    /** Signs a user in (a fresh token, as OpenCart's login does). */
    public function login(int $userId = 1): string
    {
        $this->session->data = ['user_id' => $userId, 'user_token' => bin2hex(random_bytes(16))];
        return $this->session->data['user_token'];
    }

    public function token(): string
    {
        return (string)($this->session->data['user_token'] ?? '');
    }

    public function db(): \Opencart\System\Library\DB
    {
        return $this->db;
    }

    /**
     * One admin request. `$token` null sends the session's token; a string sends that one.
     *
     * @param array<string, mixed> $get
     * @param array<string, mixed> $post
     */
    public function request(string $route, array $get = [], array $post = [], ?string $token = null, string $language = 'en-gb'): Result
    {
        $_GET = ['route' => $route, 'user_token' => $token ?? $this->token()] + $get;
        $_POST = $post;
        $_SERVER['REQUEST_METHOD'] = $post ? 'POST' : 'GET';
        $_SERVER['REMOTE_ADDR'] = '127.0.0.1';

        $registry = new \Opencart\System\Engine\Registry();
        $registry->set('autoloader', $this->autoloader);

        $config = new \Opencart\System\Library\Config();
        $config->set('application', 'Admin');
        $config->set('config_language_id', 1);
        foreach ($this->db->query("SELECT * FROM `" . DB_PREFIX . "setting` WHERE `store_id` = '0'")->rows as $setting) {
            $config->set($setting['key'], $setting['serialized'] ? json_decode($setting['value'], true) : $setting['value']);
        }
        $registry->set('config', $config);
        $registry->set('db', $this->db);

        // startup/setting: the shop's time zone becomes PHP's and the connection's for this
        // request (put back afterwards, so the tests' own queries keep the server's zone).
        $zone = date_default_timezone_get();
        $connectionZone = (string)$this->db->query("SELECT @@session.time_zone AS tz")->row['tz'];
        if ($config->get('config_timezone')) {
            date_default_timezone_set((string)$config->get('config_timezone'));
            $this->db->query("SET time_zone = '" . $this->db->escape(date('P')) . "'");
        }
        try {
            return $this->dispatch($registry, $config, $route, $language);
        } finally {
            date_default_timezone_set($zone);
            $this->db->query("SET time_zone = '" . $this->db->escape($connectionZone) . "'");
        }
    }

    private function dispatch(\Opencart\System\Engine\Registry $registry, \Opencart\System\Library\Config $config, string $route, string $language): Result
    {
        $registry->set('request', new \Opencart\System\Library\Request());
        $response = new \Opencart\System\Library\Response();
        $registry->set('response', $response);
        $registry->set('session', $this->session);
        $registry->set('document', new \Opencart\System\Library\Document());
        $registry->set('url', new \Opencart\System\Library\Url(HTTP_SERVER));

        // startup/language: the language's default file (date formats) first.
        $lang = new \Opencart\System\Library\Language($language);
        $lang->addPath(DIR_LANGUAGE);
        $lang->load('default');
        $registry->set('language', $lang);

        $template = new \Opencart\System\Library\Template('Twig');
        $template->addPath(DIR_TEMPLATE);
        $registry->set('template', $template);

        $event = new \Opencart\System\Engine\Event($registry);
        $registry->set('event', $event);
        $event->register('controller/*/before', new \Opencart\System\Engine\Action('event/language.before'), 0);
        $event->register('controller/*/after', new \Opencart\System\Engine\Action('event/language.after'), 0);
        $event->register('view/*/before', new \Opencart\System\Engine\Action('event/language'), 999);

        $loader = new \Opencart\System\Engine\Loader($registry);
        $registry->set('load', $loader);

        // startup/extension: namespaces and paths of installed extensions.
        foreach ($this->db->query("SELECT DISTINCT `extension` FROM `" . DB_PREFIX . "extension`")->rows as $row) {
            $code = $row['extension'];
            $namespace = str_replace(['_', '/'], ['', '\\'], ucwords($code, '_/'));
            $this->autoloader->register('Opencart\Admin\Controller\Extension\\' . $namespace, DIR_EXTENSION . $code . '/admin/controller/');
            $this->autoloader->register('Opencart\Admin\Model\Extension\\' . $namespace, DIR_EXTENSION . $code . '/admin/model/');
            $template->addPath('extension/' . $code, DIR_EXTENSION . $code . '/admin/view/template/');
            $lang->addPath('extension/' . $code, DIR_EXTENSION . $code . '/admin/language/');
            $config->addPath('extension/' . $code, DIR_EXTENSION . $code . '/system/config/');
        }

        // startup/event: admin/ events from the database.
        foreach ($this->db->query("SELECT * FROM `" . DB_PREFIX . "event` ORDER BY `sort_order`")->rows as $row) {
            if ($row['status']) {
                $part = explode('/', $row['trigger']);
                if ($part[0] === 'admin') {
                    array_shift($part);
                    $event->register(implode('/', $part), new \Opencart\System\Engine\Action($row['action']), (int)$row['sort_order']);
                }
            }
        }

        $registry->set('user', new \Opencart\System\Library\Cart\User($registry));

        // startup/login: every admin route needs the session's token.
        $request = $registry->get('request');
        if (!$registry->get('user')->isLogged() || !isset($request->get['user_token']) || !isset($this->session->data['user_token']) || $request->get['user_token'] != $this->session->data['user_token']) {
            return new Result('login', [], 'common/login');
        }

        // startup/permission: the route (without its method) must be in the group's access list.
        $pos = strrpos($route, '.');
        $base = $pos === false ? $route : substr($route, 0, $pos);
        if (!$registry->get('user')->hasPermission('access', $base)) {
            return new Result('permission', [], 'error/permission');
        }

        $loader->controller($route);

        return new Result($response->getOutput(), $response->getHeaders(), $route);
    }
}
