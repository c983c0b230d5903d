#!/usr/bin/env python3
"""Loopback SMTP server for the sender's tests (aiosmtpd).

STARTTLS and AUTH are both required (AUTH is offered only after STARTTLS);
the certificate is self-signed (made with openssl when --cert does not exist)
so clients trust it through CURLOPT_CAINFO with verification on. Every
accepted message is written to --dir as NNNNNN.eml, and one JSON line per
message goes to --dir/log.jsonl. The first line on stdout is `PORT <n>`.

Recipient local parts steer failures, so one server covers every phase:
  bad*     550 5.1.1 at RCPT (hard bounce)
  later*   450 4.2.1 at RCPT (deferred)
  reject*  554 5.7.1 after the final dot
  drop*    message stored, then the connection is closed with no reply (outcome unknown)

--no-starttls runs a server that never offers STARTTLS: a correct client
must refuse to send to it at all.

--any-login accepts every AUTH login and password (still only after
STARTTLS): a local catcher for `reconcile send`, whose mailboxes each log in
with their own derived password.

--parse also writes NNNNNN.json next to each message: what Python's `email`
package (policy=default, a real receiving parser) reads from the bytes: every
header's name, decoded value, parsed addresses and defects, the decoded plain
text body, and the longest line in octets.
"""
import argparse, asyncio, email, email.header, email.policy, email.utils, json, os, signal, ssl, subprocess, sys, time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def parsed(data):
    """The message as a receiving mail program sees it."""
    try:
        msg = email.message_from_bytes(data, policy=email.policy.default)
        headers = []
        for (name, value), (_, raw) in zip(msg.items(), msg.raw_items()):
            h = {"name": name, "value": str(value), "defects": [repr(d) for d in getattr(value, "defects", [])]}
            if hasattr(value, "addresses"):
                h["addresses"] = [{"display_name": x.display_name, "addr_spec": x.addr_spec} for x in value.addresses]
                # Python 3.11's policy=default keeps the white space between adjacent encoded
                # words in a phrase, which RFC 2047 section 6.2 says to drop: decode those names
                # with the RFC-conforming legacy decoder as well.
                unfolded = raw.replace("\r\n", "").replace("\n", "")
                h["rfc2047_names"] = [str(email.header.make_header(email.header.decode_header(n)))
                                      for n, _ in email.utils.getaddresses([unfolded])]
            headers.append(h)
        body = msg.get_body(("plain",))
        return {"headers": headers, "defects": [repr(d) for d in msg.defects],
                "text": body.get_content() if body is not None else None,
                "max_line": max(len(line) for line in data.split(b"\r\n"))}
    except Exception as e:  # reported to the test, which fails on it
        return {"error": repr(e)}


def main():
    signal.pthread_sigmask(signal.SIG_SETMASK, [])   # children of Swift Testing start with signals blocked
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--user", default="user")
    p.add_argument("--password", default="pass")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--no-starttls", action="store_true")
    p.add_argument("--parse", action="store_true")
    p.add_argument("--any-login", action="store_true")
    # Seconds each DATA takes before its answer, as a remote relay's queue write
    # does: lets a test make sending, not the limits, the bottleneck.
    p.add_argument("--delay", type=float, default=0.0)
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    if not os.path.exists(a.cert):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", a.key, "-out", a.cert,
                        "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    counter = {"n": 0}

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, options):
            local = address.split("@")[0].lower()
            if local.startswith("bad"):
                return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
            if local.startswith("later"):
                return "450 4.2.1 <%s>: Mailbox busy, try again later" % address
            envelope.rcpt_tos.append(address)
            return "250 2.1.5 OK"

        async def handle_DATA(self, server, session, envelope):
            rcpt = envelope.rcpt_tos[0] if envelope.rcpt_tos else ""
            local = rcpt.split("@")[0].lower()
            if local.startswith("reject"):
                return "554 5.7.1 Message rejected as spam"
            if a.delay > 0:
                await asyncio.sleep(a.delay)
            counter["n"] += 1
            name = "%06d.eml" % counter["n"]
            with open(os.path.join(a.dir, name), "wb") as f:
                f.write(envelope.original_content)
                f.flush(); os.fsync(f.fileno())
            if a.parse:
                with open(os.path.join(a.dir, name[:-4] + ".json"), "w") as f:
                    json.dump(parsed(envelope.original_content), f)
            with open(os.path.join(a.dir, "log.jsonl"), "a") as f:
                f.write(json.dumps({"file": name, "mail_from": envelope.mail_from, "rcpt": envelope.rcpt_tos,
                                    "tls": session.ssl is not None, "auth": session.authenticated, "at": time.time()}) + "\n")
                f.flush(); os.fsync(f.fileno())
            if local.startswith("drop"):
                session_transport = server.transport
                session_transport.abort()
                return "250 2.0.0 never seen by the client"
            return "250 2.0.0 Ok: queued as Q%06d" % counter["n"]

    def auth(server, session, envelope, mechanism, data):
        ok = isinstance(data, LoginPassword) and (a.any_login or (data.login == a.user.encode() and data.password == a.password.encode()))
        # handled=False: aiosmtpd then answers a refused login with 535, as a
        # real relay does (its default, handled=True, leaves the client waiting).
        return AuthResult(success=ok, handled=ok)

    ctx = None
    if not a.no_starttls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)

    def factory():
        if a.no_starttls:
            return SMTP(Handler(), hostname="localhost", authenticator=auth, auth_required=True, auth_require_tls=False)
        return SMTP(Handler(), hostname="localhost", tls_context=ctx, require_starttls=True,
                    authenticator=auth, auth_required=True, auth_require_tls=True)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(factory, "127.0.0.1", a.port))
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
    loop.run_forever()


if __name__ == "__main__":
    main()
