"""The INI configuration file of the interactive shell (imapclient.config).

    [DEFAULT]
    host = imap.example.com
    username = bob
    password = sekret
    ssl = true

Options: host, port, ssl, starttls, ssl_check_hostname, ssl_verify_cert,
ssl_ca_file, timeout, stream, username, password, oauth2,
oauth2_client_id, oauth2_client_secret, oauth2_refresh_token (and
expect_failure in other sections). Defaults for username, password and
the oauth2 settings come from the environment variables imapclient_<name>.
"""
import argparse
import configparser
import json
import os
import ssl
import urllib.parse
import urllib.request

from .imapclient import IMAPClient


def getenv(name, default):
    return os.environ.get("imapclient_" + name, default)


def get_config_defaults():
    return {
        "username": getenv("username", None),
        "password": getenv("password", None),
        "ssl": True,
        "ssl_check_hostname": True,
        "ssl_verify_cert": True,
        "ssl_ca_file": None,
        "timeout": None,
        "starttls": False,
        "stream": False,
        "oauth2": False,
        "oauth2_client_id": getenv("oauth2_client_id", None),
        "oauth2_client_secret": getenv("oauth2_client_secret", None),
        "oauth2_refresh_token": getenv("oauth2_refresh_token", None),
        "expect_failure": None,
    }


def get_string_config_defaults():
    out = {}
    for k, v in get_config_defaults().items():
        if v is True:
            out[k] = "true"
        elif v is False:
            out[k] = "false"
        else:
            out[k] = v or ""
    return out


def _section(parser, section):
    def opt(name, conv):
        try:
            v = parser.get(section, name)
        except configparser.NoOptionError:
            return None
        return conv(v) if v else None

    ca = parser.get(section, "ssl_ca_file")
    return argparse.Namespace(
        host=parser.get(section, "host"),
        port=opt("port", int),
        ssl=parser.getboolean(section, "ssl"),
        starttls=parser.getboolean(section, "starttls"),
        ssl_check_hostname=parser.getboolean(section, "ssl_check_hostname"),
        ssl_verify_cert=parser.getboolean(section, "ssl_verify_cert"),
        ssl_ca_file=os.path.expanduser(ca) if ca else ca,
        timeout=opt("timeout", float),
        stream=parser.getboolean(section, "stream"),
        username=parser.get(section, "username"),
        password=parser.get(section, "password"),
        oauth2=parser.getboolean(section, "oauth2"),
        oauth2_client_id=parser.get(section, "oauth2_client_id"),
        oauth2_client_secret=parser.get(section, "oauth2_client_secret"),
        oauth2_refresh_token=parser.get(section, "oauth2_refresh_token"),
        expect_failure=parser.get(section, "expect_failure"),
    )


def parse_config_file(filename):
    """Read an INI file: the DEFAULT section as a Namespace, with the other
    sections in its *alternates* dict."""
    parser = configparser.ConfigParser(get_string_config_defaults())
    parser.read(filename)
    conf = _section(parser, "DEFAULT")
    if conf.expect_failure:
        raise ValueError("expect_failure should not be set for the DEFAULT section")
    conf.alternates = {s: _section(parser, s) for s in parser.sections()}
    return conf


OAUTH2_REFRESH_URLS = {
    "imap.gmail.com": "https://accounts.google.com/o/oauth2/token",
    "imap.mail.yahoo.com": "https://api.login.yahoo.com/oauth2/get_token",
}

_oauth2_cache = {}


def refresh_oauth2_token(hostname, client_id, client_secret, refresh_token):
    url = OAUTH2_REFRESH_URLS.get(hostname)
    if not url:
        raise ValueError("don't know where to refresh OAUTH2 token for %r" % hostname)
    form = urllib.parse.urlencode({
        "client_id": client_id,
        "client_secret": client_secret,
        "refresh_token": refresh_token,
        "grant_type": "refresh_token",
    }).encode("ascii")
    with urllib.request.urlopen(url, form) as resp:
        return json.loads(resp.read().decode("ascii"))["access_token"]


def get_oauth2_token(hostname, client_id, client_secret, refresh_token):
    key = (hostname, client_id, client_secret, refresh_token)
    if key not in _oauth2_cache:
        _oauth2_cache[key] = refresh_oauth2_token(*key)
    return _oauth2_cache[key]


def create_client_from_config(conf, login=True):
    """An IMAPClient connected (and logged in, unless *login* is false) as
    *conf* (a Namespace from parse_config_file() or the command line) says."""
    assert conf.host, "missing host"
    ctx = None
    if conf.ssl or getattr(conf, "starttls", False):
        ctx = ssl.create_default_context()
        ctx.check_hostname = bool(conf.ssl_check_hostname)
        if not conf.ssl_verify_cert:
            ctx.verify_mode = ssl.CERT_NONE
        if conf.ssl_ca_file:
            ctx.load_verify_locations(cafile=conf.ssl_ca_file)
    client = IMAPClient(conf.host, port=conf.port, ssl=conf.ssl, ssl_context=ctx,
                        stream=conf.stream, timeout=conf.timeout)
    if not login:
        return client
    try:
        if conf.starttls:
            client.starttls()
        if conf.oauth2:
            assert conf.oauth2_client_id, "missing oauth2 id"
            assert conf.oauth2_client_secret, "missing oauth2 secret"
            assert conf.oauth2_refresh_token, "missing oauth2 refresh token"
            token = get_oauth2_token(conf.host, conf.oauth2_client_id,
                                     conf.oauth2_client_secret, conf.oauth2_refresh_token)
            client.oauth2_login(conf.username, token)
        elif not conf.stream:
            assert conf.username, "missing username"
            assert conf.password, "missing password"
            client.login(conf.username, conf.password)
        return client
    except BaseException:
        client.shutdown()
        raise
