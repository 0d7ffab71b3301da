<?php
/**
 * Every copy of the engine's registries that cannot read them at run time agrees with them: the
 * admin's language files (en-gb and tr-tr), the twig templates, the cron scripts (one per job),
 * the packaged cron file, the `meschain` command and its man page, the shell scripts that write
 * and watch the crontab, and the README's job table. Each job, manual sync, run status and
 * setting must appear where it belongs, and nothing the registry does not know may.
 *
 * Adding a job or a setting is one edit in the engine plus its translations; this test names
 * whatever else was forgotten.
 */
declare(strict_types=1);

namespace MesChainTest;

use PHPUnit\Framework\TestCase;

final class RegistryTest extends TestCase
{
    private const ROOT = __DIR__ . '/../..';
    private const LANGUAGES = ['en-gb', 'tr-tr'];
    /** Fields of the settings page that are not settings. */
    private const PAGE_FIELDS = ['drop_tables'];

    /** @var array<string, mixed> */
    private static array $registry;

    public static function setUpBeforeClass(): void
    {
        self::$registry = \MesChain\Engine::registry();
    }

    /** @return list<string> */
    private static function names(string $list): array
    {
        return array_map(static fn (array $e): string => (string)$e['name'], self::$registry[$list]);
    }

    /** @return list<string> */
    private static function jobs(): array
    {
        return self::names('jobs');
    }

    /** @return array<string, string> the language file's keys and texts */
    private static function language(string $code, string $file): array
    {
        $_ = [];
        require self::ROOT . "/opencart-module/admin/language/$code/$file.php";
        return $_;
    }

    /**
     * The keys of `$keys` that start with `$prefix`, by what follows it.
     *
     * @param array<string, string> $keys
     * @return list<string>
     */
    private static function suffixes(array $keys, string $prefix): array
    {
        $out = [];
        foreach (array_keys($keys) as $key) {
            if (str_starts_with($key, $prefix)) {
                $out[] = substr($key, strlen($prefix));
            }
        }
        sort($out);
        return $out;
    }

    /** @param list<string> $list */
    private static function sorted(array $list): array
    {
        $list = array_values(array_unique($list));
        sort($list);
        return $list;
    }

    private static function read(string $path): string
    {
        $text = file_get_contents(self::ROOT . '/' . $path);
        self::assertIsString($text, $path);
        return $text;
    }

    public function testTheRegistryHasTheSevenJobsAndTheStoredStatuses(): void
    {
        $this->assertSame(
            ['trendyol_sync', 'product_sync', 'order_sync', 'stock_sync', 'webhook_processor', 'question_sync', 'maintenance'],
            self::jobs()
        );
        $stored = array_values(array_filter(self::$registry['run_statuses'], static fn (array $s): bool => $s['stored']));
        $this->assertSame(['running', 'ok', 'partial', 'failed', 'abandoned'], array_column($stored, 'name'));
        $this->assertSame(self::names('settings'), array_column(self::$registry['settings'], 'name'));
    }

    public function testTheCronPageTranslatesEveryJobManualSyncAndStatusAndNoOther(): void
    {
        $manual = self::names('manual_jobs');
        foreach (self::LANGUAGES as $code) {
            $keys = self::language($code, 'panel/cron');
            // Job names: the jobs, the manual syncs (full_sync has no cron line) and the monitor's log.
            $this->assertSame(
                self::sorted(array_merge(self::jobs(), $manual, self::$registry['log_names'])),
                self::suffixes($keys, 'text_job_'),
                "$code: text_job_*"
            );
            $this->assertSame(self::sorted($manual), self::suffixes($keys, 'button_sync_'), "$code: button_sync_*");
            // text_status_* also names the queue's job statuses; of the run statuses, the stored
            // ones must be there, and no spelling the engine never writes.
            foreach (self::$registry['run_statuses'] as $status) {
                if ($status['stored']) {
                    $this->assertArrayHasKey($status['label_key'], $keys, $code);
                }
            }
            foreach (['success', 'stopped', 'error'] as $never) {
                $this->assertArrayNotHasKey('text_status_' . $never, $keys, "$code: the engine never writes $never");
            }
            foreach (self::$registry['manual_jobs'] as $job) {
                $this->assertArrayHasKey($job['label_key'], $keys, $code);
            }
            foreach (self::$registry['jobs'] as $job) {
                $this->assertArrayHasKey($job['label_key'], $keys, $code);
            }
        }
    }

    public function testTheSettingsFormTranslatesEverySettingGroupAndChoice(): void
    {
        $settings = self::names('settings');
        foreach (self::LANGUAGES as $code) {
            $keys = self::language($code, 'module/meschain');
            // Besides the settings, the page has its own fields: the uninstall form's
            // drop_tables and the webhook registration button.
            $this->assertSame(self::sorted(array_merge($settings, self::PAGE_FIELDS)), self::suffixes($keys, 'entry_'), "$code: entry_* are the settings");
            $unknown = array_diff(self::suffixes($keys, 'help_'), $settings, self::PAGE_FIELDS, ['webhook_register']);
            $this->assertSame([], array_values($unknown), "$code: help_* for settings the engine does not have");
            $this->assertSame(self::sorted(array_merge(self::$registry['setting_groups'], ['uninstall'])), self::suffixes($keys, 'tab_'), "$code: tab_*");
            foreach (self::$registry['settings'] as $setting) {
                foreach ($setting['choices'] as $choice) {
                    $this->assertArrayHasKey('text_' . $setting['name'] . '_' . $choice, $keys, $code);
                }
            }
        }
    }

    public function testTwigNamesNoJobOfItsOwn(): void
    {
        $known = array_merge(self::jobs(), self::names('manual_jobs'));
        $files = glob(self::ROOT . '/opencart-module/admin/view/template/*/*.twig');
        $this->assertNotEmpty($files);
        foreach ($files as $file) {
            preg_match_all('/\b([a-z]+_sync|webhook_processor)\b/', (string)file_get_contents($file), $m);
            foreach (array_unique($m[1]) as $job) {
                $this->assertContains($job, $known, basename($file) . " names a job the engine does not have: $job");
            }
        }
    }

    public function testOneCronScriptPerJobSayingWhatTheRegistrySays(): void
    {
        $scripts = [];
        foreach (glob(self::ROOT . '/php/cron/*.php') as $file) {
            $text = (string)file_get_contents($file);
            if (preg_match("/meschain_cron_main\\('(\\w+)', '([^']*)'/", $text, $m)) {
                $this->assertSame('cron/' . $m[1] . '.php', 'cron/' . basename($file), "$file runs its own job");
                $scripts[$m[1]] = $m[2];
            }
        }
        $this->assertSame(self::sorted(self::jobs()), self::sorted(array_keys($scripts)), 'php/cron/ has one script per job');
        foreach (self::$registry['jobs'] as $job) {
            $this->assertSame('cron/' . $job['name'] . '.php', $job['cron_script']);
            $this->assertSame($job['purpose'], $scripts[$job['name']], $job['name'] . ': its --help says its purpose');
        }
    }

    public function testThePackagedCronFileRunsEveryJobOnItsSchedule(): void
    {
        preg_match_all('/^(\S+ \S+ \S+ \S+ \S+)\s+www-data \/usr\/bin\/meschain cron (\w+)$/m', self::read('packaging/deb/cron'), $m, PREG_SET_ORDER);
        $lines = [];
        foreach ($m as [, $schedule, $job]) {
            $lines[$job] = $schedule;
        }
        $this->assertSame(array_column(self::$registry['jobs'], 'schedule', 'name'), $lines);
    }

    public function testTheCommandItsManPageAndTheCronScriptsKnowEveryJob(): void
    {
        $jobs = self::jobs();
        $command = self::read('packaging/deb/meschain');
        $this->assertMatchesRegularExpression('/^\s+' . implode('\|', $jobs) . '\) ;;$/m', $command, 'meschain cron accepts the jobs');
        $this->assertStringContainsString('cron wants one of ' . implode(' ', $jobs), $command);

        $syncs = array_column(array_filter(self::$registry['jobs'], static fn (array $j): bool => $j['role'] !== 'maintenance'), 'name');
        $man = self::read('packaging/deb/meschain.1');
        foreach ($syncs as $job) {
            $this->assertStringContainsString($job, $man, "the man page names $job");
        }

        $setup = self::read('scripts/setup_cron_jobs.sh');
        preg_match_all('/^  "(\w+)\|([^"]+)"$/m', $setup, $m, PREG_SET_ORDER);
        $this->assertSame(
            array_column(self::$registry['jobs'], 'schedule', 'name'),
            array_combine(array_column($m, 1), array_column($m, 2)),
            'setup_cron_jobs.sh schedules every job as the registry does'
        );
        $this->assertStringContainsString('^(' . implode('|', $jobs) . ')=', $setup, '--max-age accepts the jobs');

        $monitor = self::read('scripts/trendyol-cron-monitor');
        $this->assertStringContainsString('jobs=(' . implode(' ', $jobs) . ')', $monitor);
        $ages = [];
        foreach (self::$registry['jobs'] as $job) {
            $ages[] = '[' . $job['name'] . ']=' . 2 * $job['cron_minutes'];
        }
        $this->assertStringContainsString('max_age=(' . implode(' ', $ages) . ')', $monitor, 'twice each cron period');
    }

    public function testTheReadmeJobTableIsTheRegistry(): void
    {
        preg_match_all('/^\| `(\w+)` \| `([^`]+)` \| (\S+) \| (.+) \|$/m', self::read('README.md'), $m, PREG_SET_ORDER);
        $rows = [];
        foreach ($m as [, $job, $schedule, $switch, $interval]) {
            $rows[$job] = [$schedule, $switch, $interval];
        }
        $expected = [];
        foreach (self::$registry['jobs'] as $job) {
            $switch = $job['role'] === 'orchestrator' ? '`status`' : ($job['switch'] === null ? '–' : '`' . $job['switch'] . '`');
            $interval = $job['interval_setting'] === null ? $job['interval_minutes'] . ' min' : '`' . $job['interval_setting'] . '`';
            $expected[$job['name']] = [$job['schedule'], $switch, $interval];
        }
        $this->assertSame($expected, $rows);
    }
}
