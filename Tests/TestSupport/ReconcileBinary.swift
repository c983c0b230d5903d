import Foundation

/// The built `reconcile` executable, for tests that run it as a child
/// process the way an operator or CI does. One locator for every test target.
public enum ReconcileBinary {
    /// The repository root (this file is `Tests/TestSupport/ReconcileBinary.swift`).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary next to the test bundle (the same build directory, so a
    /// release test run uses the release binary); nil when it is not built.
    public static let url: URL? = {
        var dirs: [URL] = []
        if let exe = ProcessInfo.processInfo.arguments.first { dirs.append(URL(fileURLWithPath: exe).deletingLastPathComponent()) }
        if let exe = Bundle.main.executableURL { dirs.append(exe.deletingLastPathComponent()) }
        dirs += [Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL,
                 repositoryRoot.appendingPathComponent(".build/debug")]
        return dirs.map { $0.appendingPathComponent("reconcile") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// `url`'s path, or where `swift build` puts it, for a clear "not found" from the child.
    public static var path: String { (url ?? repositoryRoot.appendingPathComponent(".build/debug/reconcile")).path }
}
