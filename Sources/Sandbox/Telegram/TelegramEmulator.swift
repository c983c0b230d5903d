import Foundation
import Hummingbird
import NIOCore
import Providers

/// A loopback Telegram Bot API (`/bot<TOKEN>/sendMessage`, and `getMe`, which
/// bot libraries call first to check their token) with the documented
/// failures (mail-platforms.md §4): 401 for a bad token, 400 for an unknown chat,
/// empty or too long text and unparsable HTML, and flood control answering 429
/// with `parameters.retry_after` when one chat gets messages faster than allowed.
public final class TelegramEmulator: Sendable {
    public struct Sent: Sendable, Equatable, Codable {
        public var chatID: String
        public var text: String
        public var parseMode: String?
        enum CodingKeys: String, CodingKey { case text; case chatID = "chat_id"; case parseMode = "parse_mode" }
    }

    public let token: String
    public let chatIDs: [String]
    public let faults: FaultInjector
    public let counters: RequestCounters
    public let limiter: ServerRateLimiter
    public let server: EmulatorServer
    let log: Locked<[Sent]>
    let floods: Locked<[Int]>

    public var url: URL { server.baseURL }

    init(token: String, chatIDs: [String], faults: FaultInjector, counters: RequestCounters, limiter: ServerRateLimiter,
         server: EmulatorServer, log: Locked<[Sent]>, floods: Locked<[Int]>) {
        self.token = token; self.chatIDs = chatIDs; self.faults = faults; self.counters = counters
        self.limiter = limiter; self.server = server; self.log = log; self.floods = floods
    }

    /// `minInterval`: seconds a chat must wait between messages (≈1 s at Telegram, §4); 0 disables flood control.
    public static func start(token: String, chatIDs: [String], minInterval: Double = 0, faults: FaultProfile = .none,
                             seed: UInt64 = 1, port: Int = 0) async throws -> TelegramEmulator {
        let injector = FaultInjector(profile: faults, seed: seed)
        let counters = RequestCounters()
        let limiter = ServerRateLimiter(limits: .unlimited)
        let log = Locked<[Sent]>([])
        let floods = Locked<[Int]>([])
        let lastSend = Locked<[String: Date]>([:])
        let router = Router(context: EmulatorContext.self)
        router.add(middleware: EmulatorGate(traits: EmulatorTraits(endpoint: { r, _ in
            r.uri.path.hasSuffix("/sendMessage") ? "sendMessage" : r.uri.path.hasSuffix("/getMe") ? "getMe" : "other"
        }, throttled: { reply(429, "Too Many Requests: retry after 1", retryAfter: 1) }), limiter: limiter, faults: injector, counters: counters))
        let handler: @Sendable (Request, EmulatorContext) async throws -> Response = { request, context in
            let bot = context.parameters.get("bot") ?? ""
            guard bot == "bot\(token)" else { return reply(401, "Unauthorized") }
            let body = try await request.collectedBody(context)
            let message: TelegramSendMessage
            if (request.headers[.contentType] ?? "").contains("json") {
                guard let m = try? JSONDecoder().decode(TelegramSendMessage.self, from: Data(body.readableBytesView)) else {
                    return reply(400, "Bad Request: invalid JSON")
                }
                message = m
            } else {
                let f = MailFormFields.parse(request, body: body)
                guard let chat = f["chat_id"] else { return reply(400, "Bad Request: chat_id is empty") }
                message = TelegramSendMessage(chatID: chat, text: f["text"] ?? "", parseMode: f["parse_mode"].flatMap(TelegramParseMode.init))
            }
            guard chatIDs.contains(message.chatID) else { return reply(400, "Bad Request: chat not found") }
            if message.text.isEmpty { return reply(400, "Bad Request: message text is empty") }
            if message.text.count > 4096 { return reply(400, "Bad Request: message is too long") }
            if message.parseMode == .html, let problem = htmlProblem(message.text) {
                return reply(400, "Bad Request: can't parse entities: \(problem)")
            }
            if let wait = floods.withValue({ $0.isEmpty ? nil : $0.removeFirst() }) {
                return reply(429, "Too Many Requests: retry after \(wait)", retryAfter: wait)
            }
            if minInterval > 0 {
                let now = Date()
                let early: Double? = lastSend.withValue { last in
                    if let t = last[message.chatID], now.timeIntervalSince(t) < minInterval {
                        return minInterval - now.timeIntervalSince(t)
                    }
                    last[message.chatID] = now
                    return nil
                }
                if let early {
                    let wait = max(1, Int(early.rounded(.up)))
                    return reply(429, "Too Many Requests: retry after \(wait)", retryAfter: wait)
                }
            }
            let id = log.withValue { l -> Int in
                l.append(Sent(chatID: message.chatID, text: message.text, parseMode: message.parseMode?.rawValue))
                return l.count
            }
            let chatType = message.chatID.hasPrefix("-") ? "supergroup" : "private"
            return MailReply.json(TelegramResponse(ok: true, result: TelegramMessage(
                messageID: Int64(id), date: Int64(Date().timeIntervalSince1970),
                chat: TelegramChat(id: Int64(message.chatID) ?? 0, type: chatType), text: message.text)))
        }
        // `getMe`: the bot's own User, GET or POST; a bad token is the same 401 as everywhere (§4).
        let getMe: @Sendable (Request, EmulatorContext) async throws -> Response = { _, context in
            guard context.parameters.get("bot") == "bot\(token)" else { return reply(401, "Unauthorized") }
            return MailReply.json(TelegramResponse(ok: true, result: botUser(token: token)))
        }
        router.get(":bot/getMe", use: getMe)
        router.post(":bot/getMe", use: getMe)
        router.post(":bot/sendMessage", use: handler)
        // What the bot was sent, for a person or a test to read (`GET /sent`).
        router.get("sent") { _, _ in MailReply.json(log.value) }
        router.get(":bot/sendMessage", use: handler)
        let server = try await EmulatorServer.start(name: "telegram", router: router, port: port)
        return TelegramEmulator(token: token, chatIDs: chatIDs, faults: injector, counters: counters, limiter: limiter,
                                server: server, log: log, floods: floods)
    }

    public func stop() async { await server.stop() }

    public var sent: [Sent] { log.value }

    /// The next `count` sends are refused by flood control with `retry_after = seconds`.
    public func floodNext(_ count: Int, retryAfter seconds: Int = 1) {
        floods.withValue { $0 += Array(repeating: seconds, count: count) }
    }

    /// The bot behind `token`: its id is the number before the colon, as in every real token.
    static func botUser(token: String) -> TelegramBotUser {
        TelegramBotUser(id: Int64(token.split(separator: ":").first ?? "") ?? 0, firstName: "Reconcile Sandbox",
                        username: "reconcile_sandbox_bot")
    }

    static func reply(_ code: Int, _ description: String, retryAfter: Int? = nil) -> Response {
        MailReply.json(TelegramResponse<TelegramMessage>(ok: false, errorCode: code, description: description,
                                                         parameters: retryAfter.map { TelegramResponseParameters(retryAfter: $0) }),
                       status: code)
    }

    /// Only the tags Telegram's HTML mode knows, properly nested; `&` must start an entity.
    static func htmlProblem(_ text: String) -> String? {
        let allowed: Set<String> = ["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler", "span", "blockquote"]
        var stack: [String] = []
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == "<" {
                guard let close = text[i...].firstIndex(of: ">") else { return "unclosed start tag at byte offset \(text.distance(from: text.startIndex, to: i))" }
                var tag = text[text.index(after: i)..<close].trimmingCharacters(in: .whitespaces)
                let closing = tag.hasPrefix("/")
                if closing { tag.removeFirst() }
                let name = String(tag.split(separator: " ").first ?? "").lowercased()
                guard allowed.contains(name) else { return "unsupported start tag \"\(name)\"" }
                if closing {
                    guard stack.last == name else { return "unmatched end tag \"\(name)\"" }
                    stack.removeLast()
                } else {
                    stack.append(name)
                }
                i = text.index(after: close)
                continue
            }
            if c == "&" {
                let rest = text[i...].prefix(10)
                guard let semi = rest.firstIndex(of: ";"), rest.distance(from: rest.startIndex, to: semi) > 1 else {
                    return "unescaped & at byte offset \(text.distance(from: text.startIndex, to: i))"
                }
            }
            i = text.index(after: i)
        }
        return stack.isEmpty ? nil : "can't find end tag corresponding to start tag \"\(stack.last!)\""
    }
}

private func reply(_ code: Int, _ description: String, retryAfter: Int? = nil) -> Response {
    TelegramEmulator.reply(code, description, retryAfter: retryAfter)
}

private func htmlProblem(_ text: String) -> String? { TelegramEmulator.htmlProblem(text) }

private func botUser(token: String) -> TelegramBotUser { TelegramEmulator.botUser(token: token) }
