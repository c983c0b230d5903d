import DNSRecords
import Foundation
import Testing
@testable import Providers

/// The real Namecheap bodies quoted in registrars.md (Part B) decode to the right values.
@Suite struct NamecheapRecordedBodiesTests {
    static let getHosts = """
    <?xml version="1.0" encoding="utf-8"?>
    <ApiResponse Status="OK" xmlns="http://api.namecheap.com/xml.response">
      <Errors />
      <Warnings />
      <RequestedCommand>namecheap.domains.dns.gethosts</RequestedCommand>
      <CommandResponse Type="namecheap.domains.dns.getHosts">
        <DomainDNSGetHostsResult Domain="example.com" EmailType="MX" IsUsingOurDNS="true">
          <host HostId="1001" Name="@" Type="A" Address="192.0.2.1" MXPref="10" TTL="1799" AssociatedAppTitle="" FriendlyName="" IsActive="true" IsDDNSEnabled="false" />
          <host HostId="1002" Name="docs" Type="CNAME" Address="docs.example.com." MXPref="10" TTL="1800" AssociatedAppTitle="" FriendlyName="CNAME Record" IsActive="true" IsDDNSEnabled="false" />
          <host HostId="1003" Name="@" Type="MX" Address="mx1.example.net." MXPref="20" TTL="1800" AssociatedAppTitle="" FriendlyName="" IsActive="true" IsDDNSEnabled="false" />
          <host HostId="1004" Name="@" Type="TXT" Address="v=spf1 include:mailgun.org ~all" MXPref="10" TTL="1800" AssociatedAppTitle="" FriendlyName="" IsActive="true" IsDDNSEnabled="false" />
          <host HostId="1005" Name="@" Type="URL" Address="http://www.example.com/" MXPref="10" TTL="1800" AssociatedAppTitle="URL Forwarding" FriendlyName="URL Record" IsActive="true" IsDDNSEnabled="false" />
        </DomainDNSGetHostsResult>
      </CommandResponse>
      <Server>PHX01SBAPIEXT01</Server>
      <GMTTimeDifference>--4:00</GMTTimeDifference>
      <ExecutionTime>0.708</ExecutionTime>
    </ApiResponse>
    """

    @Test func getHostsEnvelopeAndLowerCaseHostElements() throws {
        let env = try #require(NamecheapWire.Envelope.parse(Data(Self.getHosts.utf8)))
        #expect(env.ok && env.errors.isEmpty)
        let hosts = NamecheapWire.Hosts(try #require(env.commandResponse?.child("DomainDNSGetHostsResult")))
        #expect(hosts.emailType == "MX" && hosts.isUsingOurDNS && hosts.hosts.count == 5)
        let provider = NamecheapProvider(client: NamecheapClient(credentials: NamecheapCredentials(apiUser: "u", apiKey: "k", clientIP: "1.2.3.4")))
        let z = provider.observed("example.com", hosts)
        #expect(z.records.contains(DNSRecord(name: "docs.example.com", type: .CNAME, ttl: 1800, value: "docs.example.com")))
        #expect(z.records.contains(DNSRecord(name: "example.com", type: .MX, ttl: 1800, priority: 20, value: "mx1.example.net")))
        #expect(z.records.contains { $0.type == .A && $0.ttl == 1799 })
        #expect(provider.capabilities.comparableTTL(1799) == provider.capabilities.comparableTTL(1800))
        #expect(z.foreign.map(\.type) == ["URL"])
    }

    @Test func capitalisedHostElementsAndHTTPSNamespaceAlsoParse() throws {
        let doc = Self.getHosts.replacingOccurrences(of: "<host ", with: "<Host ")
            .replacingOccurrences(of: "http://api.namecheap.com", with: "https://api.namecheap.com")
            .replacingOccurrences(of: "Status=\"OK\"", with: "Status=\"Ok\"")
        let env = try #require(NamecheapWire.Envelope.parse(Data(doc.utf8)))
        #expect(env.ok)
        #expect(NamecheapWire.Hosts(try #require(env.commandResponse?.child("DomainDNSGetHostsResult"))).hosts.count == 5)
    }

    @Test func errorEnvelopeWithEmptyCommandResponse() throws {
        let doc = """
        <?xml version="1.0" encoding="utf-8"?>
        <ApiResponse Status="ERROR" xmlns="http://api.namecheap.com/xml.response">
          <Errors><Error Number="2030166">Domain is invalid</Error></Errors>
          <Warnings />
          <RequestedCommand>namecheap.domains.getinfo</RequestedCommand>
          <CommandResponse Type="namecheap.domains.getInfo"><DomainGetInfoResult ID="0" /></CommandResponse>
          <Server>PHX01SBAPIEXT01</Server><GMTTimeDifference>--4:00</GMTTimeDifference><ExecutionTime>0.01</ExecutionTime>
        </ApiResponse>
        """
        let env = try #require(NamecheapWire.Envelope.parse(Data(doc.utf8)))
        #expect(!env.ok)
        #expect(env.errors == [NamecheapWire.APIError(number: "2030166", text: "Domain is invalid")])
        #expect(NamecheapWire.kind(of: "2030166") == .notFound)
        #expect(NamecheapWire.kind(of: "1011150") == .authentication)
        #expect(NamecheapWire.kind(of: "2030288") == .unsupported)
    }

    @Test func getListWithPaging() throws {
        let doc = """
        <?xml version="1.0" encoding="utf-8"?>
        <ApiResponse Status="OK" xmlns="http://api.namecheap.com/xml.response"><Errors /><Warnings />
        <RequestedCommand>namecheap.domains.getlist</RequestedCommand>
        <CommandResponse Type="namecheap.domains.getList"><DomainGetListResult>
        <Domain ID="127" Name="Example.COM" User="owner" Created="02/15/2016" Expires="02/15/2027" IsExpired="false" IsLocked="True" AutoRenew="true" WhoisGuard="ENABLED" IsPremium="false" IsOurDNS="true"/>
        <Domain ID="128" Name="other.net" User="owner" Created="02/15/2016" Expires="12/01/2026" IsExpired="False" IsLocked="false" AutoRenew="False" WhoisGuard="ENABLED" IsPremium="false" IsOurDNS="false"/>
        </DomainGetListResult><Paging><TotalItems>2</TotalItems><CurrentPage>1</CurrentPage><PageSize>20</PageSize></Paging></CommandResponse>
        <Server>x</Server><GMTTimeDifference>--4:00</GMTTimeDifference><ExecutionTime>0.1</ExecutionTime></ApiResponse>
        """
        let env = try #require(NamecheapWire.Envelope.parse(Data(doc.utf8)))
        let ds = try #require(env.commandResponse?.child("DomainGetListResult")).all("Domain").map(NamecheapWire.Domain.init)
        #expect(ds.map(\.name) == ["example.com", "other.net"])
        #expect(ds[0].isLocked && ds[0].autoRenew && ds[0].isOurDNS && !ds[0].isExpired)
        #expect(!ds[1].isLocked && !ds[1].autoRenew && !ds[1].isOurDNS)
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let c = utc.dateComponents([.year, .month, .day], from: try #require(ds[0].expires))
        #expect([c.year, c.month, c.day] == [2027, 2, 15])
        #expect(env.commandResponse?.child("Paging")?.child("TotalItems")?.text == "2")
    }

    @Test func setHostsSuccessAndThrottleClassification() throws {
        let doc = #"<?xml version="1.0" encoding="utf-8"?><ApiResponse Status="OK" xmlns="http://api.namecheap.com/xml.response"><Errors /><CommandResponse Type="namecheap.domains.dns.setHosts"><DomainDNSSetHostsResult Domain="example.com" IsSuccess="True"><Warnings /></DomainDNSSetHostsResult></CommandResponse></ApiResponse>"#
        let r = try #require(NamecheapWire.Envelope.parse(Data(doc.utf8))?.commandResponse?.child("DomainDNSSetHostsResult"))
        #expect(LenientFlag.parse(r.attribute("IsSuccess")))
        let throttled = NamecheapClient.classifier.classify(ProviderResponse(status: 405, body: Data()))
        guard case .retry(_, true, false, _)? = throttled else { Issue.record("405 must be a pre-execution throttle"); return }
        let legacy = #"<ApiResponse Status="ERROR"><Errors><Error Number="500000">Too many requests</Error></Errors></ApiResponse>"#
        guard case .retry(_, true, false, _)? = NamecheapClient.classifier.classify(ProviderResponse(status: 200, body: Data(legacy.utf8))) else {
            Issue.record("legacy throttle must be retryable"); return
        }
    }

    @Test func domainSplitRespectsMultiLabelSuffixes() {
        #expect(DomainSplit.split("shop.co.uk") == ("shop", "co.uk"))
        #expect(DomainSplit.split("acme.com.de") == ("acme", "com.de"))
        #expect(DomainSplit.split("acme-mail.com") == ("acme-mail", "com"))
    }
}
