import Foundation
import Testing

/// `--plan` never changes anything, so the flags that only steer an apply
/// are refused with it (a usage error) instead of being silently accepted.
@Suite struct PlanApplyFlagsTests {
    @Test(arguments: [["--auto-approve"], ["--allow-destructive"], ["--wait", "5m"], ["--wait", "0"],
                      ["--lock-timeout", "30s"], ["--apply-concurrency", "8"]])
    func applyOnlyFlagsAreRefusedWithPlan(_ flag: [String]) throws {
        let r = try CLIRunner.reconcile(["--plan", "--sandbox"] + flag)
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("\(flag[0]) only applies to --apply; --plan never changes anything"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }
}
