#!/usr/bin/env python3
"""Generate N messages of about SIZE bytes as .eml files for the APPEND
benchmark (bench/run-append.sh).

    gen-append.py N DIR [SIZE [SEED]]

Writes DIR/00001.eml ... Each message is SIZE bytes +/- 20% (default
10240): a header block (From, To, Subject, Date, Message-ID, MIME) and a
text/plain body of words, lines of at most 76 characters, CRLF line ends.
The output depends only on N, SIZE and SEED (default 5), so every run
appends the same bytes. Prints "N messages, B bytes".
"""
import os
import random
import sys

WORDS = ("the of and to in is that for it as was with be by on not he this are "
         "or his from at which but have an they you were her all she there "
         "would their we him been has when who will more no if out so said "
         "server mailbox message folder deploy patch review budget schedule "
         "release customer invoice migration network latency report").split()


def message(rnd, i, size):
    target = int(size * rnd.uniform(0.8, 1.2))
    head = ("From: Sender %d <sender%d@example.org>\r\n"
            "To: bench@example.com\r\n"
            "Subject: append benchmark message %d\r\n"
            "Date: Mon, 3 Jun 2024 %02d:%02d:%02d +0000\r\n"
            "Message-ID: <append-%d@bench.example>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=us-ascii\r\n"
            "\r\n" % (i % 97, i % 97, i, i // 3600 % 24, i // 60 % 60, i % 60, i))
    out = [head]
    n = len(head)
    while n < target:
        line = []
        width = 0
        while width < 70:
            w = rnd.choice(WORDS)
            line.append(w)
            width += len(w) + 1
        text = " ".join(line) + "\r\n"
        out.append(text)
        n += len(text)
    return "".join(out).encode()


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    n = int(sys.argv[1])
    d = sys.argv[2]
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 10240
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    rnd = random.Random(seed)
    os.makedirs(d, exist_ok=True)
    total = 0
    for i in range(1, n + 1):
        data = message(rnd, i, size)
        with open(os.path.join(d, "%05d.eml" % i), "wb") as f:
            f.write(data)
        total += len(data)
    print("%d messages, %d bytes" % (n, total))


if __name__ == "__main__":
    main()
