import DNSRecords

/// DMARC report authorization (RFC 7489 §7.1). The fleet's `rua`/`ruf`
/// usually name one reports domain; receivers send reports about another
/// domain there only if the reports domain publishes
/// `<domain>._report._dmarc.<reports-domain> TXT "v=DMARC1"`. When the
/// reports domain lies in a zone of the inventory, that zone gets the
/// records (one wildcard where the registrar serves wildcards, else one per
/// reporting domain); otherwise `validate` warns once per reports domain.
extension CompileRun {
    /// The destinations of `defaults.dmarc` (`rua` then `ruf`), each once, in order.
    var reportDestinations: [String] {
        let p = inventory.defaults.dmarc
        var seen = Set<String>()
        return (p.rua.compactMap { try? DMARCReportURI.parse($0, tag: "rua") } + p.ruf.compactMap { try? DMARCReportURI.parse($0, tag: "ruf") })
            .map(\.domain).filter { seen.insert($0).inserted }
    }

    /// The inventory domain whose zone holds `name` (the longest match).
    func zone(holding name: String) -> Domain? {
        inventory.groups.lazy.flatMap(\.domains).filter { name == $0.name || name.hasSuffix("." + $0.name) }
            .max { $0.name.count < $1.name.count }
    }

    /// Domains that publish DMARC (every one not retired) and need `destination`'s authorization.
    func reportingDomains(to destination: String) -> [String] {
        inventory.groups.flatMap(\.domains).filter { $0.role != .retired && DMARCReportAuthorization.isNeeded(domain: $0.name, destination: destination) }
            .map(\.name).sorted()
    }

    /// The authorization records zone `d` publishes for the destinations it
    /// holds (marked absent with the rest of its mail records when it is retired).
    func reportAuthorizations(in d: Domain, ttl: Int) -> [DesiredRecord] {
        let wildcard = inventory.account(named: d.registrar)?.kind.servesWildcardRecords ?? false
        var out: [DesiredRecord] = []
        // The cheap suffix test first: only a zone that could hold a destination looks for a longer one.
        for destination in reportDestinations where (destination == d.name || destination.hasSuffix("." + d.name))
            && zone(holding: destination)?.name == d.name {
            let reporting = reportingDomains(to: destination)
            guard !reporting.isEmpty else { continue }
            for domain in wildcard ? [nil] : reporting.map(Optional.some) {
                out.append(DesiredRecord(DNSRecord(name: DMARCReportAuthorization.name(domain: domain, destination: destination), type: .TXT,
                                                   ttl: ttl, value: DMARCReportAuthorization.value),
                                         purpose: .dmarcReportAuthorization, location: inventory.defaults.dmarc.location))
            }
        }
        return out
    }

    /// A warning per destination outside the inventory's live zones: its owner must publish the authorization.
    mutating func warnUnauthorizedReportDestinations() {
        for destination in reportDestinations {
            let reporting = reportingDomains(to: destination)
            guard !reporting.isEmpty else { continue }
            let holder = zone(holding: destination)
            guard holder == nil || holder?.role == .retired else { continue }
            let example = DMARCReportAuthorization.name(domain: reporting[0], destination: destination)
            let wildcard = DMARCReportAuthorization.name(domain: nil, destination: destination)
            let why = holder.map { "its zone \($0.name) is retired (\($0.location))" } ?? "it is not a zone of this inventory"
            warning(inventory.defaults.dmarc.location, "defaults.dmarc",
                    "DMARC reports go to \(destination) but \(why): receivers drop them unless it publishes \(example) "
                    + "TXT \"\(DMARCReportAuthorization.value)\" for each of the \(reporting.count) domains, or one \(wildcard) (RFC 7489 7.1)")
        }
    }
}
