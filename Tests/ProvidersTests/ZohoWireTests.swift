import DNSRecords
import Foundation
import Providers
import Testing

/// Zoho's loosely typed bodies (mail-platforms.md §2.2–2.5).
@Suite struct ZohoWireTests {
    let decoder = JSONDecoder()

    @Test func idsAbove2To53SurviveAsNumbersAndStrings() throws {
        struct Ids: Codable { var a: ZohoID; var b: ZohoID; var c: ZohoID; var d: ZohoID }
        let body = #"{"a": 2560636000000008002, "b": "1082700000213855787", "c": 841001, "d": "100000500000888000"}"#
        let ids = try decoder.decode(Ids.self, from: Data(body.utf8))
        #expect(ids.a.value == "2560636000000008002")   // via Double this would be ...8000
        #expect(ids.b.value == "1082700000213855787")
        #expect(ids.c.value == "841001")
        #expect(ids.d.value == "100000500000888000")
        // 2^63 < x < 2^64 still decodes (UInt64).
        #expect(try decoder.decode([ZohoID].self, from: Data("[18446744073709551000]".utf8))[0].value == "18446744073709551000")
        #expect(String(decoding: try JSONEncoder().encode(ids.a), as: UTF8.self) == #""2560636000000008002""#)
    }

    @Test func mixedTypeStatuses() throws {
        let body = #"{"domainName": "zylker.com", "domainId": "1082700000213855787", "zoid": 60000000001, "verificationStatus": true, "mxstatus": "expired", "spfstatus": false, "dkimstatus": "true", "subDomainStripping": 0, "isDomainAlias": 1, "dkimDetailList": [{"isDefault": false, "isVerified": "false", "selector": "zmail", "publicKey": "v=DKIM1; k=rsa; p=MIIB", "hashType": "sha256", "domainId": "1082700000213855787", "dkimId": "100000500000888000"}]}"#
        let d = try decoder.decode(ZohoDomain.self, from: Data(body.utf8))
        #expect(d.isVerified)
        #expect(d.mxstatus == .text("expired"))
        #expect(d.mxstatus?.isTrue == false)
        #expect(d.spfstatus?.isTrue == false)
        #expect(d.dkimstatus?.isTrue == true)
        #expect(d.subDomainStripping?.isTrue == false)
        #expect(d.isDomainAlias?.isTrue == true)
        #expect(d.zoid?.value == "60000000001")
        #expect(d.dkimDetailList?.first?.dkimId.value == "100000500000888000")
        #expect(d.dkimDetailList?.first?.isVerified?.isTrue == false)
    }

    @Test func documentedEnvelopesDecode() throws {
        let added = #"{"status": {"code": 201, "description": "Created"}, "data": {"HTMLVerificationCode": "60906216", "verificationStatus": false, "domainName": "x.com", "createdTime": 1722937359902, "CNAMEVerificationCode": "zb60906216", "isRegisteredByZoho": false, "primary": false}}"#
        let a = try decoder.decode(ZohoEnvelope<ZohoDomain>.self, from: Data(added.utf8))
        #expect(a.status.code == 201)
        #expect(a.data?.CNAMEVerificationCode == "zb60906216")
        #expect(ZohoRegion.com.verificationTXT(code: a.data!.CNAMEVerificationCode!) == "zoho-verification=zb60906216.zmverify.zoho.com")
        let txtFail = #"{"status": {"code": 200, "description": "success"}, "data": {"message": "Verification failed due to host not found", "error": "TXT_RECORD_HOST_UNKNOWN", "txtRecord": [], "status": false}}"#
        let f = try decoder.decode(ZohoEnvelope<ZohoVerifyResult>.self, from: Data(txtFail.utf8))
        #expect(f.status.code == 200)
        #expect(f.data?.status?.isTrue == false)
        #expect(f.data?.error == "TXT_RECORD_HOST_UNKNOWN")
        let err = #"{"status": {"code": 400, "description": "Invalid Input"}, "data": {"moreInfo": "zylkernew.com is not verified"}}"#
        #expect(try decoder.decode(ZohoEnvelope<ZohoErrorData>.self, from: Data(err.utf8)).data?.moreInfo == "zylkernew.com is not verified")
        let token = #"{"access_token": "1000.xxxx.yyyy", "api_domain": "https://www.zohoapis.com", "token_type": "Bearer", "expires_in": 3600}"#
        let t = try decoder.decode(ZohoTokenResponse.self, from: Data(token.utf8))
        #expect(t.accessToken == "1000.xxxx.yyyy" && t.expiresIn == 3600 && t.error == nil)
        #expect(try decoder.decode(ZohoTokenResponse.self, from: Data(#"{"error": "invalid_code"}"#.utf8)).error == "invalid_code")
    }

    @Test func userObjectsWithOldAndNewFields() throws {
        let body = #"[{"zuid": 841001, "accountId": "2560636000000008002", "emailAddress": [{"mailId": "alias@x.com", "isPrimary": false, "isAlias": true}, {"mailId": "paula@x.com", "isPrimary": true}], "mailboxStatus": "enabled", "tfaEnabled": "false"}, {"zuid": "9", "accountId": 600000000001, "primaryEmailAddress": "old@x.com", "accountEnabled": "false"}]"#
        let users = try decoder.decode([ZohoUser].self, from: Data(body.utf8))
        #expect(users[0].address == "paula@x.com")
        #expect(users[0].accountId.value == "2560636000000008002")
        #expect(users[0].isEnabled)
        #expect(users[1].address == "old@x.com")
        #expect(users[1].accountId.value == "600000000001")
        #expect(!users[1].isEnabled)
    }

    @Test func telegramBodiesDecode() throws {
        let ok = #"{"ok": true, "result": {"message_id": 42, "from": {"id": 1, "is_bot": true, "first_name": "b"}, "chat": {"id": -1001234567890, "type": "supergroup"}, "date": 1746268800, "text": "hi"}}"#
        let r = try decoder.decode(TelegramResponse<TelegramMessage>.self, from: Data(ok.utf8))
        #expect(r.ok && r.result?.messageID == 42 && r.result?.chat.id == -1001234567890)
        let flood = #"{"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 7", "parameters": {"retry_after": 7}}"#
        let f = try decoder.decode(TelegramResponse<TelegramMessage>.self, from: Data(flood.utf8))
        #expect(!f.ok && f.errorCode == 429 && f.parameters?.retryAfter == 7)
        #expect(TelegramText.escapeHTML("a < b && c > d") == "a &lt; b &amp;&amp; c &gt; d")
    }
}
