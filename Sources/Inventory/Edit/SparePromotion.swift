import DNSRecords
import Foundation

/// `reconcile promote-spare`: a spare domain of a group becomes active and,
/// when named, the domain it replaces is retired — as the smallest edit of
/// the inventory files (one `role:` value changed, or one `role: retired`
/// line added), found through the locations `YAMLReader` records, so
/// comments and untouched lines stay as written. The edited inventory is
/// loaded and compiled before anything is written; the change then goes
/// through review and the usual plan/apply: nothing here sends or applies.
public struct SparePromotion: Sendable {
    public struct FileEdit: Sendable, Equatable {
        /// As the loader names it (`inventory/groups/us-outreach.yaml`).
        public var file: String
        public var before: String
        public var after: String
    }

    public var group: String
    /// The spare that becomes active.
    public var promoted: Domain
    /// The active domain that is retired, if one was named.
    public var retired: Domain?
    /// One per file changed, in path order.
    public var edits: [FileEdit]

    /// Refusals name where to look: the group, the domain, or the field.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var location: SourceLocation?
        public var message: String
        public var description: String { location.map { "\($0): \(message)" } ?? message }
    }

    /// Plans the edit of the inventory under `directory`; writes nothing.
    /// A spare is ready when it has at least one mailbox; the first ready
    /// one in the group's file order is promoted.
    public static func prepare(directory: String, group name: String, replace: String?) throws -> SparePromotion {
        let dir = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let inventory = try InventoryLoader().loadAndCompile(directory: dir).inventory
        guard let group = inventory.group(named: name) else {
            let known = inventory.groups.map { "\($0.name) (\($0.location))" }.joined(separator: ", ")
            throw Failure(location: nil, message: "no group '\(name)' in the inventory \(dir); its groups: \(known.isEmpty ? "none" : known)")
        }
        var retired: Domain?
        if let replace {
            let target = DomainName.normalize(replace)
            guard let d = group.domains.first(where: { $0.name == target }) else {
                if let elsewhere = inventory.domain(named: target) {
                    throw Failure(location: elsewhere.location, message: "\(target) is in group \(elsewhere.group), not in \(group.name) (\(group.location))")
                }
                throw Failure(location: group.location, message: "no domain '\(target)' in group \(group.name); its domains: "
                              + group.domains.map(\.name).joined(separator: ", "))
            }
            guard d.role == .active else {
                throw Failure(location: d.location, message: "\(d.name) is \(d.role), not active: only an active domain is replaced")
            }
            retired = d
        }
        let spares = group.domains.filter { $0.role == .spare }
        guard let spare = spares.first(where: { !$0.mailboxes.isEmpty }) else {
            let why = spares.isEmpty ? "no domain with role: spare"
                : "its spares have no mailboxes (\(spares.map { "\($0.name) at \($0.location)" }.joined(separator: ", ")))"
            throw Failure(location: group.location, message: "group \(group.name) has no spare ready to promote: \(why)")
        }

        var diagnostics: [Diagnostic] = []
        let sources = InventoryFiles(maxFileBytes: InventoryLoader().maxFileBytes).read(directory: dir, diagnostics: &diagnostics)
        var texts = Dictionary(uniqueKeysWithValues: sources.map { ($0.path, String(decoding: $0.bytes, as: UTF8.self)) })
        var changed: [String: String] = [:]
        for (domain, role) in [(spare, DomainRole.active)] + (retired.map { [($0, DomainRole.retired)] } ?? []) {
            let file = domain.location.file
            guard let text = changed[file] ?? texts[file] else { throw Failure(location: domain.location, message: "the file is no longer readable") }
            changed[file] = try setRole(role, of: domain, in: text)
        }
        var edits: [FileEdit] = []
        for (file, after) in changed.sorted(by: { $0.key < $1.key }) {
            edits.append(FileEdit(file: file, before: texts[file]!, after: after))
            texts[file] = after
        }
        try verify(texts: texts, order: sources.map(\.path), group: group.name, promoted: spare.name, retired: retired?.name)
        return SparePromotion(group: group.name, promoted: spare, retired: retired, edits: edits)
    }

    /// The unified diff of every edit, in path order.
    public var diff: String { edits.map { UnifiedDiff.render(path: $0.file, before: $0.before, after: $0.after) }.joined() }

    /// Writes each edited file in place, atomically (a crash leaves the old
    /// or the new text, never half of one), through symbolic links.
    public func write() throws {
        for e in edits {
            let target = URL(fileURLWithPath: e.file).resolvingSymlinksInPath()
            try Data(e.after.utf8).write(to: target, options: .atomic)
        }
    }

    /// `role: <role>` for `domain` in `text`: the value replaced where the key is written, else a line added after `registrar:`.
    static func setRole(_ role: DomainRole, of domain: Domain, in text: String) throws -> String {
        let loc = domain.location
        let root: YAMLNode?
        do { root = try YAMLReader().parse(Array(text.utf8)) } catch {
            throw Failure(location: SourceLocation(file: loc.file, line: error.line, column: error.column), message: error.message)
        }
        guard let root, let mapping = domainMapping(in: root, nameAt: loc) else {
            throw Failure(location: loc, message: "the domain's mapping is not where the inventory was read: was the file changed meanwhile?")
        }
        var edit = YAMLTextEdit(text)
        do throws(YAMLTextEdit.Refusal) {
            if let existing = mapping.value(for: "role") {
                try edit.replaceScalar(existing, with: role.rawValue)
            } else if let anchor = mapping.pair("registrar") ?? mapping.pair("name") {
                try edit.insertPair("role", role.rawValue, after: anchor.0, afterValue: anchor.1, flow: edit.isFlow(mapping.node))
            }
        } catch {
            throw Failure(location: SourceLocation(file: loc.file, line: error.line, column: error.column), message: "\(domain.name): role: \(error.message)")
        }
        return edit.text
    }

    /// The mapping whose `name:` value sits at `location` (the domain's recorded position).
    private static func domainMapping(in node: YAMLNode, nameAt location: SourceLocation) -> MappingView? {
        switch node.value {
        case .scalar: return nil
        case .sequence(let items): return items.lazy.compactMap { domainMapping(in: $0, nameAt: location) }.first
        case .mapping(let pairs):
            let view = MappingView(node: node, pairs: pairs)
            if let name = view.value(for: "name"), name.line == location.line, name.column == location.column { return view }
            return pairs.lazy.compactMap { domainMapping(in: $0.value, nameAt: location) }.first
        }
    }

    private struct MappingView {
        var node: YAMLNode
        var pairs: [(key: YAMLNode, value: YAMLNode)]
        func pair(_ key: String) -> (YAMLNode, YAMLNode)? { pairs.first { $0.key.scalarText == key }.map { ($0.key, $0.value) } }
        func value(for key: String) -> YAMLNode? { pair(key)?.1 }
    }

    /// The edited inventory must load, compile and say what was meant.
    private static func verify(texts: [String: String], order: [String], group: String, promoted: String, retired: String?) throws {
        let files = order.compactMap { path in texts[path].map { (file: path, text: $0) } }
        let loaded = try InventoryLoader().load(files: files)
        _ = try DesiredStateCompiler().compile(loaded.inventory)
        let roles = Dictionary(uniqueKeysWithValues: (loaded.inventory.group(named: group)?.domains ?? []).map { ($0.name, $0.role) })
        guard roles[promoted] == .active, retired.map({ roles[$0] == .retired }) ?? true else {
            throw Failure(location: nil, message: "the edited inventory does not read as intended (\(promoted) active, \(retired ?? "-") retired): nothing written")
        }
    }
}
