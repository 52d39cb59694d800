"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, on a port the OS picks.

    python3 tests/smtp_sink.py DIR

prints `PORT <n>` on one line once it accepts connections, then stores every message it
receives in DIR: the raw message as `<n>.eml`, and `<n>.json` with the envelope and the
decoded headers and plain-text body (`mail_from`, `rcpt_tos`, `from`, `to`, `subject`, `body`),
so tests in any language read what arrived without a MIME parser of their own. The JSON file is
written last, under its final name by a rename, so a reader never sees half of it. Runs until
it is killed or its standard input closes.

    python3 tests/smtp_sink.py --decode FILE.eml

prints the same JSON (without the envelope) for a message file, such as one the relay wrote to
its outbox.
"""

import asyncio
import email
import email.policy
import json
import os
import sys

from aiosmtpd.smtp import SMTP


def decode(raw):
    """The headers and plain-text body of a message, decoded."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    part = message.get_body(preferencelist=("plain",))
    return {
        "from": str(message["from"]),
        "to": str(message["to"]),
        "subject": str(message["subject"]),
        "content_type": message.get_content_type(),
        "body": part.get_content() if part is not None else "",
    }


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        stem = os.path.join(self.folder, f"{self.count:04d}")
        raw = envelope.original_content or envelope.content
        with open(stem + ".eml", "wb") as f:
            f.write(raw)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            **decode(raw),
        }
        with open(stem + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.replace(stem + ".tmp", stem + ".json")
        return "250 Message accepted for delivery"


async def main(folder):
    os.makedirs(folder, exist_ok=True)
    loop = asyncio.get_running_loop()
    handler = Sink(folder)
    server = await loop.create_server(lambda: SMTP(handler), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    # Ends when the test that started it goes away (its end of the pipe closes).
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    if sys.argv[1] == "--decode":
        with open(sys.argv[2], "rb") as f:
            print(json.dumps(decode(f.read()), ensure_ascii=False))
    else:
        asyncio.run(main(sys.argv[1]))
