
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'wl-hook' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'wl-hook'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'wl-hook' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Deliver signed WL webhooks to an endpoint: one, all topics, or a concurrent burst')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Run a local WL receiver that verifies, pretty-prints, records and asserts deliveries')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Run a conformance suite against your webhook endpoint, with a JUnit report for CI')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Re-deliver captured requests the way WL''s retry engine would, on a simulated clock')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check captured requests and explain every failure')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the signed request for a fixture or a body, as headers, curl, raw HTTP or JSON; sends nothing')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'The whole flow on this machine in seconds: listen, send, verify, replay, check')
            [CompletionResult]::new('fixtures', 'fixtures', [CompletionResultType]::ParameterValue, 'List, show, export and import fixtures (a real capture becomes one, personal data replaced)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (roff), e.g. wl-hook man | man -l -; --dir writes one page per command')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a starter receiver (Python, Node, PHP or Go) that passes wl-hook check')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the settings in effect and where each comes from (wl-hook.toml, profile, environment)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wl-hook;send' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Event, family alias, family.* or all (repeatable, or comma-separated): purchase.created, purchases, ''client.*''')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Event, family alias, family.* or all (repeatable, or comma-separated): purchase.created, purchases, ''client.*''')
            [CompletionResult]::new('--fixture', '--fixture', [CompletionResultType]::ParameterName, 'Render this JSON file instead of the bundled fixture (x-topic from --topic or its meta_data.topic)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Send this file''s bytes exactly (- for stdin); x-topic from --topic or its meta_data.topic')
            [CompletionResult]::new('--generated-at', '--generated-at', [CompletionResultType]::ParameterName, 'Back-date the event: meta_data.date and x-generated-at, at a time or relative to the clock: -2h')
            [CompletionResult]::new('--json-style', '--json-style', [CompletionResultType]::ParameterName, 'How fixture bodies are spelt (modelled: WL''s own spelling is unknown); --data is sent as is')
            [CompletionResult]::new('--fixtures', '--fixtures', [CompletionResultType]::ParameterName, 'A folder of <event>.json files that add or replace bundled fixtures')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for generated ids, for byte-for-byte reproducible output')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Fix the clock (meta_data.date, x-generated-at, x-sent-at): 2025-01-20T20:10:00Z, or relative: -2h, +1d')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set an existing field to a string: --set a_price.m_total=99.00 (repeatable)')
            [CompletionResult]::new('--set-json', '--set-json', [CompletionResultType]::ParameterName, 'Set an existing field to a JSON value: --set-json is_bookable=false (repeatable)')
            [CompletionResult]::new('--add', '--add', [CompletionResultType]::ParameterName, 'Create a field on purpose: --add a_price.m_fee=''"2.00"'' (repeatable; it must not exist)')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Replace an existing value whole, even an object or array: --replace purchase_items=''[]''')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Webhook key [default: $WL_HOOK_SECRET, else the built-in development key]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the webhook key from a file (one trailing newline is trimmed)')
            [CompletionResult]::new('--signature-encoding', '--signature-encoding', [CompletionResultType]::ParameterName, 'How x-signature-256 spells the HMAC (modelled: WL does not document it)')
            [CompletionResult]::new('--signature-prefix', '--signature-prefix', [CompletionResultType]::ParameterName, 'Text before the encoded HMAC, e.g. ''sha256='' (modelled: none)')
            [CompletionResult]::new('--payload-key', '--payload-key', [CompletionResultType]::ParameterName, 'What x-payload-key holds: the SHA-256 of the body, or none sent and none checked (modelled)')
            [CompletionResult]::new('--timestamp-format', '--timestamp-format', [CompletionResultType]::ParameterName, 'How x-generated-at and x-sent-at are written (modelled: WL does not document it)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Where to deliver')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add or replace a header: --header ''X-Trace: 1'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add or replace a header: --header ''X-Trace: 1'' (repeatable)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the certificates in this PEM file for https, e.g. a local self-signed one')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on a delivery after this long: 10s, 500ms, 1m')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Deliveries per topic, each a distinct event')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Deliveries in flight at once (one connection pool, keep-alive)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most this many deliveries started per second')
            [CompletionResult]::new('--sign-with', '--sign-with', [CompletionResultType]::ParameterName, 'Sign with this key instead (a forged delivery the receiver must reject)')
            [CompletionResult]::new('--repeat-exact', '--repeat-exact', [CompletionResultType]::ParameterName, 'Send the same bytes and headers N more times, as a retry or duplicate would be')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Accept a --data body that is not JSON')
            [CompletionResult]::new('--exact', '--exact', [CompletionResultType]::ParameterName, 'Keep the fixture''s meta_data.id and meta_data.date instead of making a new event')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the https endpoint''s certificate (TLS only: signatures are judged as always)')
            [CompletionResult]::new('--no-signature', '--no-signature', [CompletionResultType]::ParameterName, 'Leave out x-signature-256 (the receiver must reject it)')
            [CompletionResult]::new('--tamper', '--tamper', [CompletionResultType]::ParameterName, 'Change one byte of the body after signing (the receiver must reject it)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per line (see the README''s table for this command)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show request and response headers and the response body')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show request and response headers and the response body')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'wl-hook;listen' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Address to bind (loopback unless you say otherwise)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to bind; 0 picks a free one (read it from the first line or --ready-file)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'A key to try (repeatable); reports name the one that matched, never its value [also: $WL_HOOK_SECRET]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read a key from a file (repeatable; one trailing newline is trimmed)')
            [CompletionResult]::new('--signature-encoding', '--signature-encoding', [CompletionResultType]::ParameterName, 'How x-signature-256 spells the HMAC (modelled: WL does not document it)')
            [CompletionResult]::new('--signature-prefix', '--signature-prefix', [CompletionResultType]::ParameterName, 'Text before the encoded HMAC, e.g. ''sha256='' (modelled: none)')
            [CompletionResult]::new('--payload-key', '--payload-key', [CompletionResultType]::ParameterName, 'What x-payload-key holds: the SHA-256 of the body, or none sent and none checked (modelled)')
            [CompletionResult]::new('--timestamp-format', '--timestamp-format', [CompletionResultType]::ParameterName, 'How x-generated-at and x-sent-at are written (modelled: WL does not document it)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'The answer to a valid delivery')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest body accepted; larger gets 413: 1MiB, 512KiB, 2000000')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'What to show of each body')
            [CompletionResult]::new('--fail-first', '--fail-first', [CompletionResultType]::ParameterName, 'Fail the first N attempts of each payload key, then answer normally')
            [CompletionResult]::new('--fail-rate', '--fail-rate', [CompletionResultType]::ParameterName, 'Fail this fraction of deliveries (0 to 1), seeded by --seed')
            [CompletionResult]::new('--fail-status', '--fail-status', [CompletionResultType]::ParameterName, 'How a failed attempt is answered: 429, 500, 503, ... (without --fail-first or --fail-rate, every delivery fails)')
            [CompletionResult]::new('--retry-after', '--retry-after', [CompletionResultType]::ParameterName, 'Add ''Retry-After: SECONDS'' to the failure answer')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show and forward only these events (repeatable, comma-separated, aliases allowed); others are answered --status and counted')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for --fail-rate, for reproducible runs')
            [CompletionResult]::new('--delay', '--delay', [CompletionResultType]::ParameterName, 'Wait this long before every answer: 2s, 250ms')
            [CompletionResult]::new('--save', '--save', [CompletionResultType]::ParameterName, 'Write every request as a capture document into DIR (created when missing)')
            [CompletionResult]::new('--forward-to', '--forward-to', [CompletionResultType]::ParameterName, 'Relay each valid delivery unchanged to your app and answer with its status; TOPICS=URL routes some events to another app (repeatable: the first match wins, a bare URL takes the rest)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add a header to every forwarded request, for an app behind auth: -H ''Authorization: Bearer TOKEN'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add a header to every forwarded request, for an app behind auth: -H ''Authorization: Bearer TOKEN'' (repeatable)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the certificates in this PEM file for https, e.g. a local self-signed one')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after N deliveries (POST requests)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Stop after this long; exit 1 if --count or --expect-topic was not met by then')
            [CompletionResult]::new('--expect-topic', '--expect-topic', [CompletionResultType]::ParameterName, 'An event that must arrive as a valid delivery (repeatable, aliases allowed)')
            [CompletionResult]::new('--ready-file', '--ready-file', [CompletionResultType]::ParameterName, 'Write the URL here (atomically) once connections are accepted')
            [CompletionResult]::new('--ui-port', '--ui-port', [CompletionResultType]::ParameterName, 'Port of the browser inspector on 127.0.0.1 (default 9001, another free one when busy; 0 picks a free one)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Connections open at once; when all are taken, the one idle the longest is closed')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Close a kept-alive connection that carries no request for this long')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Time a client has to send its headers, and its body')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Do not check signatures: every delivery with a JSON body is answered --status')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Refuse (400) a delivery with a warning too (a wrong x-payload-key or content type...), as verify --strict fails it')
            [CompletionResult]::new('--hang', '--hang', [CompletionResultType]::ParameterName, 'Fail by never answering (the connection is held until the sender gives up or listen stops)')
            [CompletionResult]::new('--reset', '--reset', [CompletionResultType]::ParameterName, 'Fail by closing the connection without an answer')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the https endpoint''s certificate (TLS only: signatures are judged as always)')
            [CompletionResult]::new('--exit-with-parent', '--exit-with-parent', [CompletionResultType]::ParameterName, 'Stop when the process that started listen exits (a CI script that dies leaves no listener)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per line (see the README''s table for this command)')
            [CompletionResult]::new('--no-ui', '--no-ui', [CompletionResultType]::ParameterName, 'Do not serve the browser inspector')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'wl-hook;check' {
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'A key to try (repeatable); reports name the one that matched, never its value [also: $WL_HOOK_SECRET]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read a key from a file (repeatable; one trailing newline is trimmed)')
            [CompletionResult]::new('--signature-encoding', '--signature-encoding', [CompletionResultType]::ParameterName, 'How x-signature-256 spells the HMAC (modelled: WL does not document it)')
            [CompletionResult]::new('--signature-prefix', '--signature-prefix', [CompletionResultType]::ParameterName, 'Text before the encoded HMAC, e.g. ''sha256='' (modelled: none)')
            [CompletionResult]::new('--payload-key', '--payload-key', [CompletionResultType]::ParameterName, 'What x-payload-key holds: the SHA-256 of the body, or none sent and none checked (modelled)')
            [CompletionResult]::new('--timestamp-format', '--timestamp-format', [CompletionResultType]::ParameterName, 'How x-generated-at and x-sent-at are written (modelled: WL does not document it)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Events for the accepts scenario (repeatable or comma-separated; default all 13); the first is used by the others')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Events for the accepts scenario (repeatable or comma-separated; default all 13); the first is used by the others')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'An answer slower than this fails: 10s, 500ms')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'First wait up to this long for the endpoint to accept connections (an app starting in the background)')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Concurrent deliveries in the burst scenario')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Run only these scenarios (repeatable; listed below)')
            [CompletionResult]::new('--junit', '--junit', [CompletionResultType]::ParameterName, 'Write a JUnit XML report here')
            [CompletionResult]::new('--fixtures', '--fixtures', [CompletionResultType]::ParameterName, 'A folder of <event>.json files that add or replace bundled fixtures')
            [CompletionResult]::new('--json-style', '--json-style', [CompletionResultType]::ParameterName, 'How fixture bodies are spelt (modelled: WL''s own spelling is unknown)')
            [CompletionResult]::new('--connections', '--connections', [CompletionResultType]::ParameterName, 'How deliveries use connections (modelled: WL''s sender likely opens one per delivery)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add a header to every request, for an endpoint behind auth: -H ''Authorization: Bearer TOKEN'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add a header to every request, for an endpoint behind auth: -H ''Authorization: Bearer TOKEN'' (repeatable)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the certificates in this PEM file for https, e.g. a local self-signed one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail a scenario that only warns (an unknown topic refused, answers near --timeout), as verify --strict does')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per line (see the README''s table for this command)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the https endpoint''s certificate (TLS only: signatures are judged as always)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'wl-hook;replay' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Where to deliver (never a host taken from a capture)')
            [CompletionResult]::new('--schedule', '--schedule', [CompletionResultType]::ParameterName, 'Retry schedule: wellnessliving, svix, standard-webhooks, exponential:..., list:...')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Give up after this many attempts')
            [CompletionResult]::new('--jitter', '--jitter', [CompletionResultType]::ParameterName, 'Vary each delay by up to this many percent (reproducible with --seed)')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for --jitter and --order shuffle')
            [CompletionResult]::new('--start', '--start', [CompletionResultType]::ParameterName, 'Start the simulated clock here instead of now: a time, or relative to now: +1h, -1d')
            [CompletionResult]::new('--speed', '--speed', [CompletionResultType]::ParameterName, 'Really wait delay/X between attempts (3600 = one simulated hour per second)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Webhook key [default: $WL_HOOK_SECRET, else the built-in development key]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the webhook key from a file (one trailing newline is trimmed)')
            [CompletionResult]::new('--signature-encoding', '--signature-encoding', [CompletionResultType]::ParameterName, 'How x-signature-256 spells the HMAC (modelled: WL does not document it)')
            [CompletionResult]::new('--signature-prefix', '--signature-prefix', [CompletionResultType]::ParameterName, 'Text before the encoded HMAC, e.g. ''sha256='' (modelled: none)')
            [CompletionResult]::new('--payload-key', '--payload-key', [CompletionResultType]::ParameterName, 'What x-payload-key holds: the SHA-256 of the body, or none sent and none checked (modelled)')
            [CompletionResult]::new('--timestamp-format', '--timestamp-format', [CompletionResultType]::ParameterName, 'How x-generated-at and x-sent-at are written (modelled: WL does not document it)')
            [CompletionResult]::new('--duplicates', '--duplicates', [CompletionResultType]::ParameterName, 'After success, deliver N more identical copies and check each is acknowledged')
            [CompletionResult]::new('--order', '--order', [CompletionResultType]::ParameterName, 'Order of several captures')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one attempt after this long')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add a header to every request, for an endpoint behind auth: -H ''Authorization: Bearer TOKEN'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add a header to every request, for an endpoint behind auth: -H ''Authorization: Bearer TOKEN'' (repeatable)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the certificates in this PEM file for https, e.g. a local self-signed one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults')
            [CompletionResult]::new('--realtime', '--realtime', [CompletionResultType]::ParameterName, 'Really wait the full delays')
            [CompletionResult]::new('--resign', '--resign', [CompletionResultType]::ParameterName, 'Re-sign each capture with the key (--secret, --secret-file, WL_HOOK_SECRET)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per line (see the README''s table for this command)')
            [CompletionResult]::new('--print-schedule', '--print-schedule', [CompletionResultType]::ParameterName, 'Print the schedule (attempt, delay, cumulative time) and exit')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the https endpoint''s certificate (TLS only: signatures are judged as always)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'wl-hook;verify' {
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'A key to try (repeatable); reports name the one that matched, never its value [also: $WL_HOOK_SECRET]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read a key from a file (repeatable; one trailing newline is trimmed)')
            [CompletionResult]::new('--signature-encoding', '--signature-encoding', [CompletionResultType]::ParameterName, 'How x-signature-256 spells the HMAC (modelled: WL does not document it)')
            [CompletionResult]::new('--signature-prefix', '--signature-prefix', [CompletionResultType]::ParameterName, 'Text before the encoded HMAC, e.g. ''sha256='' (modelled: none)')
            [CompletionResult]::new('--payload-key', '--payload-key', [CompletionResultType]::ParameterName, 'What x-payload-key holds: the SHA-256 of the body, or none sent and none checked (modelled)')
            [CompletionResult]::new('--timestamp-format', '--timestamp-format', [CompletionResultType]::ParameterName, 'How x-generated-at and x-sent-at are written (modelled: WL does not document it)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The clock for the age checks, at a time or relative to now: +1d, -2h [default: now]')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Fail events older than this (without it, older than WL''s 72 h retry window is a warning)')
            [CompletionResult]::new('--skew', '--skew', [CompletionResultType]::ParameterName, 'How far in the future x-generated-at may be')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults')
            [CompletionResult]::new('--show-expected', '--show-expected', [CompletionResultType]::ParameterName, 'Show the signature the first key gives over the body')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Count warnings (a wrong x-payload-key or content type, an unknown event...) as failures')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing; only the exit code tells')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing; only the exit code tells')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per line (see the README''s table for this command)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'wl-hook;sign' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Event, family alias, family.* or all (repeatable, or comma-separated): purchase.created, purchases, ''client.*''')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Event, family alias, family.* or all (repeatable, or comma-separated): purchase.created, purchases, ''client.*''')
            [CompletionResult]::new('--fixture', '--fixture', [CompletionResultType]::ParameterName, 'Render this JSON file instead of the bundled fixture (x-topic from --topic or its meta_data.topic)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Send this file''s bytes exactly (- for stdin); x-topic from --topic or its meta_data.topic')
            [CompletionResult]::new('--generated-at', '--generated-at', [CompletionResultType]::ParameterName, 'Back-date the event: meta_data.date and x-generated-at, at a time or relative to the clock: -2h')
            [CompletionResult]::new('--json-style', '--json-style', [CompletionResultType]::ParameterName, 'How fixture bodies are spelt (modelled: WL''s own spelling is unknown); --data is sent as is')
            [CompletionResult]::new('--fixtures', '--fixtures', [CompletionResultType]::ParameterName, 'A folder of <event>.json files that add or replace bundled fixtures')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for generated ids, for byte-for-byte reproducible output')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Fix the clock (meta_data.date, x-generated-at, x-sent-at): 2025-01-20T20:10:00Z, or relative: -2h, +1d')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set an existing field to a string: --set a_price.m_total=99.00 (repeatable)')
            [CompletionResult]::new('--set-json', '--set-json', [CompletionResultType]::ParameterName, 'Set an existing field to a JSON value: --set-json is_bookable=false (repeatable)')
            [CompletionResult]::new('--add', '--add', [CompletionResultType]::ParameterName, 'Create a field on purpose: --add a_price.m_fee=''"2.00"'' (repeatable; it must not exist)')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Replace an existing value whole, even an object or array: --replace purchase_items=''[]''')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Webhook key [default: $WL_HOOK_SECRET, else the built-in development key]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the webhook key from a file (one trailing newline is trimmed)')
            [CompletionResult]::new('--signature-encoding', '--signature-encoding', [CompletionResultType]::ParameterName, 'How x-signature-256 spells the HMAC (modelled: WL does not document it)')
            [CompletionResult]::new('--signature-prefix', '--signature-prefix', [CompletionResultType]::ParameterName, 'Text before the encoded HMAC, e.g. ''sha256='' (modelled: none)')
            [CompletionResult]::new('--payload-key', '--payload-key', [CompletionResultType]::ParameterName, 'What x-payload-key holds: the SHA-256 of the body, or none sent and none checked (modelled)')
            [CompletionResult]::new('--timestamp-format', '--timestamp-format', [CompletionResultType]::ParameterName, 'How x-generated-at and x-sent-at are written (modelled: WL does not document it)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print the request')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The endpoint named in curl and http output')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add or replace a header: --header ''X-Trace: 1'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add or replace a header: --header ''X-Trace: 1'' (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Accept a --data body that is not JSON')
            [CompletionResult]::new('--exact', '--exact', [CompletionResultType]::ParameterName, 'Keep the fixture''s meta_data.id and meta_data.date instead of making a new event')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'wl-hook;demo' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per line (see the README''s table for this command)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'wl-hook;fixtures' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the events: family, seed name, aliases, record-id field')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show fixtures rendered as new events (pretty JSON), or the stored files with --raw')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the fixtures in effect to DIR as <event>.json, to edit and use with --fixtures')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Turn a real captured request into a fixture, with personal data replaced by fake values')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wl-hook;fixtures;list' {
            [CompletionResult]::new('--fixtures', '--fixtures', [CompletionResultType]::ParameterName, 'A folder of <event>.json files that add or replace bundled fixtures')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per line (see the README''s table for this command)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'wl-hook;fixtures;show' {
            [CompletionResult]::new('--fixtures', '--fixtures', [CompletionResultType]::ParameterName, 'A folder of <event>.json files that add or replace bundled fixtures')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for generated ids, for byte-for-byte reproducible output')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Fix the clock (meta_data.date, x-generated-at, x-sent-at): 2025-01-20T20:10:00Z, or relative: -2h, +1d')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set an existing field to a string: --set a_price.m_total=99.00 (repeatable)')
            [CompletionResult]::new('--set-json', '--set-json', [CompletionResultType]::ParameterName, 'Set an existing field to a JSON value: --set-json is_bookable=false (repeatable)')
            [CompletionResult]::new('--add', '--add', [CompletionResultType]::ParameterName, 'Create a field on purpose: --add a_price.m_fee=''"2.00"'' (repeatable; it must not exist)')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Replace an existing value whole, even an object or array: --replace purchase_items=''[]''')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Print the stored file exactly as it is')
            [CompletionResult]::new('--exact', '--exact', [CompletionResultType]::ParameterName, 'Keep the fixture''s meta_data.id and meta_data.date instead of making a new event')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'wl-hook;fixtures;export' {
            [CompletionResult]::new('--fixtures', '--fixtures', [CompletionResultType]::ParameterName, 'A folder of <event>.json files that add or replace bundled fixtures')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite files that exist')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'wl-hook;fixtures;import' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The event name, which is also the file name: <NAME>.json')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Folder to write to (created when missing); use it with --fixtures DIR')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for the fake values')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults')
            [CompletionResult]::new('--no-redact', '--no-redact', [CompletionResultType]::ParameterName, 'Keep personal data as it is (not for fixtures you share)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite the file if it exists')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'wl-hook;fixtures;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the events: family, seed name, aliases, record-id field')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show fixtures rendered as new events (pretty JSON), or the stored files with --raw')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the fixtures in effect to DIR as <event>.json, to edit and use with --fixtures')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Turn a real captured request into a fixture, with personal data replaced by fake values')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wl-hook;fixtures;help;list' {
            break
        }
        'wl-hook;fixtures;help;show' {
            break
        }
        'wl-hook;fixtures;help;export' {
            break
        }
        'wl-hook;fixtures;help;import' {
            break
        }
        'wl-hook;fixtures;help;help' {
            break
        }
        'wl-hook;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'wl-hook;man' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write wl-hook.1 and a page per command (wl-hook-send.1, wl-hook-fixtures-import.1, ...) into this folder instead of printing one page')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'wl-hook;init' {
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'The starter''s language')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Write into a folder that is not empty, replacing files with the same names')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'List the starters instead of writing one')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'wl-hook;config' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the settings in effect, each with where it comes from; never a key')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wl-hook;config;show' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per line (see the README''s table for this command)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'wl-hook;config;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the settings in effect, each with where it comes from; never a key')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wl-hook;config;help;show' {
            break
        }
        'wl-hook;config;help;help' {
            break
        }
        'wl-hook;help' {
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Deliver signed WL webhooks to an endpoint: one, all topics, or a concurrent burst')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Run a local WL receiver that verifies, pretty-prints, records and asserts deliveries')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Run a conformance suite against your webhook endpoint, with a JUnit report for CI')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Re-deliver captured requests the way WL''s retry engine would, on a simulated clock')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check captured requests and explain every failure')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the signed request for a fixture or a body, as headers, curl, raw HTTP or JSON; sends nothing')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'The whole flow on this machine in seconds: listen, send, verify, replay, check')
            [CompletionResult]::new('fixtures', 'fixtures', [CompletionResultType]::ParameterValue, 'List, show, export and import fixtures (a real capture becomes one, personal data replaced)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (roff), e.g. wl-hook man | man -l -; --dir writes one page per command')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a starter receiver (Python, Node, PHP or Go) that passes wl-hook check')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the settings in effect and where each comes from (wl-hook.toml, profile, environment)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wl-hook;help;send' {
            break
        }
        'wl-hook;help;listen' {
            break
        }
        'wl-hook;help;check' {
            break
        }
        'wl-hook;help;replay' {
            break
        }
        'wl-hook;help;verify' {
            break
        }
        'wl-hook;help;sign' {
            break
        }
        'wl-hook;help;demo' {
            break
        }
        'wl-hook;help;fixtures' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the events: family, seed name, aliases, record-id field')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show fixtures rendered as new events (pretty JSON), or the stored files with --raw')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the fixtures in effect to DIR as <event>.json, to edit and use with --fixtures')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Turn a real captured request into a fixture, with personal data replaced by fake values')
            break
        }
        'wl-hook;help;fixtures;list' {
            break
        }
        'wl-hook;help;fixtures;show' {
            break
        }
        'wl-hook;help;fixtures;export' {
            break
        }
        'wl-hook;help;fixtures;import' {
            break
        }
        'wl-hook;help;completions' {
            break
        }
        'wl-hook;help;man' {
            break
        }
        'wl-hook;help;init' {
            break
        }
        'wl-hook;help;config' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the settings in effect, each with where it comes from; never a key')
            break
        }
        'wl-hook;help;config;show' {
            break
        }
        'wl-hook;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
