<?php
// Processes the events index.php queued, oldest first, after their answer has gone. Run it beside
// the web server (./start does), or from cron with --once.
declare(strict_types=1);

require __DIR__ . '/store.php';

/** Your work goes here: update your CRM, database or dashboard. */
function handle(string $topic, array $event): void
{
    error_log("processed $topic for " . (record_of($topic, $event) ?? 'no record'));
}

$once = in_array('--once', $argv, true);
do {
    $jobs = glob(data_dir('queue') . '/*.json') ?: [];
    sort($jobs);
    foreach ($jobs as $path) {
        // Renaming claims the job, so two workers never take the same one.
        $claimed = "$path.working";
        if (!@rename($path, $claimed)) {
            continue;
        }
        try {
            $job = json_decode((string) file_get_contents($claimed), true, 512, JSON_THROW_ON_ERROR);
            handle($job['topic'], json_decode($job['body'], true, 512, JSON_THROW_ON_ERROR));
            unlink($claimed);
        } catch (Throwable $e) {
            // One bad event must not stop the worker; keep it for a look.
            error_log("processing $path failed: " . $e->getMessage());
            @rename($claimed, "$path.failed");
        }
    }
    if (!$once) {
        usleep(200_000);
    }
} while (!$once);
