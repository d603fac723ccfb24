
use builtin;
use str;

set edit:completion:arg-completer[wl-hook] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'wl-hook'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'wl-hook'= {
            cand --color 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never'
            cand --profile 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand send 'Deliver signed WL webhooks to an endpoint: one, all topics, or a concurrent burst'
            cand listen 'Run a local WL receiver that verifies, pretty-prints, records and asserts deliveries'
            cand check 'Run a conformance suite against your webhook endpoint, with a JUnit report for CI'
            cand replay 'Re-deliver captured requests the way WL''s retry engine would, on a simulated clock'
            cand verify 'Check captured requests and explain every failure'
            cand sign 'Print the signed request for a fixture or a body, as headers, curl, raw HTTP or JSON; sends nothing'
            cand demo 'The whole flow on this machine in seconds: listen, send, verify, replay, check'
            cand fixtures 'List, show, export and import fixtures (a real capture becomes one, personal data replaced)'
            cand completions 'Print a shell completion script to stdout'
            cand man 'Print the manual page (roff), e.g. wl-hook man | man -l -; --dir writes one page per command'
            cand init 'Write a starter receiver (Python, Node, PHP or Go) that passes wl-hook check'
            cand config 'Show the settings in effect and where each comes from (wl-hook.toml, profile, environment)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wl-hook;send'= {
            cand -t 'Event, family alias, family.* or all (repeatable, or comma-separated): purchase.created, purchases, ''client.*'''
            cand --topic 'Event, family alias, family.* or all (repeatable, or comma-separated): purchase.created, purchases, ''client.*'''
            cand --fixture 'Render this JSON file instead of the bundled fixture (x-topic from --topic or its meta_data.topic)'
            cand --data 'Send this file''s bytes exactly (- for stdin); x-topic from --topic or its meta_data.topic'
            cand --generated-at 'Back-date the event: meta_data.date and x-generated-at, at a time or relative to the clock: -2h'
            cand --json-style 'How fixture bodies are spelt (modelled: WL''s own spelling is unknown); --data is sent as is'
            cand --fixtures 'A folder of <event>.json files that add or replace bundled fixtures'
            cand --seed 'Seed for generated ids, for byte-for-byte reproducible output'
            cand --now 'Fix the clock (meta_data.date, x-generated-at, x-sent-at): 2025-01-20T20:10:00Z, or relative: -2h, +1d'
            cand --set 'Set an existing field to a string: --set a_price.m_total=99.00 (repeatable)'
            cand --set-json 'Set an existing field to a JSON value: --set-json is_bookable=false (repeatable)'
            cand --add 'Create a field on purpose: --add a_price.m_fee=''"2.00"'' (repeatable; it must not exist)'
            cand --replace 'Replace an existing value whole, even an object or array: --replace purchase_items=''[]'''
            cand --secret 'Webhook key [default: $WL_HOOK_SECRET, else the built-in development key]'
            cand --secret-file 'Read the webhook key from a file (one trailing newline is trimmed)'
            cand --signature-encoding 'How x-signature-256 spells the HMAC (modelled: WL does not document it)'
            cand --signature-prefix 'Text before the encoded HMAC, e.g. ''sha256='' (modelled: none)'
            cand --payload-key 'What x-payload-key holds: the SHA-256 of the body, or none sent and none checked (modelled)'
            cand --timestamp-format 'How x-generated-at and x-sent-at are written (modelled: WL does not document it)'
            cand --url 'Where to deliver'
            cand -H 'Add or replace a header: --header ''X-Trace: 1'' (repeatable)'
            cand --header 'Add or replace a header: --header ''X-Trace: 1'' (repeatable)'
            cand --cacert 'Trust the certificates in this PEM file for https, e.g. a local self-signed one'
            cand --timeout 'Give up on a delivery after this long: 10s, 500ms, 1m'
            cand --count 'Deliveries per topic, each a distinct event'
            cand --concurrency 'Deliveries in flight at once (one connection pool, keep-alive)'
            cand --rate 'At most this many deliveries started per second'
            cand --sign-with 'Sign with this key instead (a forged delivery the receiver must reject)'
            cand --repeat-exact 'Send the same bytes and headers N more times, as a retry or duplicate would be'
            cand --color 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never'
            cand --profile 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults'
            cand --raw 'Accept a --data body that is not JSON'
            cand --exact 'Keep the fixture''s meta_data.id and meta_data.date instead of making a new event'
            cand --insecure 'Do not check the https endpoint''s certificate (TLS only: signatures are judged as always)'
            cand --no-signature 'Leave out x-signature-256 (the receiver must reject it)'
            cand --tamper 'Change one byte of the body after signing (the receiver must reject it)'
            cand --json 'One JSON object per line (see the README''s table for this command)'
            cand -v 'Show request and response headers and the response body'
            cand --verbose 'Show request and response headers and the response body'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'wl-hook;listen'= {
            cand --host 'Address to bind (loopback unless you say otherwise)'
            cand --port 'Port to bind; 0 picks a free one (read it from the first line or --ready-file)'
            cand --secret 'A key to try (repeatable); reports name the one that matched, never its value [also: $WL_HOOK_SECRET]'
            cand --secret-file 'Read a key from a file (repeatable; one trailing newline is trimmed)'
            cand --signature-encoding 'How x-signature-256 spells the HMAC (modelled: WL does not document it)'
            cand --signature-prefix 'Text before the encoded HMAC, e.g. ''sha256='' (modelled: none)'
            cand --payload-key 'What x-payload-key holds: the SHA-256 of the body, or none sent and none checked (modelled)'
            cand --timestamp-format 'How x-generated-at and x-sent-at are written (modelled: WL does not document it)'
            cand --status 'The answer to a valid delivery'
            cand --max-body 'Largest body accepted; larger gets 413: 1MiB, 512KiB, 2000000'
            cand --body 'What to show of each body'
            cand --fail-first 'Fail the first N attempts of each payload key, then answer normally'
            cand --fail-rate 'Fail this fraction of deliveries (0 to 1), seeded by --seed'
            cand --fail-status 'How a failed attempt is answered: 429, 500, 503, ... (without --fail-first or --fail-rate, every delivery fails)'
            cand --retry-after 'Add ''Retry-After: SECONDS'' to the failure answer'
            cand --events 'Show and forward only these events (repeatable, comma-separated, aliases allowed); others are answered --status and counted'
            cand --seed 'Seed for --fail-rate, for reproducible runs'
            cand --delay 'Wait this long before every answer: 2s, 250ms'
            cand --save 'Write every request as a capture document into DIR (created when missing)'
            cand --forward-to 'Relay each valid delivery unchanged to your app and answer with its status; TOPICS=URL routes some events to another app (repeatable: the first match wins, a bare URL takes the rest)'
            cand -H 'Add a header to every forwarded request, for an app behind auth: -H ''Authorization: Bearer TOKEN'' (repeatable)'
            cand --header 'Add a header to every forwarded request, for an app behind auth: -H ''Authorization: Bearer TOKEN'' (repeatable)'
            cand --cacert 'Trust the certificates in this PEM file for https, e.g. a local self-signed one'
            cand --count 'Stop after N deliveries (POST requests)'
            cand --timeout 'Stop after this long; exit 1 if --count or --expect-topic was not met by then'
            cand --expect-topic 'An event that must arrive as a valid delivery (repeatable, aliases allowed)'
            cand --ready-file 'Write the URL here (atomically) once connections are accepted'
            cand --ui-port 'Port of the browser inspector on 127.0.0.1 (default 9001, another free one when busy; 0 picks a free one)'
            cand --max-connections 'Connections open at once; when all are taken, the one idle the longest is closed'
            cand --idle-timeout 'Close a kept-alive connection that carries no request for this long'
            cand --read-timeout 'Time a client has to send its headers, and its body'
            cand --color 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never'
            cand --profile 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults'
            cand --no-verify 'Do not check signatures: every delivery with a JSON body is answered --status'
            cand --strict 'Refuse (400) a delivery with a warning too (a wrong x-payload-key or content type...), as verify --strict fails it'
            cand --hang 'Fail by never answering (the connection is held until the sender gives up or listen stops)'
            cand --reset 'Fail by closing the connection without an answer'
            cand --insecure 'Do not check the https endpoint''s certificate (TLS only: signatures are judged as always)'
            cand --exit-with-parent 'Stop when the process that started listen exits (a CI script that dies leaves no listener)'
            cand --json 'One JSON object per line (see the README''s table for this command)'
            cand --no-ui 'Do not serve the browser inspector'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'wl-hook;check'= {
            cand --secret 'A key to try (repeatable); reports name the one that matched, never its value [also: $WL_HOOK_SECRET]'
            cand --secret-file 'Read a key from a file (repeatable; one trailing newline is trimmed)'
            cand --signature-encoding 'How x-signature-256 spells the HMAC (modelled: WL does not document it)'
            cand --signature-prefix 'Text before the encoded HMAC, e.g. ''sha256='' (modelled: none)'
            cand --payload-key 'What x-payload-key holds: the SHA-256 of the body, or none sent and none checked (modelled)'
            cand --timestamp-format 'How x-generated-at and x-sent-at are written (modelled: WL does not document it)'
            cand -t 'Events for the accepts scenario (repeatable or comma-separated; default all 13); the first is used by the others'
            cand --topic 'Events for the accepts scenario (repeatable or comma-separated; default all 13); the first is used by the others'
            cand --timeout 'An answer slower than this fails: 10s, 500ms'
            cand --wait 'First wait up to this long for the endpoint to accept connections (an app starting in the background)'
            cand --burst 'Concurrent deliveries in the burst scenario'
            cand --only 'Run only these scenarios (repeatable; listed below)'
            cand --junit 'Write a JUnit XML report here'
            cand --fixtures 'A folder of <event>.json files that add or replace bundled fixtures'
            cand --json-style 'How fixture bodies are spelt (modelled: WL''s own spelling is unknown)'
            cand --connections 'How deliveries use connections (modelled: WL''s sender likely opens one per delivery)'
            cand -H 'Add a header to every request, for an endpoint behind auth: -H ''Authorization: Bearer TOKEN'' (repeatable)'
            cand --header 'Add a header to every request, for an endpoint behind auth: -H ''Authorization: Bearer TOKEN'' (repeatable)'
            cand --cacert 'Trust the certificates in this PEM file for https, e.g. a local self-signed one'
            cand --color 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never'
            cand --profile 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults'
            cand --strict 'Fail a scenario that only warns (an unknown topic refused, answers near --timeout), as verify --strict does'
            cand --json 'One JSON object per line (see the README''s table for this command)'
            cand --insecure 'Do not check the https endpoint''s certificate (TLS only: signatures are judged as always)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'wl-hook;replay'= {
            cand --url 'Where to deliver (never a host taken from a capture)'
            cand --schedule 'Retry schedule: wellnessliving, svix, standard-webhooks, exponential:..., list:...'
            cand --max-attempts 'Give up after this many attempts'
            cand --jitter 'Vary each delay by up to this many percent (reproducible with --seed)'
            cand --seed 'Seed for --jitter and --order shuffle'
            cand --start 'Start the simulated clock here instead of now: a time, or relative to now: +1h, -1d'
            cand --speed 'Really wait delay/X between attempts (3600 = one simulated hour per second)'
            cand --secret 'Webhook key [default: $WL_HOOK_SECRET, else the built-in development key]'
            cand --secret-file 'Read the webhook key from a file (one trailing newline is trimmed)'
            cand --signature-encoding 'How x-signature-256 spells the HMAC (modelled: WL does not document it)'
            cand --signature-prefix 'Text before the encoded HMAC, e.g. ''sha256='' (modelled: none)'
            cand --payload-key 'What x-payload-key holds: the SHA-256 of the body, or none sent and none checked (modelled)'
            cand --timestamp-format 'How x-generated-at and x-sent-at are written (modelled: WL does not document it)'
            cand --duplicates 'After success, deliver N more identical copies and check each is acknowledged'
            cand --order 'Order of several captures'
            cand --timeout 'Give up on one attempt after this long'
            cand -H 'Add a header to every request, for an endpoint behind auth: -H ''Authorization: Bearer TOKEN'' (repeatable)'
            cand --header 'Add a header to every request, for an endpoint behind auth: -H ''Authorization: Bearer TOKEN'' (repeatable)'
            cand --cacert 'Trust the certificates in this PEM file for https, e.g. a local self-signed one'
            cand --color 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never'
            cand --profile 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults'
            cand --realtime 'Really wait the full delays'
            cand --resign 'Re-sign each capture with the key (--secret, --secret-file, WL_HOOK_SECRET)'
            cand --json 'One JSON object per line (see the README''s table for this command)'
            cand --print-schedule 'Print the schedule (attempt, delay, cumulative time) and exit'
            cand --insecure 'Do not check the https endpoint''s certificate (TLS only: signatures are judged as always)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'wl-hook;verify'= {
            cand --secret 'A key to try (repeatable); reports name the one that matched, never its value [also: $WL_HOOK_SECRET]'
            cand --secret-file 'Read a key from a file (repeatable; one trailing newline is trimmed)'
            cand --signature-encoding 'How x-signature-256 spells the HMAC (modelled: WL does not document it)'
            cand --signature-prefix 'Text before the encoded HMAC, e.g. ''sha256='' (modelled: none)'
            cand --payload-key 'What x-payload-key holds: the SHA-256 of the body, or none sent and none checked (modelled)'
            cand --timestamp-format 'How x-generated-at and x-sent-at are written (modelled: WL does not document it)'
            cand --now 'The clock for the age checks, at a time or relative to now: +1d, -2h [default: now]'
            cand --max-age 'Fail events older than this (without it, older than WL''s 72 h retry window is a warning)'
            cand --skew 'How far in the future x-generated-at may be'
            cand --color 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never'
            cand --profile 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults'
            cand --show-expected 'Show the signature the first key gives over the body'
            cand --strict 'Count warnings (a wrong x-payload-key or content type, an unknown event...) as failures'
            cand -q 'Print nothing; only the exit code tells'
            cand --quiet 'Print nothing; only the exit code tells'
            cand --json 'One JSON object per line (see the README''s table for this command)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'wl-hook;sign'= {
            cand -t 'Event, family alias, family.* or all (repeatable, or comma-separated): purchase.created, purchases, ''client.*'''
            cand --topic 'Event, family alias, family.* or all (repeatable, or comma-separated): purchase.created, purchases, ''client.*'''
            cand --fixture 'Render this JSON file instead of the bundled fixture (x-topic from --topic or its meta_data.topic)'
            cand --data 'Send this file''s bytes exactly (- for stdin); x-topic from --topic or its meta_data.topic'
            cand --generated-at 'Back-date the event: meta_data.date and x-generated-at, at a time or relative to the clock: -2h'
            cand --json-style 'How fixture bodies are spelt (modelled: WL''s own spelling is unknown); --data is sent as is'
            cand --fixtures 'A folder of <event>.json files that add or replace bundled fixtures'
            cand --seed 'Seed for generated ids, for byte-for-byte reproducible output'
            cand --now 'Fix the clock (meta_data.date, x-generated-at, x-sent-at): 2025-01-20T20:10:00Z, or relative: -2h, +1d'
            cand --set 'Set an existing field to a string: --set a_price.m_total=99.00 (repeatable)'
            cand --set-json 'Set an existing field to a JSON value: --set-json is_bookable=false (repeatable)'
            cand --add 'Create a field on purpose: --add a_price.m_fee=''"2.00"'' (repeatable; it must not exist)'
            cand --replace 'Replace an existing value whole, even an object or array: --replace purchase_items=''[]'''
            cand --secret 'Webhook key [default: $WL_HOOK_SECRET, else the built-in development key]'
            cand --secret-file 'Read the webhook key from a file (one trailing newline is trimmed)'
            cand --signature-encoding 'How x-signature-256 spells the HMAC (modelled: WL does not document it)'
            cand --signature-prefix 'Text before the encoded HMAC, e.g. ''sha256='' (modelled: none)'
            cand --payload-key 'What x-payload-key holds: the SHA-256 of the body, or none sent and none checked (modelled)'
            cand --timestamp-format 'How x-generated-at and x-sent-at are written (modelled: WL does not document it)'
            cand --format 'How to print the request'
            cand --url 'The endpoint named in curl and http output'
            cand -H 'Add or replace a header: --header ''X-Trace: 1'' (repeatable)'
            cand --header 'Add or replace a header: --header ''X-Trace: 1'' (repeatable)'
            cand --color 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never'
            cand --profile 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults'
            cand --raw 'Accept a --data body that is not JSON'
            cand --exact 'Keep the fixture''s meta_data.id and meta_data.date instead of making a new event'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'wl-hook;demo'= {
            cand --color 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never'
            cand --profile 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults'
            cand --json 'One JSON object per line (see the README''s table for this command)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'wl-hook;fixtures'= {
            cand --color 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never'
            cand --profile 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults'
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'List the events: family, seed name, aliases, record-id field'
            cand show 'Show fixtures rendered as new events (pretty JSON), or the stored files with --raw'
            cand export 'Write the fixtures in effect to DIR as <event>.json, to edit and use with --fixtures'
            cand import 'Turn a real captured request into a fixture, with personal data replaced by fake values'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wl-hook;fixtures;list'= {
            cand --fixtures 'A folder of <event>.json files that add or replace bundled fixtures'
            cand --color 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never'
            cand --profile 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults'
            cand --json 'One JSON object per line (see the README''s table for this command)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'wl-hook;fixtures;show'= {
            cand --fixtures 'A folder of <event>.json files that add or replace bundled fixtures'
            cand --seed 'Seed for generated ids, for byte-for-byte reproducible output'
            cand --now 'Fix the clock (meta_data.date, x-generated-at, x-sent-at): 2025-01-20T20:10:00Z, or relative: -2h, +1d'
            cand --set 'Set an existing field to a string: --set a_price.m_total=99.00 (repeatable)'
            cand --set-json 'Set an existing field to a JSON value: --set-json is_bookable=false (repeatable)'
            cand --add 'Create a field on purpose: --add a_price.m_fee=''"2.00"'' (repeatable; it must not exist)'
            cand --replace 'Replace an existing value whole, even an object or array: --replace purchase_items=''[]'''
            cand --color 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never'
            cand --profile 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults'
            cand --raw 'Print the stored file exactly as it is'
            cand --exact 'Keep the fixture''s meta_data.id and meta_data.date instead of making a new event'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'wl-hook;fixtures;export'= {
            cand --fixtures 'A folder of <event>.json files that add or replace bundled fixtures'
            cand --color 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never'
            cand --profile 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults'
            cand --force 'Overwrite files that exist'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'wl-hook;fixtures;import'= {
            cand --name 'The event name, which is also the file name: <NAME>.json'
            cand --dir 'Folder to write to (created when missing); use it with --fixtures DIR'
            cand --seed 'Seed for the fake values'
            cand --color 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never'
            cand --profile 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults'
            cand --no-redact 'Keep personal data as it is (not for fixtures you share)'
            cand --force 'Overwrite the file if it exists'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'wl-hook;fixtures;help'= {
            cand list 'List the events: family, seed name, aliases, record-id field'
            cand show 'Show fixtures rendered as new events (pretty JSON), or the stored files with --raw'
            cand export 'Write the fixtures in effect to DIR as <event>.json, to edit and use with --fixtures'
            cand import 'Turn a real captured request into a fixture, with personal data replaced by fake values'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wl-hook;fixtures;help;list'= {
        }
        &'wl-hook;fixtures;help;show'= {
        }
        &'wl-hook;fixtures;help;export'= {
        }
        &'wl-hook;fixtures;help;import'= {
        }
        &'wl-hook;fixtures;help;help'= {
        }
        &'wl-hook;completions'= {
            cand --color 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never'
            cand --profile 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'wl-hook;man'= {
            cand --dir 'Write wl-hook.1 and a page per command (wl-hook-send.1, wl-hook-fixtures-import.1, ...) into this folder instead of printing one page'
            cand --color 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never'
            cand --profile 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'wl-hook;init'= {
            cand --lang 'The starter''s language'
            cand --color 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never'
            cand --profile 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults'
            cand --force 'Write into a folder that is not empty, replacing files with the same names'
            cand --list 'List the starters instead of writing one'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'wl-hook;config'= {
            cand --color 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never'
            cand --profile 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults'
            cand -h 'Print help'
            cand --help 'Print help'
            cand show 'Print the settings in effect, each with where it comes from; never a key'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wl-hook;config;show'= {
            cand --color 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never'
            cand --profile 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file''s defaults'
            cand --json 'One JSON object per line (see the README''s table for this command)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'wl-hook;config;help'= {
            cand show 'Print the settings in effect, each with where it comes from; never a key'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wl-hook;config;help;show'= {
        }
        &'wl-hook;config;help;help'= {
        }
        &'wl-hook;help'= {
            cand send 'Deliver signed WL webhooks to an endpoint: one, all topics, or a concurrent burst'
            cand listen 'Run a local WL receiver that verifies, pretty-prints, records and asserts deliveries'
            cand check 'Run a conformance suite against your webhook endpoint, with a JUnit report for CI'
            cand replay 'Re-deliver captured requests the way WL''s retry engine would, on a simulated clock'
            cand verify 'Check captured requests and explain every failure'
            cand sign 'Print the signed request for a fixture or a body, as headers, curl, raw HTTP or JSON; sends nothing'
            cand demo 'The whole flow on this machine in seconds: listen, send, verify, replay, check'
            cand fixtures 'List, show, export and import fixtures (a real capture becomes one, personal data replaced)'
            cand completions 'Print a shell completion script to stdout'
            cand man 'Print the manual page (roff), e.g. wl-hook man | man -l -; --dir writes one page per command'
            cand init 'Write a starter receiver (Python, Node, PHP or Go) that passes wl-hook check'
            cand config 'Show the settings in effect and where each comes from (wl-hook.toml, profile, environment)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wl-hook;help;send'= {
        }
        &'wl-hook;help;listen'= {
        }
        &'wl-hook;help;check'= {
        }
        &'wl-hook;help;replay'= {
        }
        &'wl-hook;help;verify'= {
        }
        &'wl-hook;help;sign'= {
        }
        &'wl-hook;help;demo'= {
        }
        &'wl-hook;help;fixtures'= {
            cand list 'List the events: family, seed name, aliases, record-id field'
            cand show 'Show fixtures rendered as new events (pretty JSON), or the stored files with --raw'
            cand export 'Write the fixtures in effect to DIR as <event>.json, to edit and use with --fixtures'
            cand import 'Turn a real captured request into a fixture, with personal data replaced by fake values'
        }
        &'wl-hook;help;fixtures;list'= {
        }
        &'wl-hook;help;fixtures;show'= {
        }
        &'wl-hook;help;fixtures;export'= {
        }
        &'wl-hook;help;fixtures;import'= {
        }
        &'wl-hook;help;completions'= {
        }
        &'wl-hook;help;man'= {
        }
        &'wl-hook;help;init'= {
        }
        &'wl-hook;help;config'= {
            cand show 'Print the settings in effect, each with where it comes from; never a key'
        }
        &'wl-hook;help;config;show'= {
        }
        &'wl-hook;help;help'= {
        }
    ]
    $completions[$command]
}
