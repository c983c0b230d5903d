import Foundation
import Testing
import Inventory

/// Every malformed inventory under Fixtures/malformed gets exactly these
/// errors — location, field path and message — and nothing is loaded.
@Suite struct MalformedInventoryTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var fixture: String
        var errors: [String]
        var testDescription: String { fixture }
    }

    static let cases: [Case] = [
        Case(fixture: "syntax-unclosed-flow", errors: [
            "groups/g1.yaml:8:1: file: YAML syntax: did not find expected ',' or ']' (while parsing a flow sequence at line 7, column 16)"]),
        Case(fixture: "syntax-tab-indent", errors: [
            "groups/g1.yaml:5:1: file: YAML syntax: found a tab character that violates indentation (while scanning a plain scalar at line 4, column 11)"]),
        Case(fixture: "binary-garbage", errors: [
            "groups/g1.yaml:2:1: file: YAML: control characters are not allowed (the file must be UTF-8 text)"]),
        Case(fixture: "invalid-utf8", errors: [
            "groups/g1.yaml:7:25: file: YAML: invalid leading UTF-8 octet (the file must be UTF-8 text)"]),
        Case(fixture: "deep-nesting", errors: [
            "groups/g1.yaml:3:73: file: YAML: nesting deeper than 64 levels"]),
        Case(fixture: "alias-bomb", errors: [
            "bomb.yaml:7:24: file: YAML: the document expands to more than 5000000 nodes (aliases repeating large anchors?)"]),
        Case(fixture: "unknown-top-level-key", errors: [
            "extra.yaml:1:1: acounts: unknown key 'acounts' (did you mean 'accounts'?)"]),
        Case(fixture: "unknown-domain-key", errors: [
            "groups/g1.yaml:4:5: domains[0].registrar: missing required key 'registrar'",
            "groups/g1.yaml:5:5: domains[0].registar: unknown key 'registar' (did you mean 'registrar'?)"]),
        Case(fixture: "wrong-type-integer", errors: [
            "limits.yaml:3:16: limits.mailbox.daily_max: expected an integer, found 'lots'"]),
        Case(fixture: "wrong-type-sequence-for-mapping", errors: [
            "groups/g1.yaml:6:13: domains[0].warmup: expected a mapping, found a sequence"]),
        Case(fixture: "missing-required-key", errors: [
            "groups/g1.yaml:4:5: domains[0].registrar: missing required key 'registrar'"]),
        Case(fixture: "bad-smtp-endpoint", errors: [
            "fleet.yaml:3:79: accounts.mailgun-us.smtp_endpoint: 'https://smtp.example.com:587' must start with smtp:// (STARTTLS) or smtps:// (TLS from the start)",
            "fleet.yaml:4:79: accounts.mailgun-eu.smtp_endpoint: 'smtp://smtp.example.com' needs a port: smtp://HOST:PORT (Mailgun: 587, 2525 or 25; smtps: 465)",
            "fleet.yaml:5:77: accounts.mailgun-x.smtp_endpoint: 'smtp://127.0.0.1:99999' has port '99999', not a number from 1 to 65535",
            "fleet.yaml:6:77: accounts.mailgun-y.smtp_endpoint: 'smtp://user@mail.example.com:587/x' must be just smtp://HOST:PORT (no path, login or query)",
            "fleet.yaml:7:76: accounts.mailgun-z.smtp_ca_file: only with smtp_endpoint (Mailgun's own hosts carry publicly trusted certificates)"]),
        Case(fixture: "status-auth-invalid", errors: [
            "fleet.yaml:11:24: monitoring.status_auth.user: 'ops:admin' is not a basic-auth user: no colon or spaces",
            "fleet.yaml:11:47: monitoring.status_auth.password: literal secret values are not allowed: write env:NAME and set NAME in the environment",
            "fleet.yaml:11:56: monitoring.status_auth.realm: unknown key 'realm'"]),
        Case(fixture: "dns-verdict-max-age-short", errors: [
            "fleet.yaml:10:61: monitoring.dns_verdict_max_age: 5m is shorter than dns_check_interval (10m): every verdict would be stale"]),
        Case(fixture: "blocklists-invalid", errors: [
            "fleet.yaml:11:23: monitoring.blocklist_interval: 30s is too short: at least 1m",
            "fleet.yaml:12:19: monitoring.expiry_warning: 'soon' is not a duration: write a whole number with a unit s, m, h or d (e.g. 30s, 10m, 1h, 2d)",
            "fleet.yaml:15:41: monitoring.blocklists[1].key: literal secret values are not allowed: write env:NAME and set NAME in the environment",
            "fleet.yaml:16:15: monitoring.blocklists[2].zone: 'bad zone' is not a DNS zone: it needs at least two labels (e.g. acme-mail.com)",
            "fleet.yaml:16:34: monitoring.blocklists[2].codes: unknown return-code convention 'spamhouse': expected 'spamhaus', 'surbl', 'uribl' or 'generic' (did you mean 'spamhaus'?)",
            "fleet.yaml:17:7: monitoring.blocklists[3]: dbl.spamhaus.org is listed twice",
            "fleet.yaml:18:7: monitoring.blocklists[4].zone: missing required key 'zone'"]),
        Case(fixture: "literal-secret", errors: [
            "fleet.yaml:4:53: accounts.mailgun-us.api_key: literal secret values are not allowed: write env:NAME and set NAME in the environment"]),
        Case(fixture: "bad-secret-reference", errors: [
            "fleet.yaml:2:47: accounts.porkbun.secret_key: 'env:1PB-SECRET' is not a valid reference: NAME must be letters, digits and _ and not start with a digit"]),
        Case(fixture: "invalid-domain-name", errors: [
            "groups/g1.yaml:4:11: domains[0].name: invalid domain name 'acme_mail.com': may only contain letters, digits, hyphens and dots"]),
        Case(fixture: "domain-in-two-groups", errors: [
            "groups/g2.yaml:4:11: domains[0].name: domain 'acme-mail.com' is in two groups: 'g1' (at groups/g1.yaml:4:11) and 'g2'"]),
        Case(fixture: "duplicate-domain-case-insensitive", errors: [
            "groups/g1.yaml:8:11: domains[1].name: duplicate domain 'acme-mail.com' (first at groups/g1.yaml:4:11)"]),
        Case(fixture: "duplicate-mailbox", errors: [
            "groups/g1.yaml:7:29: domains[0].mailboxes[2]: duplicate mailbox 'alice' (first at line 7, column 17)"]),
        Case(fixture: "bad-web", errors: [
            "fleet.yaml:6:22: defaults.web.forward_to: 'http://acme.com' is not an https URL (e.g. https://acme.com)",
            "fleet.yaml:6:47: defaults.web.code: unknown redirect code '307': expected '301' or '302' (did you mean '301'?)",
            "fleet.yaml:6:58: defaults.web.path: unknown path handling 'strip': expected 'keep' or 'drop'",
            "fleet.yaml:6:70: defaults.web.www: expected true or false, found 'maybe'",
            "groups/g1.yaml:3:6: web: unknown web setting (none, or a mapping with forward_to) 'nothing': expected 'none'",
            "groups/g1.yaml:7:10: domains[0].web.forward_to: missing required key 'forward_to'",
            "groups/g1.yaml:11:42: domains[1].web.target: unknown key 'target'"]),
        Case(fixture: "duplicate-key", errors: [
            "groups/g1.yaml:6:5: domains[0].registrar: duplicate key (first at line 5, column 5)"]),
        Case(fixture: "unknown-account", errors: [
            "groups/g1.yaml:5:16: domains[0].registrar: unknown account 'porkbunn' (did you mean 'porkbun'?)"]),
        Case(fixture: "registrar-wrong-kind", errors: [
            "groups/g1.yaml:5:16: domains[0].registrar: account 'mailgun-us' is a mailgun account; a registrar must be a porkbun or namecheap account"]),
        Case(fixture: "pool-not-mailgun", errors: [
            "groups/g1.yaml:2:7: pool: account 'zoho' is a zoho account; a pool must be a mailgun account"]),
        Case(fixture: "unknown-warmup-schedule", errors: [
            "groups/g1.yaml:6:25: domains[0].warmup.schedule: unknown warmup schedule 'standrad' (did you mean 'standard'?)"]),
        Case(fixture: "empty-range", errors: [
            "limits.yaml:2:40: limits.mailbox.interval: empty range '60s-30s': minimum 1m is greater than maximum 30s"]),
        Case(fixture: "bad-duration", errors: [
            "limits.yaml:2:32: limits.group.pause: '30 seconds' is not a duration: write a whole number with a unit s, m, h or d (e.g. 30s, 10m, 1h, 2d)"]),
        Case(fixture: "bad-percentage", errors: [
            "limits.yaml:2:24: limits.disable_bounce_rate: '10' is not a percentage: write a number followed by %, e.g. 10%",
            "limits.yaml:3:19: limits.complaint_rate: '120%' is out of range: a percentage is between 0% and 100%"]),
        Case(fixture: "bad-date", errors: [
            "groups/g1.yaml:6:44: domains[0].warmup.started: '2026-02-30' is not a day of the calendar"]),
        Case(fixture: "warmup-caps-decrease", errors: [
            "fleet.yaml:9:25: warmup.standard[1].daily: daily cap 5 is lower than the previous stage's 10: caps never decrease"]),
        Case(fixture: "warmup-open-stage-not-last", errors: [
            "fleet.yaml:8:7: warmup.standard[0].days: only the last stage may omit days (it is open-ended)"]),
        Case(fixture: "bad-enum-value", errors: [
            "fleet.yaml:4:40: accounts.mailgun-us.region: unknown mailgun region 'usa': expected 'us' or 'eu' (did you mean 'us'?)",
            "groups/g1.yaml:6:11: domains[0].role: unknown role 'spair': expected 'active', 'spare' or 'retired' (did you mean 'spare'?)"]),
        Case(fixture: "routing-without-target", errors: [
            "groups/g1.yaml:7:14: domains[0].inbound: mailgun-routing needs a forward target: write { mode: mailgun-routing, forward_to: ADDRESS }"]),
        Case(fixture: "bad-timezone", errors: [
            "limits.yaml:2:45: limits.window.timezone: 'Mars/Olympus_Mons' is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)"]),
        Case(fixture: "account-defined-twice", errors: [
            "more.yaml:2:3: accounts.porkbun: account 'porkbun' is defined twice (first at fleet.yaml:2:3)"]),
        Case(fixture: "section-defined-twice", errors: [
            "b.yaml:1:1: defaults: 'defaults' is defined twice (first at a.yaml:1:1)"]),
        Case(fixture: "bad-client-ip", errors: [
            "fleet.yaml:3:63: accounts.namecheap.client_ip: '2001:db8::7' is not an IPv4 address (Namecheap accepts IPv4 only)"]),
        Case(fixture: "bad-imap-endpoint", errors: [
            "fleet.yaml:6:26: accounts.zoho.imap_endpoint: 'imap://127.0.0.1:143' is not an imaps://HOST:PORT URL"]),
        Case(fixture: "bad-probe-settings", errors: [
            "fleet.yaml:5:26: accounts.zoho.smtp_endpoint: 'smtp://smtp.example.com' needs a port: smtp://HOST:PORT (Zoho: smtps 465, smtp 587)",
            "fleet.yaml:7:28: accounts.zoho-eu.smtp_ca_file: only with smtp_endpoint (Zoho's own hosts carry publicly trusted certificates)",
            "fleet.yaml:13:19: monitoring.probe_interval: 30s is too short: at least 1m",
            "fleet.yaml:14:22: monitoring.probe_alert_after: 0 is out of range: must be between 1 and 100",
            "fleet.yaml:15:27: monitoring.probe_logins_per_round: expected an integer, found 'few'"]),
        Case(fixture: "root-not-a-mapping", errors: [
            "list.yaml:1:1: file: expected a mapping of sections (accounts, defaults, warmup, limits, alerts, monitoring, safety, costs, groups, state) or a group file (group, pool, domains), found a sequence"]),
        Case(fixture: "mx-without-priority", errors: [
            "groups/g1.yaml:8:9: domains[0].extra_records[0].priority: missing required key 'priority' (MX records need a preference)",
            "groups/g1.yaml:9:57: domains[0].extra_records[1].priority: priority applies to MX records only"]),
        Case(fixture: "group-without-name-and-pool", errors: [
            "groups/g1.yaml:1:1: group: a value is required",
            "groups/g1.yaml:1:1: pool: missing required key 'pool'"]),
        Case(fixture: "zoho-shorthand-ambiguous", errors: [
            "fleet.yaml:8:12: defaults.inbound: several zoho accounts (zoho, zoho-eu): name one with { mode: zoho, account: NAME }"]),
        Case(fixture: "extra-record-bad-values", errors: [
            "groups/g1.yaml:8:38: domains[0].extra_records[0].value: '300.1.1.1' is not an IPv4 address",
            "groups/g1.yaml:9:29: domains[0].extra_records[1].value: a CAA value is 'FLAGS TAG VALUE', e.g. 0 issue \"letsencrypt.org\"",
            "groups/g1.yaml:10:43: domains[0].extra_records[2].value: 'not a host' is not a host name"]),
        Case(fixture: "several-errors-sorted", errors: [
            "groups/g1.yaml:2:7: pool: unknown account 'mailgun-eu' (did you mean 'mailgun-us'?)",
            "groups/g1.yaml:6:11: domains[0].role: unknown role 'retried': expected 'active', 'spare' or 'retired' (did you mean 'retired'?)",
            "groups/g1.yaml:7:24: domains[0].mailboxes[1]: invalid mailbox 'bad address': may only contain letters, digits and . _ + -",
            "groups/g1.yaml:8:11: domains[1].name: invalid domain name 'acme-mail': needs at least two labels (e.g. acme-mail.com)"]),
        Case(fixture: "control-characters", errors: [
            "fleet.yaml:3:26: accounts.namecheap.api_user: control character U+007F (DEL) at character 4" + controls,
            "groups/g1.yaml:6:5: domains[0]: control character U+001B (ESC) at character 5" + controls,
            "groups/g1.yaml:9:39: domains[0].mailboxes[0].display_name: control character U+001B (ESC) at character 7" + controls,
            "groups/g1.yaml:10:18: domains[0].mailboxes[1].local: control character U+000D (CR) at character 4" + controls,
            "groups/g1.yaml:11:39: domains[0].mailboxes[2].display_name: control character U+202E (RIGHT-TO-LEFT OVERRIDE) at character 1" + controls,
            "groups/g1.yaml:12:38: domains[0].mailboxes[3].display_name: control character U+0009 (TAB) at character 5" + controls,
            "groups/g1.yaml:13:38: domains[0].mailboxes[4].display_name: control character U+2028 (LINE SEPARATOR) at character 5" + controls,
            "groups/g1.yaml:14:39: domains[0].mailboxes[5].display_name: control character U+0085 at character 6" + controls,
            "groups/g1.yaml:15:38: domains[0].mailboxes[6].display_name: control character U+2067 (RIGHT-TO-LEFT ISOLATE) at character 6" + controls]),
    ]

    static let controls = ": inventory strings may not hold control characters, line separators or bidirectional controls (they reach API calls and mail headers)"

    @Test(arguments: cases)
    func reportsExactLocatedErrors(_ c: Case) {
        let outcome = Fixtures.load("malformed/" + c.fixture)
        #expect(outcome.result == nil)
        #expect(outcome.errors == c.errors)
    }

    @Test func everyFixtureDirectoryHasACase() throws {
        let dirs = try FileManager.default.contentsOfDirectory(atPath: Fixtures.root + "/malformed").sorted()
        #expect(Set(dirs) == Set(Self.cases.map(\.fixture) + ["no-yaml-files"]))
    }

    @Test func directoryWithoutYAMLFilesIsAnError() {
        let outcome = Fixtures.load("malformed/no-yaml-files")
        #expect(outcome.result == nil)
        #expect(outcome.errors.count == 1)
        #expect(outcome.errors.first?.hasSuffix(":1:1: inventory: no *.yaml files in the directory") == true)
    }

    @Test func missingDirectoryIsAnError() {
        #expect(throws: InventoryError.self) { try InventoryLoader().load(directory: Fixtures.root + "/does-not-exist") }
    }

    @Test func literalSecretIsNeverEchoed() {
        let outcome = Fixtures.load("malformed/literal-secret")
        #expect(!outcome.errors.joined().contains("key-3ax6xnjp29jd6fds4gc373sgvjxteol0"))
    }
}
