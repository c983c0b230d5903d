import Foundation

extension BlocklistLookup.Report {
    /// One line per domain and list: `DOMAIN  ZONE  verdict`, listed first.
    public func text(domains: [String]) -> String {
        let width = (domains.map(\.count).max() ?? 0) + 2
        let zoneWidth = (lists.map(\.count).max() ?? 0) + 2
        var lines: [String] = []
        for d in domains {
            for z in lists {
                let v = verdicts[d]?[z] ?? .unknown("not asked")
                lines.append(d.padding(toLength: width, withPad: " ", startingAt: 0) + z.padding(toLength: zoneWidth, withPad: " ", startingAt: 0) + "\(v)")
            }
        }
        let listed = domains.filter { !listings($0).isEmpty }.count
        let unknown = domains.filter { anyUnknown($0) }.count
        lines.append("\(domains.count) domain\(domains.count == 1 ? "" : "s") on \(lists.count) list\(lists.count == 1 ? "" : "s"): "
                     + "\(listed) listed, \(unknown) not fully checked")
        return lines.joined(separator: "\n") + "\n"
    }

    /// 2 when a domain is listed, else 1 when some lookup could not be answered, else 0.
    public func exitCode(domains: [String]) -> Int32 {
        if domains.contains(where: { !listings($0).isEmpty }) { return 2 }
        return domains.contains(where: anyUnknown) ? 1 : 0
    }
}
