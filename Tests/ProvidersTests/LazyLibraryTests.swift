import CLazyLibrary
import Testing

/// libcurl and libpq are loaded on first use (`CCurl`, `CLibPQ`); when that
/// fails the message says which library, why, and what to install.
@Suite struct LazyLibraryTests {
    /// `body`'s result and the message it left in the error buffer.
    private func withError(_ body: (UnsafeMutablePointer<CChar>) -> UnsafeMutableRawPointer?) -> (UnsafeMutableRawPointer?, String) {
        var buffer = [CChar](repeating: 0, count: 256)
        buffer[0] = 0x78   // "x": a success must clear it
        let result = buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
        return (result, String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    @Test func aLibraryThatIsNotThereIsNamedWithThePackageToInstall() {
        let (lib, error) = withError { clazy_open("reconcile-absent", "9", "libabsent9", $0, 256) }
        #expect(lib == nil)
        #expect(error.hasPrefix("libreconcile-absent.so.9 could not be loaded (") && error.hasSuffix("); install libabsent9"), "\(error)")
    }

    @Test func aLibraryLoadsByItsABIVersionAndAMissingSymbolIsNamed() {
        let (lib, error) = withError { clazy_open("curl", "4", "libcurl4", $0, 256) }
        #expect(lib != nil && error.isEmpty, "\(error)")
        guard let lib else { return }
        #expect(withError { clazy_symbol(lib, "curl_easy_init", "libcurl", $0, 256) }.0 != nil)
        let (missing, why) = withError { clazy_symbol(lib, "curl_reconcile_nope", "libcurl", $0, 256) }
        #expect(missing == nil && why == "libcurl has no curl_reconcile_nope: it is too old", "\(why)")
    }
}
