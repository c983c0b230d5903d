#!/usr/bin/env python3
"""Data for scripts/bench-webhooks: a state file with mail already sent and
the signed webhooks Mailgun would send about it.

usage: bench-webhooks-data.py INVENTORY STATE BODIES N KEY

STATE must already have the schema (`reconcile status` creates it). Into it
go, for every mailbox of the inventory's groups, BENCH_SENT_PER_MAILBOX
(2,000) messages accepted by the relay over the last 3 days, each with its
reservation (what health counts as sends), a Message-ID, and 1 % of them in
the crash-recovery state `unknown`. BODIES gets N JSON webhooks, one a line,
each with a fresh token, a distinct event id and a valid HMAC with KEY, in a
fixed mix (seeded): 85 % delivered, 5 % temporary failures, 4 % permanent
failures (hard bounce: suppression and the mailbox judged), 0.1 %
complaints (also judged), 0.4 % unsubscribes, the rest (5.5 %) delivered for
a message we never sent. The mix is printed on stderr.
"""
import glob, hashlib, hmac, json, os, random, sqlite3, sys, time

import yaml

inventory, state, bodies_path, n, key = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5].encode()
per_mailbox = int(os.environ.get("BENCH_SENT_PER_MAILBOX", "2000"))
rng = random.Random(11)
now = time.time()

mailboxes = []  # (address, group)
for path in sorted(glob.glob(os.path.join(inventory, "**", "*.yaml"), recursive=True)):
    doc = yaml.safe_load(open(path)) or {}
    if "group" not in doc:
        continue
    for d in doc.get("domains", []):
        for m in d.get("mailboxes", []):
            local = m["local"] if isinstance(m, dict) else m
            mailboxes.append((("%s@%s" % (local, d["name"])).lower(), doc["group"]))
if not mailboxes:
    sys.exit("bench-webhooks-data: no mailboxes in %s" % inventory)

db = sqlite3.connect(state)
messages = []  # (message-id without brackets, recipient, mailbox)
with db:
    for group in sorted({g for _, g in mailboxes}):
        db.execute("INSERT INTO sending_campaign (id, group_name, definition, step_delays, stop_on_reply, stop_on_bounce, created_at)"
                   " VALUES (?, ?, '{}', '[0]', 1, 1, ?)", ("bench-" + group, group, now - 4 * 86400))
    for address, group in mailboxes:
        domain = address.split("@")[1]
        for i in range(per_mailbox):
            email = "r%d.%s@example.net" % (i, address.split("@")[0])
            mid = "%s@%s" % (os.urandom(12).hex(), domain)
            at = now - rng.uniform(60, 3 * 86400)
            state_name = "unknown" if rng.random() < 0.01 else "accepted"
            db.execute("INSERT INTO sending_enrollment (campaign_id, email, variables, sticky_mailbox, enrolled_at) VALUES (?, ?, '{}', ?, ?)",
                       ("bench-" + group, email, address, at - 60))
            cur = db.execute("INSERT INTO sending_message (campaign_id, email, step, group_name, state, not_before, mailbox, message_id,"
                             " attempts, attempt_at, settled_at, reply_code, reply_text, phase)"
                             " VALUES (?, ?, 0, ?, ?, ?, ?, ?, 1, ?, ?, 250, 'ok', 'http')",
                             ("bench-" + group, email, group, state_name, at - 60, address, "<%s>" % mid, at, at + 1))
            db.execute("INSERT INTO sending_reservation (message_row, mailbox, group_name, at, mailbox_next_at, group_next_at)"
                       " VALUES (?, ?, ?, ?, ?, ?)", (cur.lastrowid, address, group, at, at + 60, at + 10))
            messages.append((mid, email, address))
db.close()

mix = {}
with open(bodies_path, "w") as f:
    for i in range(n):
        token = os.urandom(25).hex()
        ts = str(int(now))
        sig = hmac.new(key, (ts + token).encode(), hashlib.sha256).hexdigest()
        mid, recipient, sender = messages[rng.randrange(len(messages))]
        r = rng.random()
        extra = {}
        if r < 0.85:
            name = "delivered"; extra = {"delivery-status": {"code": 250, "message": "OK"}}
        elif r < 0.90:
            name = "failed"; extra = {"severity": "temporary", "reason": "generic",
                                      "delivery-status": {"code": 452, "message": "4.2.2 Mailbox full"}}
        elif r < 0.94:
            name = "failed"; extra = {"severity": "permanent", "reason": "bounce",
                                      "delivery-status": {"code": 550, "message": "5.1.1 No such user"}}
        elif r < 0.941:
            name = "complained"
        elif r < 0.945:
            name = "unsubscribed"
        else:
            name = "delivered"; extra = {"delivery-status": {"code": 250, "message": "OK"}}
            mid, recipient = "%s@%s" % (os.urandom(12).hex(), sender.split("@")[1]), "stranger%d@example.org" % i
        label = name + ("/" + extra["severity"] if "severity" in extra else "") + (" (not ours)" if r >= 0.945 else "")
        mix[label] = mix.get(label, 0) + 1
        event = {"event": name, "id": "bench-%d-%s" % (i, token[:10]), "timestamp": now, "recipient": recipient,
                 "log-level": "info", "envelope": {"sender": sender},
                 "message": {"headers": {"message-id": mid, "from": sender, "to": recipient}}}
        event.update(extra)
        f.write(json.dumps({"signature": {"timestamp": ts, "token": token, "signature": sig}, "event-data": event},
                           separators=(",", ":")) + "\n")
print("bench-webhooks-data: %d mailboxes x %d sent; %d bodies: %s" % (
    len(mailboxes), per_mailbox, n, ", ".join("%s %d" % kv for kv in sorted(mix.items()))), file=sys.stderr)
