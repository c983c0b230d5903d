extension SandboxServiceFactory {
    public static let telegram = SandboxServiceFactory(apiName: "telegram") { ctx in
        let token = "123456789:SANDBOX-bot-token-0000000000000000"
        let chat = "-1001234567890"
        // Flood control as documented (≈1 message/s per chat) when the world enforces real limits.
        let emulator = try await TelegramEmulator.start(token: token, chatIDs: [chat], minInterval: ctx.limits ? 1 : 0,
                                                        faults: ctx.faults, seed: ctx.faultSeed &+ 14)
        return RunningService(apiName: "telegram", server: emulator.server, url: emulator.url,
                              credentials: .telegram(.init(botToken: token, chatID: chat)))
    }
}
