import Mustache

/// The unsubscribe pages: self-contained HTML (inline style, no external
/// asset, no script), so the page itself tells nobody the recipient opened it.
enum UnsubscribePages {
    static let confirm = try! MustacheTemplate(string: """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <meta name="robots" content="noindex"><title>Unsubscribe</title>
        <style>body{font:16px/1.5 system-ui,sans-serif;max-width:32em;margin:4em auto;padding:0 1em;color:#222}
        button{font:inherit;padding:.5em 1.2em;border:1px solid #444;background:#fff;border-radius:4px;cursor:pointer}</style>
        </head><body>
        {{#done}}<h1>You are unsubscribed</h1><p>You will not receive further messages from us.</p>{{/done}}
        {{^done}}<h1>Unsubscribe</h1><p>Stop receiving messages from us at this address?</p>
        <form method="post" action="{{action}}"><input type="hidden" name="List-Unsubscribe" value="One-Click">
        <button type="submit">Unsubscribe</button></form>{{/done}}
        </body></html>
        """)

    /// The same page for every bad token: it says nothing about who or what.
    static let invalid = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Invalid link</title></head>
        <body style="font:16px/1.5 system-ui,sans-serif;max-width:32em;margin:4em auto;padding:0 1em">
        <h1>This link is not valid</h1><p>Please use the unsubscribe link from the message you received.</p>
        </body></html>
        """
}
