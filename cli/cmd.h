/*
 * The imapclient program: shared declarations.
 *
 * main.c parses the options and picks the mode (one-shot or shell);
 * config.c reads the reference's INI file; connect.c opens and
 * authenticates the connection (oauth2.c exchanges a refresh token,
 * secret.c asks for or reads passwords and tokens);
 * shell.c is the interactive loop; output.c prints values as text or JSON;
 * each cmd_*.c holds one group of commands, listed in the table of cmd.c.
 *
 * The program is a client of the public API only: it includes
 * <imapclient.h> and nothing from src/.
 */
#ifndef CLI_CMD_H
#define CLI_CMD_H

#include <imapclient.h>

#include <jansson.h>

/* Where the JSON forms are documented once installed (cli/CMakeLists.txt). */
#ifndef IMAPCLIENT_CLI_JSON_DOC
#define IMAPCLIENT_CLI_JSON_DOC "docs/cli-json.md"
#endif
#include <stddef.h>
#include <stdio.h>

/* Exit statuses (documented in docs/man/imapclient.1). A library status
 * -n becomes CLI_EXIT_LIB_BASE + n, so every category has its own. */
#define CLI_EXIT_OK      0
#define CLI_EXIT_FAILURE 1 /* a local failure: file, directory, state file */
#define CLI_EXIT_USAGE   2 /* bad option, unknown command, bad arguments */
#define CLI_EXIT_CONFIG  3 /* the config file cannot be read or is invalid */
#define CLI_EXIT_OAUTH2                                                                  \
    4 /* no OAuth2 access token: exchange, file, variable or command */
#define CLI_EXIT_LIB_BASE 10
/* Interrupted by Ctrl-C (128 + SIGINT, as shells report it). */
#define CLI_EXIT_INTERRUPTED 130

/* How to log in (--auth, --no-login; auth = in the config file). */
typedef enum cli_auth {
    CLI_AUTH_DEFAULT = 0, /* LOGIN; XOAUTH2 when oauth2 = true */
    CLI_AUTH_LOGIN,
    CLI_AUTH_PLAIN,
    CLI_AUTH_SCRAM_SHA_256,
    CLI_AUTH_SCRAM_SHA_1,
    CLI_AUTH_CRAM_MD5,
    CLI_AUTH_XOAUTH2,
    CLI_AUTH_OAUTHBEARER,
    CLI_AUTH_EXTERNAL,
    CLI_AUTH_NONE, /* connect only: log in from the shell */
} cli_auth;

/* Connection settings: the reference's config options, from the command
 * line or the INI file (the same fields either way). */
typedef struct cli_config {
    char *host; /* with stream: the shell command */
    char *username;
    char *password;
    int port; /* 0: 993 with ssl, 143 without */
    int ssl;
    int starttls;
    int stream;
    int check_hostname;
    int verify_cert;
    char *ca_file;
    double timeout; /* seconds; 0: none */
    int oauth2;
    char *oauth2_client_id;
    char *oauth2_client_secret;
    char *oauth2_refresh_token;
    char *oauth2_token_url; /* NULL: by host, else Google's */
    int auth;               /* cli_auth */
    /* where the OAuth2 access token comes from (at most one; never argv) */
    char *token_file;
    char *token_env;
    char *token_command;
    char *cert_file; /* TLS client certificate (PEM), for EXTERNAL */
    char *key_file;
} cli_config;

/* Everything the command line says. */
typedef struct cli_args {
    cli_config cfg;
    char *config_file; /* -f */
    int auth;          /* --auth / --no-login: wins over the config file */
    int json;
    int debug;
    int progress;  /* -1: when stderr is a terminal, 0 never, 1 always */
    char *folder;  /* --folder: selected before the one-shot command */
    int readonly;  /* --readonly: --folder is EXAMINEd */
    int help;      /* -h */
    int version;   /* -V */
    int cmd_index; /* argv index of the command, or argc for the shell */
} cli_args;

/* The program's state, passed to every command. */
typedef struct cli_ctx {
    cli_config cfg;
    imapclient *c; /* NULL when not connected */
    int json;
    int debug;
    int progress;    /* show progress bars (stderr is a terminal) */
    int interactive; /* in the shell */
    int gone;        /* the connection was lost (EABORT): offer reconnect */
    int quit;        /* the shell should end */
    int idling;      /* inside IDLE (idle ... idle_done) */
    char *selected;  /* the selected folder, for the prompt and reconnect */
    int selected_readonly;

    /* folder names for tab completion; NULL until first needed */
    char **folders;
    size_t nfolders;
    int folders_valid;

    /* per command: which argv entries were quoted in the shell (NULL: all
     * are taken literally, as in one-shot mode) */
    unsigned char *argq;
    const char *cmd_name;
    const char *hint; /* printed after the command's error, then cleared */
} cli_ctx;

/*
 * A command. fn returns 0; a negative library status (the handle's errmsg
 * says what happened); or a positive exit status, after printing why.
 */
typedef int (*cli_cmd_fn)(cli_ctx *ctx, int argc, char **argv);

enum {
    CLI_CMD_CONN = 1 << 0,       /* needs a live connection */
    CLI_CMD_FOLDER_ARG = 1 << 1, /* completes folder names in its arguments */
    CLI_CMD_SHELL = 1 << 2,      /* only meaningful in the shell */
};

typedef struct cli_cmd {
    const char *name; /* the library call's name without the imapclient_ prefix */
    cli_cmd_fn fn;
    const char *summary; /* one line */
    const char *usage;   /* arguments, e.g. "FOLDER [--readonly]" */
    const char *help;    /* more lines, or NULL */
    unsigned flags;
} cli_cmd;

/* cmd.c: the table and running a command */
const cli_cmd *cli_cmd_find(const char *name);
const cli_cmd *cli_cmd_at(size_t i); /* NULL past the end */
int cli_cmd_run(cli_ctx *ctx, int argc, char **argv);
/* Print an error for status rc (< 0 from the library, > 0 already printed). */
void cli_report(cli_ctx *ctx, int rc);
/* The exit status for a command's return value. */
int cli_exit_status(int rc);
/* Print "usage: NAME USAGE" to stderr and return CLI_EXIT_USAGE. */
int cli_usage(cli_ctx *ctx, const cli_cmd *cmd);
int cli_usage_error(cli_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Print an error for a local failure and return CLI_EXIT_FAILURE. */
int cli_fail(cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Per-command options: "--NAME" flags and "--NAME VALUE" options are taken
 * out of argv (in the shell only when typed unquoted; "--" ends them and is
 * removed). An unknown "--NAME" is a usage error. */
typedef struct cli_opt {
    const char *name;   /* without the dashes */
    const char **value; /* set for an option with a value, else NULL */
    int *flag;          /* set to 1 for a flag, else NULL */
} cli_opt;
int cli_take_opts(cli_ctx *ctx, int *argc, char **argv, const cli_opt *opts);
/* The command currently running (for usage messages). */
const cli_cmd *cli_cmd_current(const cli_ctx *ctx);

/* command groups: each cmd_*.c exports its table */
extern const cli_cmd cli_cmds_session[];
extern const cli_cmd cli_cmds_auth[];
extern const cli_cmd cli_cmds_folders[];
extern const cli_cmd cli_cmds_messages[];
extern const cli_cmd cli_cmds_fetch[];
extern const cli_cmd cli_cmds_idle[];
extern const cli_cmd cli_cmds_ext[];
extern const cli_cmd cli_cmds_transfer[];
extern const cli_cmd cli_cmds_sync[];

/* cmd_sync.c: sync states kept in files. load: the state in path, or a
 * new one when there is no such file; 0, or an exit status after saying
 * why (a file that is not a state is refused). save: replaces the file
 * atomically; 0 or an exit status. */
int cli_state_load(cli_ctx *ctx, const char *path, imapclient_sync_state **out);
int cli_state_save(cli_ctx *ctx, const char *path, const imapclient_sync_state *st);

/* args.c: the command line */
void cli_config_init(cli_config *cfg);
void cli_config_clear(cli_config *cfg);
/* Parse argv; on error writes a message to err and returns CLI_EXIT_USAGE. */
int cli_args_parse(int argc, char **argv, cli_args *out, char *err, size_t errlen);
void cli_args_clear(cli_args *a);
void cli_print_usage(FILE *f, const char *prog);
/* "plain", "scram-sha-256", ...: a cli_auth, or -1 when unknown. */
int cli_auth_parse(const char *s);
const char *cli_auth_name(int auth);
/* The mechanism that will be used (DEFAULT resolved). */
int cli_auth_effective(const cli_config *cfg);
/* Whether the mechanism logs in with an access token instead of a password. */
int cli_auth_uses_token(int auth);
/* Settings that do not go together; 0 or CLI_EXIT_USAGE with err set. */
int cli_config_check(const cli_config *cfg, char *err, size_t errlen);

/* config.c: the reference's INI config file */
/* Parse INI text (the file's contents) into cfg; returns 0 or
 * CLI_EXIT_CONFIG with a message in err. name is used in messages. */
int cli_config_parse_string(const char *text, const char *name, cli_config *cfg,
                            char *err, size_t errlen);
int cli_config_load(const char *path, cli_config *cfg, char *err, size_t errlen);
/* Python configparser's booleans: 1 yes true on / 0 no false off, any case.
 * Returns 1, 0 or -1 (not a boolean). */
int cli_parse_bool(const char *s);

/* secret.c */
/* Read a line from the terminal without echo; NULL if not a terminal. */
char *cli_prompt_secret(const char *prompt);
char *cli_prompt_line(const char *prompt);
/* Wipe and free a secret. */
void cli_free_secret(char *s);
/* An access token (one line, trailing blanks removed) from a file, an
 * environment variable or a shell command's standard output; NULL with a
 * message in err. Free with cli_free_secret(). */
char *cli_secret_from_file(const char *path, char *err, size_t errlen);
char *cli_secret_from_env(const char *name, char *err, size_t errlen);
char *cli_secret_from_command(const char *command, char *err, size_t errlen);

/* connect.c */
/* Connect and authenticate per ctx->cfg, prompting for what is missing.
 * Returns 0, a negative library status or a positive exit status. */
int cli_connect(cli_ctx *ctx);
void cli_disconnect(cli_ctx *ctx);

/* oauth2.c */
/* The token endpoint for a host when none is configured. */
const char *cli_oauth2_default_url(const char *host);
/* Exchange the refresh token for an access token (malloc'd into *out).
 * Returns 0 or CLI_EXIT_OAUTH2 with a message in err. */
int cli_oauth2_refresh(const cli_config *cfg, int debug, char **out, char *err,
                       size_t errlen);

/* cmd_fetch.c: the messages of a sequence set that exist (SEARCH [UID] set) */
int cli_search_set(cli_ctx *ctx, const char *set, imapclient_ids **out);

/* shell.c */
int cli_shell(cli_ctx *ctx);
/* The library's interrupt hook (imapclient_options.interrupt): in the
 * shell, Ctrl-C while a command waits for the server abandons the call. */
int cli_interrupt_hook(void *payload);
/* Ctrl-C was pressed since the command started (only in the shell). */
int cli_interrupted(void);
/* While on, the first Ctrl-C only sets cli_interrupted() (the command
 * stops by itself); a second one abandons the wait for the server. */
void cli_interrupt_soft(int on);
/* Split a line into words, shell-like: "..." and '...' quote; outside
 * quotes \ escapes a blank, a quote, \, ( or ) and is kept before anything
 * else (\Seen stays \Seen).
 * *quoted gets one flag per word. Returns the count, or -1 on an
 * unterminated quote. Free with cli_words_free(). */
int cli_split_words(const char *line, char ***words, unsigned char **quoted);
void cli_words_free(char **words, int n, unsigned char *quoted);
/* Forget the folder completion cache (after create/delete/rename). */
void cli_folders_invalidate(cli_ctx *ctx);
/* cmd_folders.c: select a folder and remember it in ctx (print: show the
 * SELECT data as the select_folder command does). */
int cli_select(cli_ctx *ctx, const char *folder, int readonly, int print);

/* progress.c: a one-line bar on stderr, only when ctx->progress */
typedef struct cli_progress {
    int on;
    const char *what;
    size_t total;
    size_t done;
    long last_ms;
} cli_progress;
void cli_progress_start(cli_ctx *ctx, cli_progress *p, const char *what, size_t total);
void cli_progress_update(cli_progress *p, size_t done);
void cli_progress_end(cli_progress *p);

/* output.c: text and JSON */
/* Print a JSON document on stdout and release it. */
void out_json(json_t *j);
json_t *out_json_value(const imapclient_value *v);
json_t *out_json_response(const imapclient_response *r);
json_t *out_json_responses(const imapclient_responses *r);
json_t *out_json_bytes(const char *s, size_t len);
json_t *out_json_strings(const char *const *list, size_t n);
json_t *out_json_ids(const uint32_t *ids, size_t n);
void out_text_value(FILE *f, const imapclient_value *v);
void out_text_response(FILE *f, const imapclient_response *r);
void out_text_bytes(FILE *f, const char *s, size_t len);
void out_text_strings(FILE *f, const char *const *list, size_t n);
void out_text_ids(FILE *f, const uint32_t *ids, size_t n);
int out_utf8_valid(const char *s, size_t len);
/* A completion text: {"KEY": text} with --json, else the text on a line. */
void cli_print_text(cli_ctx *ctx, const char *key, const char *text);
/* Text with control bytes escaped (\n, \xNN), valid UTF-8 kept. */
void out_escaped(FILE *f, const char *s, size_t len);

/* output_mail.c: typed message data */
json_t *out_json_datetime(const imapclient_datetime *dt);
void out_text_datetime(FILE *f, const imapclient_datetime *dt);
json_t *out_json_envelope(const imapclient_envelope *e);
void out_text_envelope(FILE *f, const imapclient_envelope *e, const char *indent);
json_t *out_json_body(const imapclient_body *b);
void out_text_body(FILE *f, const imapclient_body *b, const char *indent);
json_t *out_json_message(const imapclient_message *m);
void out_text_message(FILE *f, const imapclient_message *m, int use_uid);
/* The same with the heading line only when heading is set, and without the
 * items named in skip (printed already, streamed). */
void out_text_message_items(FILE *f, const imapclient_message *m, int use_uid,
                            int heading, char *const *skip, size_t nskip);
/* Message text printed as it arrives, as out_text_message() prints a
 * held body: lines indented, CRLF a line end, control bytes escaped. */
typedef struct out_stream {
    FILE *f;
    const char *indent;
    char buf[4096]; /* the current line, up to this much */
    size_t len;
    int started_line; /* the indent of the current line is out */
    int open;
} out_stream;
void out_stream_start(out_stream *os, FILE *f, const char *indent);
void out_stream_piece(out_stream *os, const char *p, size_t n);
void out_stream_end(out_stream *os);
/* Split a value list into a NULL-terminated array of its text members
 * (malloc'd array, strings borrowed). */
const char **out_value_texts(const imapclient_value *list, size_t *n);

#endif
