import Foundation
import Providers
import Sandbox
import Testing

@Suite struct TelegramContractTests {
    static let token = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"

    func withTelegram(minInterval: Double = 0, _ body: (TelegramEmulator) async throws -> Void) async throws {
        let emu = try await TelegramEmulator.start(token: Self.token, chatIDs: ["-1001234567890", "42"], minInterval: minInterval)
        do { try await body(emu) } catch { await emu.stop(); throw error }
        await emu.stop()
    }

    @Test func sendMessageWithParseMode() async throws {
        try await withTelegram { emu in
            let tg = TelegramClient(botToken: Self.token, endpoint: emu.url, retry: MailSandbox.fastRetry)
            let m = try await tg.sendMessage(chatID: "-1001234567890", text: "<b>DNS drift</b> on acme-mail.com", parseMode: .html)
            #expect(m.chat.id == -1001234567890)
            #expect(m.chat.type == "supergroup")
            _ = try await tg.sendAlert(chatID: "42", text: "bounce rate 12% > 10% for a<b@x.example> & more")
            #expect(emu.sent.map(\.text) == ["<b>DNS drift</b> on acme-mail.com",
                                             "bounce rate 12% &gt; 10% for a&lt;b@x.example&gt; &amp; more"])
            #expect(emu.sent.map(\.parseMode) == ["HTML", "HTML"])
        }
    }

    @Test func floodControlRetryAfterIsHonoured() async throws {
        try await withTelegram { emu in
            let tg = TelegramClient(botToken: Self.token, endpoint: emu.url, retry: MailSandbox.fastRetry)
            emu.floodNext(1, retryAfter: 2)
            let start = Date()
            _ = try await tg.sendMessage(chatID: "42", text: "one")
            #expect(Date().timeIntervalSince(start) >= 1.9)
            #expect(emu.counters.requests("sendMessage") == 2)
            #expect(emu.sent.count == 1)
        }
    }

    @Test func perChatPacingIsEnforcedAndAbsorbed() async throws {
        try await withTelegram(minInterval: 3) { emu in
            let tg = TelegramClient(botToken: Self.token, endpoint: emu.url, retry: MailSandbox.fastRetry)
            _ = try await tg.sendMessage(chatID: "42", text: "a")
            _ = try await tg.sendMessage(chatID: "42", text: "b")
            #expect(emu.sent.map(\.text) == ["a", "b"])
            #expect(emu.counters.requests("sendMessage") == 3)   // one 429 in between
        }
    }

    @Test func documentedErrors() async throws {
        try await withTelegram { emu in
            let bad = TelegramClient(botToken: "999:wrong-token-value", endpoint: emu.url, retry: .none)
            let unauthorized = await #expect(throws: ProviderError.self) { try await bad.sendMessage(chatID: "42", text: "x") }
            #expect(unauthorized?.kind == .authentication)
            #expect(unauthorized?.message == "Unauthorized")
            #expect(!(unauthorized?.description.contains("wrong-token-value") ?? true))
            let tg = TelegramClient(botToken: Self.token, endpoint: emu.url, retry: .none)
            let chat = await #expect(throws: ProviderError.self) { try await tg.sendMessage(chatID: "7", text: "x") }
            #expect(chat?.message == "Bad Request: chat not found")
            #expect(chat?.code == "400")
            let html = await #expect(throws: ProviderError.self) { try await tg.sendMessage(chatID: "42", text: "<b>unclosed", parseMode: .html) }
            #expect(html?.message.hasPrefix("Bad Request: can't parse entities") == true)
            let long = await #expect(throws: ProviderError.self) {
                try await tg.sendMessage(chatID: "42", text: String(repeating: "x", count: 4097), parseMode: nil)
            }
            #expect(long?.message == "Bad Request: message is too long")
            #expect(emu.sent.isEmpty)
        }
    }
}

@Suite struct TelegramFaultTests {
    /// Alerts under 20 % faults: a lost answer is `.outcomeUnknown`; the alerter
    /// resends (a duplicate alert beats a lost one), so every alert arrives.
    @Test func everyAlertArrivesUnderTwentyPercentFaults() async throws {
        let emu = try await TelegramEmulator.start(token: TelegramContractTests.token, chatIDs: ["42"],
                                                   faults: .uniform(0.2, hangSeconds: 2), seed: 5)
        do {
            let tg = TelegramClient(botToken: TelegramContractTests.token, endpoint: emu.url, retry: MailSandbox.fastRetry, timeout: 1)
            for i in 0..<15 {
                var delivered = false
                for _ in 0..<10 where !delivered {
                    do {
                        _ = try await tg.sendMessage(chatID: "42", text: "alert \(i)")
                        delivered = true
                    } catch let e as ProviderError where e.kind == .outcomeUnknown || e.kind == .transient {
                        continue
                    }
                }
                #expect(delivered)
            }
            #expect(emu.counters.totalFaults > 0)
            #expect(Set(emu.sent.map(\.text)) == Set((0..<15).map { "alert \($0)" }))
        } catch {
            await emu.stop()
            throw error
        }
        await emu.stop()
    }
}
