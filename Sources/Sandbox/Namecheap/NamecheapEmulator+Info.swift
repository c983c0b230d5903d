import Foundation

/// `namecheap.domains.getInfo` (registrars.md B2): what clients call to check
/// their credentials and to find a domain's DNS servers.
extension NamecheapEmulator {
    func getInfo(_ p: [String: String]) throws -> String {
        let name = (p["domainname"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        guard let d = state.value.domains[name] else {
            // An unknown domain is 2030166 "Domain is invalid", with an empty-ish result still present (ID="0").
            throw Failure(number: "2030166", text: "Domain is invalid",
                          response: ("namecheap.domains.getInfo",
                                     "<DomainGetInfoResult Status=\"\" ID=\"0\" DomainName=\"\" OwnerName=\"\" IsOwner=\"false\" IsPremium=\"false\" />"))
        }
        // BasicDNS reads as FREE; anything else is CUSTOM (B2, B6).
        let provider = d.usingOurDNS ? "FREE" : "CUSTOM"
        let hostCount = d.usingOurDNS ? d.hosts.count : 0
        let ns = d.nameservers.map { "<Nameserver>\(Self.esc($0))</Nameserver>" }.joined()
        let never = "0001-01-01T00:00:00"
        return """
        <DomainGetInfoResult Status="Ok" ID="\(d.id)" DomainName="\(d.name)" OwnerName="\(Self.esc(userName))" IsOwner="true" IsPremium="false">\
        <DomainDetails><CreatedDate>\(Self.mdy(d.created))</CreatedDate><ExpiredDate>\(Self.mdy(d.expires))</ExpiredDate><NumYears>0</NumYears></DomainDetails>\
        <LockDetails />\
        <Whoisguard Enabled="True"><ID>\(d.id + 500_000)</ID><ExpiredDate>\(Self.mdy(d.expires))</ExpiredDate><EmailDetails WhoisGuardEmail="\(d.name.replacingOccurrences(of: ".", with: "-"))@whoisguard.com" ForwardedTo="sandbox@example.invalid" LastAutoEmailChangeDate="" AutoEmailChangeFrequencyDays="0" /></Whoisguard>\
        <PremiumDnsSubscription><UseAutoRenew>false</UseAutoRenew><SubscriptionId>-1</SubscriptionId><CreatedDate>\(never)</CreatedDate><ExpirationDate>\(never)</ExpirationDate><IsActive>false</IsActive></PremiumDnsSubscription>\
        <DnsDetails ProviderType="\(provider)" IsUsingOurDNS="\(d.usingOurDNS)" HostCount="\(hostCount)" EmailType="\(d.emailType)" DynamicDNSStatus="false" IsFailover="false">\(ns)</DnsDetails>\
        <Modificationrights All="true" />\
        </DomainGetInfoResult>
        """
    }
}
