/// The fleet status page: server-rendered HTML, inline CSS and SVG, no
/// script and no external asset (it must render behind any proxy, offline).
enum StatusPageTemplate {
    static let source = """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta http-equiv="refresh" content="60">
    <title>reconcile — fleet status</title>
    <style>
    body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1b1f24; background: #fafbfc; }
    h1 { font-size: 1.4em; margin: 0 0 .2em; }
    h2 { font-size: 1.15em; margin: 1.4em 0 .4em; }
    h3 { font-size: 1em; margin: .8em 0 .3em; color: #444; }
    table { border-collapse: collapse; margin: .3em 0 .8em; }
    th, td { border: 1px solid #d0d7de; padding: .25em .6em; text-align: left; }
    th { background: #eef1f4; }
    .muted { color: #57606a; }
    .alert { background: #ffebe9; border: 1px solid #ff8182; padding: .4em .7em; margin: .3em 0; }
    .ok { background: #dafbe1; border: 1px solid #4ac26b; padding: .4em .7em; }
    .state-disabled { color: #b00; font-weight: bold; }
    .state-spare { color: #57606a; }
    svg rect.bar { fill: #0969da; }
    svg text { font-size: 10px; fill: #57606a; }
    </style>
    </head>
    <body>
    <h1>Fleet status</h1>
    <p class="muted">Generated {{generated}} · rates over the last {{windowDays}} days · refreshes every minute</p>

    <h2 id="alerts">Open alerts</h2>
    {{#noAlerts}}<p class="ok">No open alerts.</p>{{/noAlerts}}
    {{#alerts}}<div class="alert"><strong>{{key}}</strong> — {{summary}} <span class="muted">(since {{since}})</span></div>
    {{/alerts}}
    <p class="muted">Alerts queued for delivery: {{alertQueueDepth}}</p>

    <h2 id="sends-per-hour">Sends per hour, last 24 h</h2>
    <svg xmlns="http://www.w3.org/2000/svg" width="{{chartWidth}}" height="{{chartHeight}}" role="img" aria-label="Sends per hour over the last 24 hours: {{chartTotal}} in total">
    <line x1="28" y1="{{chartBase}}" x2="{{chartWidth}}" y2="{{chartBase}}" stroke="#8c959f"/>
    <text x="0" y="18">{{chartMax}}</text>
    {{#bars}}<rect class="bar" x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}"><title>{{hour}}: {{count}} sends</title></rect>
    {{/bars}}
    {{#ticks}}<text x="{{x}}" y="{{chartBase}}" dy="16">{{label}}</text>
    {{/ticks}}
    </svg>
    <p class="muted">{{chartTotal}} sends in the last 24 h.</p>

    {{#groups}}
    <section class="group" id="group-{{name}}">
    <h2>Group {{name}}</h2>
    <table>
    <tr><th>Sent today</th><th>Capacity today</th><th>Used</th><th>Sent, last 24 h</th><th>Bounce rate</th><th>Complaint rate</th><th>Sends in window</th><th>Replies</th></tr>
    <tr><td>{{sentToday}}</td><td>{{capacityToday}} <span class="muted">({{binding}})</span></td><td>{{usedPercent}}</td><td>{{sentLast24h}}</td><td>{{bounceRate}}</td><td>{{complaintRate}}</td><td>{{windowSends}}</td><td>{{replies}}</td></tr>
    </table>
    <p>Mailboxes: {{#states}}<span class="state-{{name}}">{{count}} {{name}}</span> {{/states}}</p>
    {{#domains}}
    <h3>{{name}}</h3>
    <table>
    <tr><th>Mailbox</th><th>State</th><th>Warmup stage</th><th>Sent, last 24 h</th><th>Note</th></tr>
    {{#mailboxes}}<tr><td>{{address}}</td><td class="state-{{state}}">{{state}}</td><td>{{stage}}</td><td>{{sent}}</td><td>{{reason}}</td></tr>
    {{/mailboxes}}
    </table>
    {{/domains}}
    </section>
    {{/groups}}

    <h2 id="outbox">Outbox</h2>
    <table>
    <tr>{{#outbox}}<th>{{name}}</th>{{/outbox}}</tr>
    <tr>{{#outbox}}<td>{{count}}</td>{{/outbox}}</tr>
    </table>
    <p>Suppressed recipients: {{suppressed}} · replies recorded: {{replies}}</p>
    </body>
    </html>
    """
}
