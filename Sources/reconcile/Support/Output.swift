import Foundation
import Reconciler

/// Pretty, sorted JSON on stdout.
func printJSON(_ value: some Encodable) throws {
    let enc = JSONEncoder()
    enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try enc.encode(value), as: UTF8.self))
}

/// On a terminal a progress line rewrites itself; elsewhere one line per step.
func progressLine(_ line: String, last: Bool, tty: Bool) -> String {
    tty ? "\r\u{1B}[K" + line + (last ? "\n" : "") : line + "\n"
}

/// `observed 40/600 domains …` while observing.
func observeProgress(tty: Bool) -> @Sendable (ObserveProgress) -> Void {
    { p in stderr(progressLine(p.line(now: Date()), last: p.done == p.total, tty: tty)) }
}

/// `applied 40/87 actions` while applying.
func applyProgress(tty: Bool) -> @Sendable (Int, Int) -> Void {
    { done, total in stderr(progressLine("applied \(done)/\(total) actions", last: done == total, tty: tty)) }
}
