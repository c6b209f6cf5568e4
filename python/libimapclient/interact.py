"""An interactive Python shell with a connected IMAPClient as "c".

    python -m libimapclient.interact -H <host> -u <user> [-p <password>]
    python -m libimapclient.interact -f <config file>

Missing host, user or password are asked for. IPython or ptpython are used
when installed, else the built-in shell.
"""
import argparse
from getpass import getpass

from .config import create_client_from_config, get_config_defaults, parse_config_file


def command_line(argv=None):
    p = argparse.ArgumentParser(prog="python -m libimapclient.interact")
    p.add_argument("-H", "--host", help="IMAP host to connect to")
    p.add_argument("-u", "--username", help="user name to log in with")
    p.add_argument("-p", "--password", help="password to log in with")
    p.add_argument("-P", "--port", type=int, default=None,
                   help="port (default 993 with TLS, 143 without)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("-s", "--ssl", action="store_true", default=None,
                   help="use TLS (the default)")
    g.add_argument("--insecure", action="store_true", default=False,
                   help="plain connection, without TLS")
    p.add_argument("-f", "--file", default=None, help="INI configuration file")
    args = p.parse_args(argv)
    if args.file:
        if args.host or args.username or args.password or args.port or args.ssl \
                or args.insecure:
            p.error("If -f/--file is given no other options can be used")
        return parse_config_file(args.file)
    args.ssl = not args.insecure
    for name, default in get_config_defaults().items():
        value = getattr(args, name, default)
        if name in ("host", "username", "password") and value is None:
            value = getpass(name + ": ")
        setattr(args, name, value)
    return args


def main(argv=None):
    args = command_line(argv)
    print("Connecting...")
    client = create_client_from_config(args)
    print("Connected.")
    banner = '\nIMAPClient instance is "c"'
    ns = {"c": client}
    try:
        from ptpython.repl import embed

        embed(globals(), ns)
        return 0
    except ImportError:
        pass
    try:
        from IPython.terminal.embed import InteractiveShellEmbed

        InteractiveShellEmbed(banner1=banner, user_ns=ns)()
        return 0
    except ImportError:
        pass
    import code

    code.interact(banner, local=ns)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
