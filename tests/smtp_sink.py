#!/usr/bin/env python3
"""A local SMTP sink for tests: accepts mail on 127.0.0.1 and writes each message to a file.

    python3 tests/smtp_sink.py --port 0 --dir /tmp/mails [--user U --password P]

Prints "LISTENING <port>" on stdout once it accepts connections. Each delivered message is
written to <dir>/<n>.eml with "X-Sink-Auth: <user or ->", "X-Sink-From:" and "X-Sink-To:"
lines first. With --user/--password, AUTH LOGIN and AUTH PLAIN are offered and required;
wrong credentials get 535. Speaks plain SMTP only (no TLS). Standard library only.
"""
import argparse
import asyncio
import base64
import os
import sys


class Session:
    def __init__(self, args, counter):
        self.args = args
        self.counter = counter

    async def handle(self, reader, writer):
        auth_user = None
        mail_from = None
        rcpts = []

        def send(line):
            writer.write((line + "\r\n").encode())

        async def readline():
            data = await reader.readline()
            if not data:
                raise ConnectionError("closed")
            return data.decode("utf-8", "replace").rstrip("\r\n")

        try:
            send("220 sink.local ESMTP test sink")
            await writer.drain()
            while True:
                line = await readline()
                verb = line.split(" ", 1)[0].upper()
                if verb in ("EHLO", "HELO"):
                    send("250-sink.local")
                    if self.args.user:
                        send("250-AUTH LOGIN PLAIN")
                    send("250 8BITMIME")
                elif verb == "AUTH":
                    parts = line.split()
                    mech = parts[1].upper() if len(parts) > 1 else ""
                    if mech == "LOGIN":
                        send("334 VXNlcm5hbWU6")
                        await writer.drain()
                        user = base64.b64decode(await readline()).decode()
                        send("334 UGFzc3dvcmQ6")
                        await writer.drain()
                        password = base64.b64decode(await readline()).decode()
                    elif mech == "PLAIN" and len(parts) > 2:
                        _, user, password = base64.b64decode(parts[2]).decode().split("\0")
                    else:
                        send("504 unsupported")
                        await writer.drain()
                        continue
                    if user == self.args.user and password == self.args.password:
                        auth_user = user
                        send("235 ok")
                    else:
                        send("535 bad credentials")
                elif verb == "MAIL":
                    if self.args.user and not auth_user:
                        send("530 authentication required")
                    else:
                        mail_from = line.split(":", 1)[1].strip().strip("<>")
                        rcpts = []
                        send("250 ok")
                elif verb == "RCPT":
                    rcpts.append(line.split(":", 1)[1].strip().strip("<>"))
                    send("250 ok")
                elif verb == "DATA":
                    send("354 go ahead")
                    await writer.drain()
                    lines = []
                    while True:
                        l = await readline()
                        if l == ".":
                            break
                        if l.startswith(".."):
                            l = l[1:]
                        lines.append(l)
                    self.counter[0] += 1
                    path = os.path.join(self.args.dir, "%d.eml" % self.counter[0])
                    tmp = path + ".tmp"
                    with open(tmp, "w", encoding="utf-8") as f:
                        f.write("X-Sink-Auth: %s\n" % (auth_user or "-"))
                        f.write("X-Sink-From: %s\n" % mail_from)
                        f.write("X-Sink-To: %s\n" % ",".join(rcpts))
                        f.write("\n".join(lines) + "\n")
                    os.rename(tmp, path)
                    send("250 queued")
                elif verb == "RSET":
                    mail_from, rcpts = None, []
                    send("250 ok")
                elif verb == "NOOP":
                    send("250 ok")
                elif verb == "QUIT":
                    send("221 bye")
                    await writer.drain()
                    break
                else:
                    send("502 not implemented")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--dir", required=True)
    p.add_argument("--user", default="")
    p.add_argument("--password", default="")
    args = p.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    counter = [0]
    server = await asyncio.start_server(
        lambda r, w: Session(args, counter).handle(r, w), "127.0.0.1", args.port
    )
    port = server.sockets[0].getsockname()[1]
    print("LISTENING %d" % port, flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
