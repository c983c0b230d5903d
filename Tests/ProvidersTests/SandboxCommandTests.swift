import Foundation
import Testing
import TestSupport
import Inventory
@testable import Providers
@testable import Sandbox

/// `reconcile sandbox` as a real process: its first stdout line is the JSON
/// object scripts use, and the services in it answer. The child is stopped
/// with SIGKILL (Swift Testing children inherit a blocked signal mask).
@Suite struct SandboxCommandTests {
    /// The `reconcile` binary next to the test bundle (built by `swift build --build-tests`).
    static var binary: URL? { ReconcileBinary.url }

    /// Reads one line on a dedicated thread (a blocking read must not sit on the cooperative pool).
    static func firstLine(_ handle: FileHandle) async -> String {
        await withCheckedContinuation { cont in
            Thread {
                var bytes = Data()
                while true {
                    let chunk = handle.readData(ofLength: 1)
                    if chunk.isEmpty || chunk.first == UInt8(ascii: "\n") { break }
                    bytes.append(chunk)
                }
                cont.resume(returning: String(decoding: bytes, as: UTF8.self))
            }.start()
        }
    }

    /// Starts `reconcile sandbox ARGS`, reads its first line and hands the
    /// service map and registrar clients built from it to `body`.
    static func withSandbox(_ arguments: [String],
                            _ body: ([String: [String: String]], PorkbunProvider, NamecheapProvider) async throws -> Void) async throws {
        let process = Process()
        process.executableURL = Self.binary!
        process.arguments = ["sandbox"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            // SIGTERM first: the sandbox stops its Knot on the way out; a SIGKILL left knotd running.
            process.terminate()
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        let line = await Self.firstLine(out.fileHandleForReading)
        let map = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: [String: String]])
        let p = try #require(map["porkbun"]), n = try #require(map["namecheap"])
        let porkbun = PorkbunProvider(client: PorkbunClient(baseURL: URL(string: p["url"]!)!,
                                                            credentials: PorkbunCredentials(apiKey: p["apikey"]!, secretKey: p["secretapikey"]!),
                                                            budget: .unlimited(), retry: fastRetry))
        let namecheap = NamecheapProvider(client: NamecheapClient(baseURL: URL(string: n["url"]!)!,
                                                                  credentials: NamecheapCredentials(apiUser: n["ApiUser"]!, apiKey: n["ApiKey"]!,
                                                                                                    userName: n["UserName"]!, clientIP: n["ClientIp"]!),
                                                                  budget: .unlimited(), retry: fastRetry))
        try await body(map, porkbun, namecheap)
    }

    @Test(.enabled(if: binary != nil, "reconcile binary not built"))
    func firstLineIsTheServiceMapAndTheServicesAnswer() async throws {
        try await Self.withSandbox(["--seed-domains", "porkbun:cli-test.com,namecheap:cli-test.net", "--no-limits"]) { map, porkbun, namecheap in
            // `dns`: the zones served by a real Knot, when knotd is installed (scripts/bootstrap installs it).
            let knot = FileManager.default.isExecutableFile(atPath: "/usr/sbin/knotd")
            // `web`: the registrars' forwarding hosts, always.
            #expect(Set(map.keys) == Set(["porkbun", "namecheap", "mailgun-us", "mailgun-eu", "zoho", "telegram", "web"] + (knot ? ["dns"] : [])))
            if knot { #expect(map["dns"]?["server"]?.hasPrefix("127.0.0.1:") == true) }
            #expect(map["web"]?["server"]?.hasPrefix("127.0.0.1:") == true)
            let pd = try await porkbun.listDomains().map(\.name)
            let nd = try await namecheap.listDomains().map(\.name)
            #expect(pd == ["cli-test.com"])
            #expect(nd == ["cli-test.net"])
        }
    }

    /// With `--inventory`, every inventory domain starts registered at the API
    /// of its registrar account's kind, and nothing else does.
    @Test(.enabled(if: binary != nil, "reconcile binary not built"))
    func inventoryDomainsStartRegisteredAtTheirRegistrar() async throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("inventory").path
        let inventory = try InventoryLoader().load(directory: dir).inventory
        func expected(_ kind: AccountKind) -> [String] {
            inventory.domains.filter { inventory.account(named: $0.registrar)?.kind == kind }.map(\.name).sorted()
        }
        #expect(!expected(.porkbun).isEmpty && !expected(.namecheap).isEmpty)
        let zohoAccount = try #require(inventory.sortedAccounts.compactMap(\.zoho).first)
        try await Self.withSandbox(["--inventory", dir, "--no-limits"]) { map, porkbun, namecheap in
            let pd = try await porkbun.listDomains().map(\.name).sorted()
            let nd = try await namecheap.listDomains().map(\.name).sorted()
            #expect(pd == expected(.porkbun))
            #expect(nd == expected(.namecheap))
            // The Zoho emulator is the inventory's organisation (region eu, org_id 20104471):
            // a client built from the inventory's account values reaches it.
            let z = try #require(map["zoho"])
            #expect(z["region"] == zohoAccount.region.rawValue)
            #expect(z["org_id"] == zohoAccount.orgID)
            let zoho = ZohoClient(region: zohoAccount.region, orgID: zohoAccount.orgID,
                                  clientID: z["client_id"]!, clientSecret: z["client_secret"]!, refreshToken: z["refresh_token"]!,
                                  mailEndpoint: URL(string: z["url"]!)!, accountsEndpoint: URL(string: z["accounts_url"]!)!,
                                  budget: .unlimited(), retry: fastRetry)
            #expect(try await zoho.organizationZoid() == zohoAccount.orgID)
        }
    }
}
