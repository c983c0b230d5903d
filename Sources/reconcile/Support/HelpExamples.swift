import ArgumentParser
import Foundation

/// Every command's discussion ends with `Example:` / `Examples:` lines.
/// ArgumentParser prints the discussion at the top of `--help` (under
/// OVERVIEW); a reader looks for the example last, after the options, so
/// help requests are answered here with that block moved to the end.
enum HelpExamples {
    /// The help `args` ask for, examples last; nil when they do not ask for
    /// help (or it has no example block): ArgumentParser answers as usual.
    static func help<Command: ParsableCommand>(_ command: Command.Type, _ args: [String]) -> String? {
        let head = args.prefix { $0 != "--" }
        guard head.contains("--help") || head.contains("-h") || head.first == "help" else { return nil }
        do {
            // `--help` and `help SUB` parse into ArgumentParser's own help
            // command, whose run() throws the help text; anything else is
            // left alone (never run here). The type is internal to
            // ArgumentParser, hence its name; HelpAndCompletionTests fail if
            // an upgrade renames it (the examples would stay on top).
            var parsed = try command.parseAsRoot(args)
            guard String(describing: type(of: parsed)) == "HelpCommand" else { return nil }
            try parsed.run()
        } catch {
            guard command.exitCode(for: error) == .success else { return nil }
            let text = command.fullMessage(for: error)
            let moved = examplesLast(text)
            return moved == text ? nil : moved
        }
        return nil
    }

    /// Moves the first `Example:`/`Examples:` block above `USAGE:` to the end.
    static func examplesLast(_ text: String) -> String {
        var lines = text.components(separatedBy: "\n")
        guard let usage = lines.firstIndex(where: { $0.hasPrefix("USAGE:") }),
              let start = lines[..<usage].firstIndex(where: { line in
                  let t = line.trimmingCharacters(in: .whitespaces)
                  return t.hasPrefix("Example:") || t.hasPrefix("Examples:")
              }) else { return text }
        var end = start + 1
        while end < usage, !lines[end].trimmingCharacters(in: .whitespaces).isEmpty { end += 1 }
        let block = lines[start..<end].map { $0.hasPrefix("OVERVIEW: ") ? String($0.dropFirst(10)) : $0 }
        lines.removeSubrange(start..<end)
        if start > 0, start < lines.count, lines[start].isEmpty, lines[start - 1].isEmpty { lines.remove(at: start) }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return (lines + [""] + block).joined(separator: "\n") + "\n"
    }
}
