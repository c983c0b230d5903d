import Testing
@testable import Monitor

@Suite struct MonitorModuleTests {
    @Test func moduleLinks() { #expect(String(describing: Monitor.self) == "Monitor") }
}
