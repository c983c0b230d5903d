// swift-tools-version:6.0
import PackageDescription

// Modules follow docs/ARCHITECTURE.md: data flows one way,
// Inventory → DesiredState → (with observations) Plan → apply.
let package = Package(
    name: "reconcile",
    platforms: [.macOS(.v14)],
    products: [.executable(name: "reconcile", targets: ["reconcile"])],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The sandbox Mailgun's SMTP submission port: NIO (already under Hummingbird), its TLS, and
        // swift-certificates to make the port's self-signed certificate at start.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    ],
    targets: [
        // DNS record model, normalisation, SPF/DKIM/DMARC building and linting.
        .target(name: "DNSRecords"),
        // YAML schema, located errors, validation, compilation into DesiredState.
        .target(name: "Inventory", dependencies: [
            "DNSRecords",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Provider clients (Porkbun, Namecheap, Mailgun, Zoho, Telegram) on a shared HTTP layer.
        .target(name: "Providers", dependencies: [
            "CCurl", "DNSRecords",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Loopback emulators of every provider API, with fault injection.
        .target(name: "Sandbox", dependencies: [
            "DNSRecords", "Providers", "Store",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ]),
        // The state (SQLite file or PostgreSQL): migrations, observation cache, journal, outbox, send log, events.
        .target(name: "Store", dependencies: [
            "DNSRecords", "CLibPQ",
            .product(name: "GRDB", package: "GRDB.swift"),
            // The C API for enqueue's per-row statements (SQLiteRowWriter).
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // observe → diff → plan → apply.
        .target(name: "Reconciler", dependencies: [
            "DNSRecords", "Inventory", "Providers", "Store",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Scheduler under nested limits, warmup, transports, compliance headers.
        .target(name: "Sender", dependencies: [
            "DNSRecords", "Inventory", "Store", "Providers", "CCurl",
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // What listens: Mailgun webhooks, unsubscribes, replies, alerts, metrics,
        // the status page — services for `reconcile serve`.
        .target(name: "Monitor", dependencies: [
            "CCurl", "Inventory", "Providers", "Sender", "Store",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The application layer between the CLI and the modules: a fleet session
        // (load once, scope, providers real or sandboxed), the loopback guard,
        // the daemon's ServiceGroup. Testable without a subprocess.
        .target(name: "App", dependencies: [
            "Inventory", "Monitor", "Providers", "Reconciler", "Resolver", "Sandbox", "Sender", "Store", "Watch",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Asks nameservers directly through c-ares: the fleet as the internet sees it.
        .target(name: "Resolver", dependencies: ["DNSRecords", "CAres"]),
        // libpq: the PostgreSQL state (issue #15). Blocking calls like GRDB's, behind the same synchronous seams.
        // Loaded with dlopen on the first connection, not linked (its header comes from libpq-dev).
        .target(name: "CLibPQ", dependencies: ["CLazyLibrary"]),
        .systemLibrary(name: "CAres", pkgConfig: "libcares", providers: [.apt(["libc-ares-dev"])]),
        // The fleet as the internet sees it: `check` (DNS against the declared zones, web forwards over HTTP), blocklists, Mailgun's verdict.
        .target(name: "Watch", dependencies: ["CCurl", "DNSRecords", "Inventory", "Reconciler", "Resolver", "Store", "Providers",
                                               .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),
        // libcurl with typed, non-variadic wrappers (provider APIs, SMTP transport, IMAP, `check`'s HEAD requests).
        // Loaded with dlopen on the first use, not linked (its header comes from libcurl4-openssl-dev).
        .target(name: "CCurl", dependencies: ["CLazyLibrary"]),
        // dlopen and dlsym with errors worth printing, for CCurl and CLibPQ.
        .target(name: "CLazyLibrary", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        .executableTarget(name: "reconcile", dependencies: [
            "App", "DNSRecords", "Inventory", "Monitor", "Providers", "Resolver", "Sandbox", "Store", "Reconciler", "Sender", "Watch",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Shared by the test targets: the one locator of the built binary.
        .target(name: "TestSupport", dependencies: ["Sandbox", "Providers", "Store"], path: "Tests/TestSupport"),
        .testTarget(name: "DNSRecordsTests", dependencies: ["DNSRecords"]),
        .testTarget(name: "InventoryTests", dependencies: ["Inventory", "DNSRecords"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "ProvidersTests", dependencies: [
            "Providers", "Sandbox", "DNSRecords", "Inventory", "TestSupport", "CLazyLibrary",
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .testTarget(name: "SandboxTests", dependencies: [
            "Sandbox", "Providers", "DNSRecords",
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ResolverTests", dependencies: ["Resolver", "DNSRecords", "TestSupport"]),
        .testTarget(name: "WatchTests", dependencies: [
            "Watch", "Resolver", "Reconciler", "Inventory", "DNSRecords", "Store", "Providers", "Sandbox", "TestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .testTarget(name: "SenderTests", dependencies: [
            "Sender", "Store", "Inventory", "Providers", "Sandbox", "TestSupport",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "ReconcilerTests", dependencies: ["Reconciler", "Sandbox", "Providers", "Store", "Inventory", "TestSupport"],
                    exclude: ["Golden"]),
        .testTarget(name: "MonitorTests", dependencies: [
            "Monitor", "Sender", "Store", "Inventory", "Providers", "Sandbox", "TestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "AppTests", dependencies: ["App", "Inventory", "Reconciler", "Sandbox", "Sender", "Store"]),
        .testTarget(name: "CLITests", dependencies: ["DNSRecords", "Inventory", "Providers", "Sandbox", "Store", "Reconciler", "TestSupport",
                                                   .product(name: "Yams", package: "Yams")],
                    exclude: ["Golden"]),
    ]
)
