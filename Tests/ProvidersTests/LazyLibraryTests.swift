import CLazyLibrary
import Foundation
import Testing

/// libcurl and libpq are loaded on first use (`CCurl`, `CLibPQ`); when that
/// fails the message says which library, why, and what to install.
@Suite struct LazyLibraryTests {
    private func withError(_ body: (UnsafeMutablePointer<CChar>) -> UnsafeMutableRawPointer?) -> (UnsafeMutableRawPointer?, String) {
        var buffer = [CChar](repeating: 0, count: 256)
        let result = buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
        return (result, String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    @Test func aLibraryThatIsNotThereIsNamedWithThePackageToInstall() {
        let names = ["libreconcile-absent.so.9", "libreconcile-absent.so"]
        let (lib, error) = withError { e in
            names.withCStrings { clazy_open($0, names.count, "libabsent9", e, 256) }
        }
        #expect(lib == nil)
        #expect(error.hasPrefix("libreconcile-absent.so.9 could not be loaded (") && error.hasSuffix("); install libabsent9"), "\(error)")
    }

    @Test func theFirstNameThatLoadsIsUsedAndAMissingSymbolIsNamed() {
        let names = ["libreconcile-absent.so.9", "libcurl.so.4"]
        let (lib, error) = withError { e in
            names.withCStrings { clazy_open($0, names.count, "libcurl4", e, 256) }
        }
        #expect(lib != nil && error.isEmpty, "\(error)")
        guard let lib else { return }
        #expect(withError { clazy_symbol(lib, "curl_easy_init", "libcurl.so.4", $0, 256) }.0 != nil)
        let (missing, why) = withError { clazy_symbol(lib, "curl_reconcile_nope", "libcurl.so.4", $0, 256) }
        #expect(missing == nil && why == "libcurl.so.4 has no curl_reconcile_nope: it is too old", "\(why)")
    }
}

private extension Array where Element == String {
    /// The strings as a C array of C strings, alive during `body`.
    func withCStrings<R>(_ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let copies = map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { UnsafePointer($0) }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
