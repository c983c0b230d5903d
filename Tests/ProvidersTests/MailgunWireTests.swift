import Foundation
import Providers
import Testing

/// The recorded real bodies and webhook payloads quoted in mail-platforms.md decode to
/// the right values; signatures verify exactly as documented; error bodies map to shapes.
@Suite struct MailgunWireTests {
    let decoder = JSONDecoder()

    /// §1.4, recorded 2025-02-24 (create).
    static let recordedCreate = #"""
    {
      "message": "Domain DNS records have been created",
      "domain": {
        "created_at": "Mon, 24 Feb 2025 22:44:03 GMT", "id": "67bcf63306fcfd2fb4b7e056", "is_disabled": false,
        "name": "integration-test.domain.invalid", "require_tls": false, "skip_verification": false,
        "smtp_login": "postmaster@integration-test.domain.invalid", "spam_action": "tag", "state": "unverified",
        "type": "custom", "use_automatic_sender_security": false, "web_prefix": "email", "web_scheme": "http", "wildcard": false
      },
      "receiving_dns_records": [
        {"is_active": true, "cached": [], "priority": "10", "record_type": "MX", "valid": "unknown", "value": "mxa.mailgun.org"},
        {"is_active": true, "cached": [], "priority": "10", "record_type": "MX", "valid": "unknown", "value": "mxb.mailgun.org"}
      ],
      "sending_dns_records": [
        {"is_active": false, "cached": [], "name": "smtp._domainkey.integration-test.domain.invalid", "record_type": "TXT", "valid": "unknown", "value": "k=rsa; p=MIGfMA0G...IDAQAB"},
        {"is_active": true, "cached": [], "name": "integration-test.domain.invalid", "record_type": "TXT", "valid": "unknown", "value": "v=spf1 include:mailgun.org ~all"},
        {"is_active": true, "cached": [], "name": "email.integration-test.domain.invalid", "record_type": "CNAME", "valid": "unknown", "value": "mailgun.org"}
      ]
    }
    """#

    @Test func recordedCreateDecodesAndYieldsRecords() throws {
        let r = try decoder.decode(MailgunDomainResponse.self, from: Data(Self.recordedCreate.utf8))
        #expect(r.message == "Domain DNS records have been created")
        #expect(r.domain.name == "integration-test.domain.invalid")
        #expect(r.domain.state == "unverified")
        #expect(!r.domain.isActive)
        #expect(r.domain.spamAction == "tag")
        #expect(r.domain.messageTTL == nil)
        let req = MailgunRequiredRecords(domain: "integration-test.domain.invalid", response: r)
        #expect(req.dkimSelectors == ["smtp"])
        #expect(req.sending.map(\.type.rawValue) == ["TXT", "TXT", "CNAME"])
        #expect(req.dkim.first?.name == "smtp._domainkey.integration-test.domain.invalid")
        #expect(req.receiving.map(\.priority) == [10, 10])
        #expect(req.receiving.allSatisfy { $0.name == "integration-test.domain.invalid" })
        #expect(req.receiving.map(\.value) == ["mxa.mailgun.org", "mxb.mailgun.org"])
    }

    /// §1.4: the 2025-11-27 verify recording has `smtp_login: ""`, two DKIM records
    /// (`k1` and `string`) and uppercase-or-lowercase `valid`.
    @Test func verifyRecordingWithTwoSelectorsAndEmptyLogin() throws {
        let body = #"""
        {"message": "Domain DNS records have been updated",
         "domain": {"name": "d.example", "state": "unverified", "smtp_login": "", "encrypt_incoming_message": false, "message_ttl": 0},
         "receiving_dns_records": [],
         "sending_dns_records": [
          {"is_active": false, "cached": [], "name": "k1._domainkey.d.example", "record_type": "TXT", "valid": "VALID", "value": "k=rsa; p=AAA"},
          {"is_active": false, "cached": [], "name": "string._domainkey.d.example", "record_type": "TXT", "valid": "unknown", "value": "k=rsa; p=BBB"}
         ]}
        """#
        let r = try decoder.decode(MailgunDomainResponse.self, from: Data(body.utf8))
        #expect(r.domain.smtpLogin == "")
        #expect(r.domain.messageTTL == 0)
        #expect(MailgunRequiredRecords(domain: "d.example", response: r).dkimSelectors == ["k1", "string"])
        #expect(r.sendingDNSRecords?[0].isValid == true)
        #expect(r.sendingDNSRecords?[1].isValid == false)
        #expect(!MailgunVerification(response: r).isActive)
        #expect(MailgunVerification(response: r).invalidRecords.map(\.dkimSelector) == ["string"])
    }

    @Test func recordedRouteShapesDecode() throws {
        let route = #"{"actions": ["forward(\"https://example.com/hook\")", "stop()"], "created_at": "Mon, 27 Jan 2025 17:45:19 GMT", "description": "r1", "expression": "match_recipient(\"alice@\")", "id": "6797c62f6ee0a9fcb1ec5eee", "priority": 10}"#
        let wrapped = try decoder.decode(MailgunRouteResponse.self, from: Data(#"{"message": "Route has been created", "route": \#(route)}"#.utf8))
        #expect(wrapped.route.id == "6797c62f6ee0a9fcb1ec5eee")
        #expect(wrapped.route.actions == [#"forward("https://example.com/hook")"#, "stop()"])
        // Recorded update answer is flat (route fields + message).
        var flat = route
        flat.removeLast()
        flat += #", "message": "Route has been updated"}"#
        let f = try decoder.decode(MailgunRouteResponse.self, from: Data(flat.utf8))
        #expect(f.message == "Route has been updated")
        #expect(f.route.priority == 10)
        #expect(f.route.expression == #"match_recipient("alice@")"#)
    }

    @Test func webhookListAcceptsUrlsAndLegacyUrl() throws {
        let body = #"{"webhooks": {"accepted": {"urls": ["https://a.example/1", "https://a.example/2"]}, "clicked": {"url": "https://old.example"}}}"#
        let list = try decoder.decode(MailgunWebhookList.self, from: Data(body.utf8))
        #expect(list.webhooks["accepted"]?.urls.count == 2)
        #expect(list.webhooks["clicked"]?.urls == ["https://old.example"])
        #expect(list.webhooks["delivered"] == nil)
    }

    @Test func credentialsAndSuppressionsDecode() throws {
        let creds = #"{"total_count": 2, "items": [{"size_bytes": 0, "created_at": "Mon, 24 Feb 2025 22:44:03 GMT", "mailbox": "a@d.example", "login": "a@d.example"}, {"size_bytes": null, "created_at": "x", "mailbox": "b@d.example", "login": "b@d.example"}]}"#
        let c = try decoder.decode(MailgunCredentialList.self, from: Data(creds.utf8))
        #expect(c.items.map(\.login) == ["a@d.example", "b@d.example"])
        #expect(c.items[1].sizeBytes == nil)
        let generated = #"{"message": "Password changed", "note": "Please store your new password(s) now.", "credentials": {"test_login@d.example": "s3cr3tGen"}}"#
        #expect(try decoder.decode(MailgunCredentialWriteResponse.self, from: Data(generated.utf8)).credentials?["test_login@d.example"] == "s3cr3tGen")
        let bounces = #"{"items": [{"address": "x@y.example", "code": "550", "error": "No such mailbox", "created_at": "Fri, 21 Oct 2011 11:02:55 UTC"}, {"address": "z@y.example", "code": 421, "error": "", "created_at": "x"}], "paging": {"first": "f", "last": "l", "next": "n", "previous": "p"}}"#
        let b = try decoder.decode(MailgunSuppressionPage.self, from: Data(bounces.utf8))
        #expect(b.items.map { $0.code?.value } == ["550", "421"])
        #expect(b.paging?.next == "n")
    }

    /// The complete (sanitized) real `delivered` body from anymail's tests, §1.10.
    static let delivered = #"""
    {"signature": {"timestamp": "1534108637", "token": "651869375b9df3c98fc15c4889b102119add1235c38fc92824",
                   "signature": "2a75affe24846ead9e37e614a5e7643a04abf4d5b49b34d224ede9af23a00ccc"},
     "event-data": {"tags": [], "timestamp": 1534108637.153125,
       "storage": {"url": "https://sw.api.mailgun.net/v3/domains/example.org/messages/eyJwI...", "key": "eyJwI..."},
       "recipient-domain": "example.com", "id": "hTWCTD81RtiDN-...", "campaigns": [], "user-variables": {},
       "flags": {"is-routed": false, "is-authenticated": true, "is-system-test": false, "is-test-mode": false},
       "log-level": "info",
       "envelope": {"sending-ip": "333.123.123.200", "sender": "test@example.org", "transport": "smtp", "targets": "recipient@example.com"},
       "message": {"headers": {"to": "recipient@example.com", "message-id": "20180812211713.1.DF5966851B4BAA99@example.org", "from": "test@example.org", "subject": "Testing"}, "attachments": [], "size": 809},
       "recipient": "recipient@example.com", "event": "delivered",
       "delivery-status": {"tls": true, "mx-host": "smtp-in.example.com", "attempt-no": 1, "description": "", "session-seconds": 3.5700838565826416, "utf8": true, "code": 250, "message": "OK", "certificate-verified": true}}}
    """#

    @Test func deliveredWebhookDecodesAndVerifies() throws {
        let p = try decoder.decode(MailgunWebhookPayload.self, from: Data(Self.delivered.utf8))
        #expect(p.eventData.event == "delivered")
        #expect(p.eventData.timestamp == 1534108637.153125)
        #expect(p.eventData.message?.headers?.messageID == "20180812211713.1.DF5966851B4BAA99@example.org")
        #expect(p.eventData.deliveryStatus?.code == 250)
        #expect(p.eventData.deliveryStatus?.mxHost == "smtp-in.example.com")
        #expect(p.eventData.classification == .delivered)
        #expect(p.signature.timestamp == "1534108637")
        // Signature computed with Python's hmac (anymail's scheme) over timestamp+token, key TEST_WEBHOOK_SIGNING_KEY.
        #expect(MailgunWebhookVerifier(signingKey: "TEST_WEBHOOK_SIGNING_KEY").isAuthentic(p.signature))
    }

    @Test func forgedSignaturesFail() throws {
        let p = try decoder.decode(MailgunWebhookPayload.self, from: Data(Self.delivered.utf8))
        let good = MailgunWebhookVerifier(signingKey: "TEST_WEBHOOK_SIGNING_KEY")
        // Wrong key (the API key is not the signing key).
        #expect(!MailgunWebhookVerifier(signingKey: "TEST_API_KEY").isAuthentic(p.signature))
        var s = p.signature
        s.token = String(s.token.dropLast()) + "5"
        #expect(!good.isAuthentic(s))
        s = p.signature
        // The timestamp must be used exactly as received: "1534108637.0" gives a different MAC.
        s.timestamp = "1534108637.0"
        #expect(!good.isAuthentic(s))
        s = p.signature
        s.signature = String(s.signature.dropLast()) + "d"
        #expect(!good.isAuthentic(s))
        s.signature = ""
        #expect(!good.isAuthentic(s))
        // Upper-case hex of the right MAC is the same bytes.
        s = p.signature
        s.signature = s.signature.uppercased()
        #expect(good.isAuthentic(s))
    }

    @Test func guardRejectsReplaysAndStaleTimestamps() async throws {
        let p = try decoder.decode(MailgunWebhookPayload.self, from: Data(Self.delivered.utf8))
        let g = MailgunWebhookGuard(verifier: MailgunWebhookVerifier(signingKey: "TEST_WEBHOOK_SIGNING_KEY"), freshnessWindow: 3600)
        #expect(await g.check(p.signature, now: 1534108637 + 60) == .accept)
        #expect(await g.check(p.signature, now: 1534108637 + 61) == .duplicate)
        #expect(await g.check(p.signature, now: 1534108637 + 7200) == .stale)
        var forged = p.signature
        forged.signature = String(repeating: "0", count: 64)
        #expect(await g.check(forged, now: 1534108637) == .forged)
    }

    @Test func failedEventsClassify() throws {
        func event(_ json: String) throws -> MailgunEvent { try decoder.decode(MailgunEvent.self, from: Data(json.utf8)) }
        let hard = try event(#"{"event": "failed", "id": "a", "timestamp": 1534110422.389832, "severity": "permanent", "reason": "bounce", "recipient": "invalid@example.com", "delivery-status": {"code": 550, "message": "5.1.1 The email account that you tried to reach does not exist. Please try\n5.1.1 double-checking", "session-seconds": 2.95}}"#)
        #expect(hard.classification == .hardBounce)
        #expect(hard.deliveryStatus?.message?.contains("\n") == true)
        let soft = try event(#"{"event": "failed", "id": "b", "timestamp": 1, "severity": "temporary", "reason": "generic", "delivery-status": {"code": 498, "retry-seconds": 1800, "session-seconds": 0.0}}"#)
        #expect(soft.classification == .softFailure)
        #expect(soft.deliveryStatus?.retrySeconds == 1800)
        #expect(try event(#"{"event": "failed", "id": "c", "timestamp": 1, "severity": "temporary", "reason": "old"}"#).classification == .finalDrop)
        #expect(try event(#"{"event": "failed", "id": "d", "timestamp": 1, "severity": "permanent", "reason": "suppress-bounce", "delivery-status": {"code": 605}}"#).classification == .alreadySuppressed)
        #expect(try event(#"{"event": "complained", "id": "e", "timestamp": 1}"#).classification == .complaint)
        // user-variables may be a string error text (§1.10).
        let broken = try event(#"{"event": "delivered", "id": "f", "timestamp": 1, "user-variables": "Could not load user-variables. They were either truncated or invalid JSON"}"#)
        #expect(broken.userVariables == .unreadable("Could not load user-variables. They were either truncated or invalid JSON"))
        let vars = try event(#"{"event": "delivered", "id": "g", "timestamp": 1, "user-variables": {"campaign": "123"}}"#)
        #expect(vars.userVariables?["campaign"]?.stringValue == "123")
    }

    @Test(arguments: [
        ("application/json", #"{"message": "Domain not found: not-our-doma.in"}"#, "json.message", "Domain not found: not-our-doma.in"),
        ("application/json", #"{"Reason": "https://example.com/ is not a valid url: host not found"}"#, "json.Reason", "https://example.com/ is not a valid url: host not found"),
        ("application/json", #"{"Description": "webhook not found"}"#, "json.Description", "webhook not found"),
        ("application/json", #"{"retry-seconds": 60}"#, "json.retry-seconds", "retry in 60 s"),
        ("text/plain", "Forbidden", "text", "Forbidden"),
        ("text/html", "<!DOCTYPE html><html><title>404 Not Found</title></html>", "html", "<!DOCTYPE html><html><title>404 Not Found</title></html>"),
        ("application/json", "Forbidden", "text", "Forbidden"),
        ("application/json", "", "empty", ""),
    ])
    func errorBodyShapes(contentType: String, body: String, shape: String, detail: String) {
        let parsed = MailgunErrorBody.parse(Data(body.utf8), contentType: contentType)
        #expect(parsed.shape == shape)
        #expect(parsed.detail == detail)
    }

    @Test func throttleHints() {
        let now = Date(timeIntervalSince1970: 1_640_031_000) // Mon, 20 Dec 2021 20:10:00 UTC
        #expect(MailgunThrottleHint.delay(retryAfterHeader: "7", body: .empty, now: now) == 7)
        #expect(MailgunThrottleHint.delay(retryAfterHeader: nil, body: .retrySeconds(60), now: now) == 60)
        #expect(MailgunThrottleHint.delay(retryAfterHeader: nil, body: .message("Domain d is not allowed to send: account-requests-per-sec limit exceeded, try again after 120 seconds"), now: now) == 120)
        #expect(MailgunThrottleHint.delay(retryAfterHeader: nil, body: .message("Domain example.com is not allowed to send: request limit exceeded, try again after Mon, 20 Dec 2021 20:33:21 UTC"), now: now) == 1401)
        #expect(MailgunThrottleHint.delay(retryAfterHeader: nil, body: .message("slow down"), now: now) == nil)
    }

    @Test func smtpPasswordsMatchAnIndependentImplementation() {
        let d = SMTPPasswordDeriver(masterSecret: "correct horse battery staple")
        // Expected values computed with Python's hmac + int base62 from the documented scheme.
        #expect(d.password(for: "Alice@Acme-Mail.com", version: 1) == "h2vrUnjgzY6KqBtqSyRQolE9MlZ1waA3")
        #expect(d.password(for: "alice@acme-mail.com", version: 2) == "Ds51es4TWyW3OmfrFxCvRm5yvOHqAaF9")
        let p = d.password(for: "bob@acme-mail.com", version: 1)
        #expect(p.count == 32)
        #expect(p.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(p.contains { $0.isLowercase } && p.contains { $0.isUppercase } && p.contains { $0.isNumber })
        #expect(p != d.password(for: "alice@acme-mail.com", version: 1))
        #expect(p != SMTPPasswordDeriver(masterSecret: "another secret").password(for: "bob@acme-mail.com", version: 1))
    }

    @Test func routeDSLEscapesTheAddress() {
        #expect(MailgunRouteDSL.matchRecipient(exactly: "alice+x@example.com") == #"match_recipient("^alice\+x@example\.com$")"#)
        #expect(MailgunRouteDSL.forward("owner@elsewhere.example") == #"forward("owner@elsewhere.example")"#)
    }
}
