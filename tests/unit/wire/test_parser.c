/*
 * Response parser on real server bytes: one table row per response, with
 * the value tree it must give (see wire_test.h for the dump format).
 *
 * Rows with .file read tests/data/responses/<file>.imap (exact wire bytes:
 * RFC 3501/9051 and extension RFC examples, and responses as Dovecot,
 * Gmail, Exchange, Cyrus and Courier send them, as seen in public bug
 * reports and IMAPClient's test suite) through the reader, in odd chunk
 * sizes, as the client does. Rows with .in give the bytes the reader hands
 * the parser (final CRLF removed, literals inline).
 *
 * Then: every failure is EPROTOCOL with bounded memory, the lexer never
 * reads past its input (each input against a PROT_NONE page), and the
 * copy helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit/wire/wire_test.h"
#include "util/arena.h"
#include "wire/parser.h"
#include "wire/reader.h"

typedef struct pcase {
    const char *name;
    const char *file; /* tests/data/responses/<file>.imap, through the reader */
    const char *in;   /* or the bytes the parser gets */
    size_t len;
    unsigned depth; /* max_depth; 0 gives the default */
    int rc;
    const char *tag; /* NULL: "*" */
    int has_num;
    uint32_t num;
    const char *kw;        /* response name */
    const char *args;      /* dump of args' members; NULL: none */
    const char *code;      /* NULL: no response code */
    const char *code_args; /* NULL: none */
    const char *code_raw;  /* NULL: not checked */
    const char *text;      /* NULL: "" */
} pcase;

#define FILE_(f) .name = f, .file = f
#define IN(s)    .in = s, .len = sizeof(s) - 1
#define NUM(n)   .has_num = 1, .num = n
#define FAILS    .rc = IMAPCLIENT_EPROTOCOL

/* clang-format off: one row per response reads better than one line per field */
static const pcase cases[] = {
    /* ---- greetings and status responses with every response code ---- */
    {FILE_("dovecot_greeting"), .kw = "OK", .code = "CAPABILITY",
     .code_args =
         "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN",
     .text = "Dovecot (Debian) ready."},
    {FILE_("gmail_greeting"), .kw = "OK",
     .text = "Gimap ready for requests from 203.0.113.5 u3mb1234567pjb"},
    {FILE_("exchange_greeting"), .kw = "OK",
     .text =
         "The Microsoft Exchange IMAP4 service is ready. "
         "[TQBXADIAUABSADAAMQBDAEEAMAAwADEANQAuAG4AYQBtAHAAcgBkADAAMQAuAHAAcgBvAGQA]"},
    {FILE_("cyrus_greeting"), .kw = "OK", .code = "CAPABILITY",
     .code_args = "IMAP4rev1 LITERAL+ ID ENABLE AUTH=PLAIN SASL-IR",
     .text = "imap.example.org Cyrus IMAP 3.4.3 server ready"},
    {FILE_("courier_greeting"), .kw = "OK", .code = "CAPABILITY",
     .code_args = "IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT "
                  "THREAD=REFERENCES SORT QUOTA IDLE ACL ACL2=UNION STARTTLS",
     .text =
         "Courier-IMAP ready. Copyright 1998-2018 Double Precision, Inc.  See COPYING "
         "for distribution information."},
    {FILE_("rfc3501_preauth"), .kw = "PREAUTH",
     .text = "IMAP4rev1 server logged in as Smith"},
    {FILE_("rfc3501_bye"), .kw = "BYE", .text = "Autologout; idle for too long"},
    {FILE_("gmail_bye_unavailable"), .kw = "BYE", .code = "UNAVAILABLE",
     .text = "Temporary System Error"},
    {FILE_("dovecot_login_ok"), .tag = "a002", .kw = "OK", .code = "CAPABILITY",
     .code_args =
         "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY "
         "THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND "
         "URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED "
         "I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN "
         "CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY "
         "PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY SPECIAL-USE QUOTA ACL "
         "RIGHTS=texk",
     .text = "Logged in"},
    {FILE_("dovecot_authfailed"), .tag = "a001", .kw = "NO",
     .code = "AUTHENTICATIONFAILED", .text = "Authentication failed."},
    {FILE_("rfc3501_select_readwrite"), .tag = "A142", .kw = "OK", .code = "READ-WRITE",
     .code_raw = "", .text = "SELECT completed"},
    {FILE_("rfc3501_examine_readonly"), .tag = "A932", .kw = "OK", .code = "READ-ONLY",
     .text = "EXAMINE completed"},
    {FILE_("rfc3501_uidvalidity"), .kw = "OK", .code = "UIDVALIDITY",
     .code_args = "3857529045", .code_raw = "3857529045", .text = "UIDs valid"},
    {FILE_("rfc3501_unseen"), .kw = "OK", .code = "UNSEEN", .code_args = "12",
     .text = "Message 12 is first unseen"},
    {FILE_("rfc3501_permanentflags"), .kw = "OK", .code = "PERMANENTFLAGS",
     .code_args = "(\\Deleted \\Seen \\*)", .code_raw = "(\\Deleted \\Seen \\*)",
     .text = "Limited"},
    {FILE_("dovecot_permanentflags_keywords"), .kw = "OK", .code = "PERMANENTFLAGS",
     .code_args =
         "(\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $MDNSent \\*)",
     .text = "Flags permitted."},
    {FILE_("gmail_uidnext"), .kw = "OK", .code = "UIDNEXT", .code_args = "4392",
     .text = "Predicted next UID."},
    {FILE_("rfc7162_highestmodseq"), .kw = "OK", .code = "HIGHESTMODSEQ",
     .code_args = "715194045007", .text = "Highest"},
    {FILE_("dovecot_nomodseq"), .kw = "OK", .code = "NOMODSEQ",
     .text = "No permanent modsequences"},
    {FILE_("rfc4315_appenduid"), .tag = "A003", .kw = "OK", .code = "APPENDUID",
     .code_args = "38505 3955", .text = "APPEND completed"},
    {FILE_("rfc4315_copyuid"), .tag = "A004", .kw = "OK", .code = "COPYUID",
     .code_args = "38505 304,319:320 3956:3958",
     .code_raw = "38505 304,319:320 3956:3958", .text = "Done"},
    {FILE_("rfc3501_alert"), .kw = "OK", .code = "ALERT",
     .text = "System shutdown in 10 minutes"},
    {FILE_("dovecot_trycreate"), .tag = "A003", .kw = "NO", .code = "TRYCREATE",
     .text = "Mailbox doesn't exist: Archive"},
    {FILE_("dovecot_nonexistent"), .tag = "A005", .kw = "NO", .code = "NONEXISTENT",
     .text = "Mailbox doesn't exist: Foo"},
    {FILE_("dovecot_closed"), .kw = "OK", .code = "CLOSED",
     .text = "Previous mailbox closed."},
    {FILE_("rfc3501_badcharset"), .tag = "A283", .kw = "NO", .code = "BADCHARSET",
     .code_args = "(UTF-8 US-ASCII)", .text = "Unsupported charset"},
    {FILE_("dovecot_overquota"), .tag = "A006", .kw = "NO", .code = "OVERQUOTA",
     .text = "Quota exceeded (mailbox for user is full)"},
    {FILE_("dovecot_serverbug"), .tag = "A007", .kw = "NO", .code = "SERVERBUG",
     .text = "Internal error occurred. Refer to server log for more information. "
             "[2023-03-01 12:00:00]"},
    {FILE_("rfc2221_referral"), .tag = "A001", .kw = "NO", .code = "REFERRAL",
     .code_args = "IMAP://user;AUTH=*@SERVER2/", .text = "Remote Server"},
    {FILE_("gmail_webalert"), .kw = "NO", .code = "WEBALERT",
     .code_args = "https://accounts.google.com/signin/continue?sarp=1&scc=1&plt=AKgnsbs",
     .text = "Web login required."},
    {FILE_("exchange_bad_argument"), .tag = "A1", .kw = "BAD",
     .text = "Command Argument Error. 11"},
    {FILE_("rfc3501_untagged_no"), .kw = "NO",
     .text = "Disk is 98% full, please delete unnecessary data"},
    {FILE_("exchange_ok_empty_text"), .kw = "OK"},

    /* ---- continuation requests ---- */
    {FILE_("rfc3501_continue"), .tag = "+", .kw = "",
     .text = "Ready for additional command text"},
    {FILE_("dovecot_idling"), .tag = "+", .kw = "", .text = "idling"},
    {FILE_("rfc3501_continue_base64"), .tag = "+", .kw = "",
     .text = "YGgGCSqGSIb3EgECAgIBAAD/////"
             "6jcyG4GE3KkTzmeTxC9ME6y8uSDyb4V+yoL0q0u2gX4kA2OTdP3oT"
             "ABuhbHfYg=="},
    {FILE_("gmail_continue_empty"), .tag = "+", .kw = ""},

    /* ---- CAPABILITY ---- */
    {FILE_("rfc3501_capability"), .kw = "CAPABILITY",
     .args = "IMAP4rev1 STARTTLS AUTH=GSSAPI LOGINDISABLED"},
    {FILE_("gmail_capability"), .kw = "CAPABILITY",
     .args = "IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 XYZZY "
             "SASL-IR AUTH=XOAUTH2 AUTH=PLAIN AUTH=PLAIN-CLIENTTOKEN AUTH=OAUTHBEARER "
             "AUTH=XOAUTH"},

    /* ---- LIST, LSUB, XLIST ---- */
    {FILE_("rfc3501_list_noselect"), .kw = "LIST", .args = "(\\Noselect) '/' ~/Mail/foo"},
    {FILE_("rfc3501_list_nil_delimiter"), .kw = "LIST", .args = "(\\Noselect) NIL ''"},
    {FILE_("dovecot_list_inbox"), .kw = "LIST", .args = "(\\HasNoChildren) '.' INBOX"},
    {FILE_("dovecot_list_sent_items"), .kw = "LIST",
     .args = "(\\HasNoChildren \\Sent) '/' 'Sent Items'"},
    {FILE_("dovecot_list_literal_name"), .kw = "LIST",
     .args = "(\\HasNoChildren) '.' {14}'Quote\"d \\\\ name'"},
    {FILE_("dovecot_list_utf7"), .kw = "LIST",
     .args = "(\\HasNoChildren \\Drafts) '/' 'Entw&APw-rfe'"},
    {FILE_("rfc5258_list_childinfo"), .kw = "LIST",
     .args = "(\\Subscribed) '/' 'Foo' ('CHILDINFO' ('SUBSCRIBED'))"},
    {FILE_("rfc3501_lsub"), .kw = "LSUB", .args = "() '.' #news.comp.mail.misc"},
    {FILE_("gmail_xlist_inbox"), .kw = "XLIST",
     .args = "(\\HasNoChildren \\Inbox) '/' 'Inbox'"},
    {FILE_("gmail_list_allmail"), .kw = "LIST",
     .args = "(\\All \\HasNoChildren) '/' '[Gmail]/All Mail'"},
    {FILE_("gmail_list_noselect"), .kw = "LIST",
     .args = "(\\HasChildren \\Noselect) '/' '[Gmail]'"},
    {FILE_("courier_list_unquoted_bracket"), .kw = "LIST",
     .args = "(\\HasNoChildren) '.' INBOX.[Archive]"},

    /* ---- STATUS ---- */
    {FILE_("rfc3501_status"), .kw = "STATUS",
     .args = "blurdybloop (MESSAGES 231 UIDNEXT 44292)"},
    {FILE_("dovecot_status_all"), .kw = "STATUS",
     .args = "'Sent Items' (MESSAGES 12 RECENT 0 UIDNEXT 13 UIDVALIDITY 1234567890 "
             "UNSEEN 0)"},
    {FILE_("rfc7162_status_modseq"), .kw = "STATUS",
     .args = "blurdybloop (MESSAGES 231 UIDNEXT 44292 HIGHESTMODSEQ 7011231777)"},
    {FILE_("exchange_status_trailing_space"), .kw = "STATUS",
     .args = "INBOX (MESSAGES 3 UNSEEN 0)"},

    /* ---- SEARCH, ESEARCH, SORT, THREAD ---- */
    {FILE_("rfc3501_search"), .kw = "SEARCH", .args = "2 84 882"},
    {FILE_("rfc3501_search_empty"), .kw = "SEARCH"},
    {FILE_("rfc7162_search_modseq"), .kw = "SEARCH",
     .args = "2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)"},
    {FILE_("rfc4731_esearch_min_count"), .kw = "ESEARCH",
     .args = "(TAG 'A282') MIN 2 COUNT 3"},
    {FILE_("rfc4731_esearch_uid_all"), .kw = "ESEARCH",
     .args = "(TAG 'A284') UID ALL 4:18,21,28"},
    {FILE_("rfc5256_sort"), .kw = "SORT", .args = "2 3 6"},
    {FILE_("rfc5256_thread"), .kw = "THREAD", .args = "(2) (3 6 (4 23) (44 7 96))"},
    {FILE_("rfc5256_thread_refs"), .kw = "THREAD",
     .args = "(166) (167) (168) (174 (175) (176) (178) (181) (180)) (194 195) "
             "(196 (197) (198))"},

    /* ---- ESEARCH data of ESORT, PARTIAL, MULTISEARCH; MAILBOXID, SAVEDATE,
     * PREVIEW, partial BINARY ---- */
    {FILE_("rfc9051_list_oldname"), .kw = "LIST",
     .args = "() '/' 'NewMailbox' ('OLDNAME' ('OldMailbox'))"},
    {FILE_("dovecot_esort_all"), .kw = "ESEARCH",
     .args = "(TAG 'g') UID ALL 8,7,6,4:5,2:3,1 COUNT 8"},
    {FILE_("rfc9394_esearch_partial"), .kw = "ESEARCH",
     .args = "(TAG 'A01') UID PARTIAL (-1:-100 200:250,322:343)"},
    {FILE_("rfc7377_multisearch"), .kw = "ESEARCH",
     .args = "(TAG 'tag1' MAILBOX 'folder2/salmon' UIDVALIDITY 1111111) UID ALL "
             "3001:3004,3788"},
    {FILE_("rfc8474_select_mailboxid"), .kw = "OK", .code = "MAILBOXID",
     .code_args = "(F2212ea87-6097-4256-9d51-71338625)", .text = "Ok"},
    {FILE_("dovecot_fetch_savedate_preview"), NUM(1), .kw = "FETCH",
     .args = "(UID 1 SAVEDATE '02-Dec-2026 10:35:40 +0000' PREVIEW "
             "'Hi, here are the notes from Tuesday')"},
    {FILE_("dovecot_fetch_binary_partial"), NUM(4), .kw = "FETCH",
     .args = "(UID 4 BINARY.SIZE[2] 142 BINARY[2]<0> ~{4}'%PDF')"},
    /* Cyrus 3.6.1 sends stray bytes as the MAILBOXID when other items are
     * asked with it: read as an atom (the typed field rejects it) */
    {FILE_("cyrus_status_mailboxid_garbage"), .kw = "STATUS",
     .args = "INBOX (MAILBOXID (\xb5p\x1c"
             "Q=V) SIZE 0)"},

    /* ---- FLAGS, EXISTS, RECENT, EXPUNGE, VANISHED ---- */
    {FILE_("rfc3501_flags"), .kw = "FLAGS",
     .args = "(\\Answered \\Flagged \\Deleted \\Seen \\Draft)"},
    {FILE_("dovecot_flags_keywords"), .kw = "FLAGS",
     .args = "(\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $MDNSent Junk "
             "NonJunk $label1)"},
    {FILE_("rfc3501_exists"), NUM(172), .kw = "EXISTS"},
    {FILE_("rfc3501_recent"), NUM(1), .kw = "RECENT"},
    {FILE_("rfc3501_expunge"), NUM(44), .kw = "EXPUNGE"},
    {FILE_("rfc7162_vanished_earlier"), .kw = "VANISHED",
     .args = "(EARLIER) 300:310,405,411"},
    {FILE_("rfc7162_vanished"), .kw = "VANISHED", .args = "405,407,410,425"},

    /* ---- FETCH, every item ---- */
    {FILE_("rfc3501_fetch_flags"), NUM(12), .kw = "FETCH", .args = "(FLAGS (\\Seen))"},
    {FILE_("rfc3501_fetch_envelope"), NUM(12), .kw = "FETCH",
     .args = "(FLAGS (\\Seen) INTERNALDATE '17-Jul-1996 02:44:25 -0700' RFC822.SIZE 4286 "
             "ENVELOPE ('Wed, 17 Jul 1996 02:23:25 -0700 (PDT)' "
             "'IMAP4rev1 WG mtg summary and minutes' "
             "(('Terry Gray' NIL 'gray' 'cac.washington.edu')) "
             "(('Terry Gray' NIL 'gray' 'cac.washington.edu')) "
             "(('Terry Gray' NIL 'gray' 'cac.washington.edu')) "
             "((NIL NIL 'imap' 'cac.washington.edu')) "
             "((NIL NIL 'minutes' 'CNRI.Reston.VA.US') ('John Klensin' NIL 'KLENSIN' "
             "'MIT.EDU')) NIL NIL '<B27397-0100000@cac.washington.edu>') "
             "BODY ('TEXT' 'PLAIN' ('CHARSET' 'US-ASCII') NIL NIL '7BIT' 3028 92))"},
    {FILE_("imapclient_fetch_envelope_groups"), NUM(3), .kw = "FETCH",
     .args = "(UID 9 ENVELOPE (NIL 'group' ((NIL NIL 'undisclosed-recipients' NIL) "
             "(NIL NIL NIL NIL)) NIL NIL ((NIL NIL 'friends' NIL) ('Ann' NIL 'ann' "
             "'example.com') (NIL NIL NIL NIL)) NIL NIL NIL NIL))"},
    {FILE_("dovecot_fetch_envelope_literal"), NUM(5), .kw = "FETCH",
     .args = "(UID 88 ENVELOPE ('Mon, 1 Jan 2024 10:00:00 +0100' "
             "{19}'Gr\\xc3\\xbc\\xc3\\x9fe \"aus\" K\\xc3\\xb6ln' "
             "(({16}'M\\xc3\\xbcller, J\\xc3\\xbcrgen' NIL 'jm' 'example.de')) "
             "NIL NIL NIL NIL NIL NIL '<a1@example.de>'))"},
    {FILE_("imapclient_fetch_envelope_nil"), NUM(6), .kw = "FETCH",
     .args = "(ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))"},
    {FILE_("imapclient_fetch_bodystructure_nested"), NUM(1), .kw = "FETCH",
     .args =
         "(BODYSTRUCTURE ((('text' 'html' ('charset' 'utf-8') NIL NIL '7bit' 97 3 NIL "
         "NIL NIL NIL) ('text' 'plain' ('charset' 'utf-8') NIL NIL '7bit' 62 3 NIL NIL "
         "NIL NIL) 'alternative' ('boundary' '===============8211050864078048428==') "
         "NIL NIL NIL) ('text' 'plain' ('charset' 'utf-8') NIL NIL '7bit' 16 1 NIL "
         "('attachment' ('filename' 'attachment.txt')) NIL NIL) 'mixed' ('boundary' "
         "'===============0373402508605428821==') NIL NIL NIL))"},
    {FILE_("dovecot_fetch_bodystructure_rfc822"), NUM(2), .kw = "FETCH",
     .args =
         "(BODYSTRUCTURE (('text' 'plain' ('charset' 'us-ascii') NIL NIL '7bit' 24 1 "
         "NIL NIL NIL NIL) ('message' 'rfc822' ('name' 'fwd.eml') NIL NIL '7bit' 402 "
         "('Tue, 2 Jan 2024 09:00:00 +0000' 'inner' ((NIL NIL 'bob' 'example.com')) "
         "((NIL NIL 'bob' 'example.com')) ((NIL NIL 'bob' 'example.com')) "
         "((NIL NIL 'alice' 'example.com')) NIL NIL NIL '<inner@example.com>') "
         "('text' 'plain' ('charset' 'us-ascii') NIL NIL '7bit' 6 1 NIL NIL NIL NIL) "
         "14 NIL ('attachment' NIL) NIL NIL) 'mixed' ('boundary' 'b1') NIL NIL NIL))"},
    {FILE_("exchange_fetch_bodystructure_nospace"), NUM(7), .kw = "FETCH",
     .args = "(UID 31 BODYSTRUCTURE (('text' 'plain' ('charset' 'utf-8') NIL NIL "
             "'quoted-printable' 1262 40 NIL NIL NIL) ('text' 'html' ('charset' 'utf-8') "
             "NIL NIL 'quoted-printable' 5013 101 NIL NIL NIL) 'alternative' ('boundary' "
             "'_000_EX') NIL 'en-US'))"},
    {FILE_("imapclient_fetch_header_fields"), NUM(123), .kw = "FETCH",
     .args = "(UID 31710 BODY[HEADER.FIELDS (SUBJECT FROM)]<0> {57}'Subject: A "
             "subject\\r\\nFrom: Some one <someone@mail.com>\\r\\n\\r\\n')"},
    {FILE_("rfc3516_fetch_binary_nul"), NUM(3), .kw = "FETCH",
     .args = "(BINARY[1] ~{9}'ab\\0\\0cd\\r\\n\\0' UID 7)"},
    {FILE_("rfc3516_fetch_binary_size"), NUM(3), .kw = "FETCH",
     .args = "(BINARY.SIZE[1] 4096)"},
    {FILE_("imapclient_fetch_partial"), NUM(123), .kw = "FETCH",
     .args = "(UID 367 BODY[]<0> {20}'01234567890123456789')"},
    {FILE_("imapclient_fetch_two_literals"), NUM(1), .kw = "FETCH",
     .args = "(RFC822.TEXT {4}'body' RFC822 {21}'Subject: test\\r\\n\\r\\nbody')"},
    {FILE_("dovecot_fetch_empty_literal"), NUM(4), .kw = "FETCH",
     .args = "(BODY[TEXT] {0}'' UID 10)"},
    {FILE_("dovecot_fetch_literal_bare_lf"), NUM(8), .kw = "FETCH",
     .args = "(BODY[TEXT] {17}'line1\\nline2\\r\\nend\\r')"},
    {FILE_("rfc7162_fetch_modseq"), NUM(1), .kw = "FETCH",
     .args = "(UID 4 MODSEQ (65402) FLAGS (\\Seen))"},
    {FILE_("dovecot_fetch_modseq_64bit"), NUM(2), .kw = "FETCH",
     .args = "(UID 5 MODSEQ (18446744073709551615))"},
    {FILE_("gmail_fetch_xgm"), NUM(1), .kw = "FETCH",
     .args = "(X-GM-THRID 1278455344230334865 X-GM-MSGID 1278455344230334865 X-GM-LABELS "
             "(\\Inbox \\Sent Important 'Muy Importante') UID 2 FLAGS (\\Seen))"},
    {FILE_("gmail_fetch_labels_empty"), NUM(9), .kw = "FETCH",
     .args = "(X-GM-LABELS () UID 11)"},
    {FILE_("rfc8474_fetch_objectid"), NUM(1), .kw = "FETCH",
     .args = "(EMAILID (M6d99ac3275bb4e) THREADID (T64b478a75b7ea9))"},
    {FILE_("rfc8970_fetch_preview"), NUM(1), .kw = "FETCH",
     .args = "(UID 5 PREVIEW 'Hello, this is a preview of the message')"},
    {FILE_("imapclient_fetch_internaldate"), NUM(1), .kw = "FETCH",
     .args = "(INTERNALDATE ' 9-Feb-2007 17:08:08 -0430' RFC822.SIZE 44827)"},
    {FILE_("exchange_fetch_body_nil"), NUM(4), .kw = "FETCH",
     .args = "(BODY[1.2] NIL UID 8)"},
    {FILE_("gmail_fetch_rfc822_header"), NUM(2), .kw = "FETCH",
     .args =
         "(UID 3 RFC822.HEADER {118}'Delivered-To: someone@gmail.com\\r\\nReceived: by "
         "10.0.0.1 with SMTP id x; Mon, 1 Jan 2024 00:00:00 -0800\\r\\nSubject: "
         "hi\\r\\n\\r\\n' FLAGS ())"},

    /* ---- NAMESPACE, ID, ENABLED, QUOTA, QUOTAROOT, ACL, unknown ---- */
    {FILE_("rfc2342_namespace"), .kw = "NAMESPACE",
     .args = "(('' '/')) (('~' '/')) (('#shared/' '/') ('#public/' '/') ('#ftp/' '/') "
             "('#news.' '.'))"},
    {FILE_("dovecot_namespace"), .kw = "NAMESPACE", .args = "(('' '.')) NIL NIL"},
    {FILE_("rfc2342_namespace_extension"), .kw = "NAMESPACE",
     .args = "(('' '/' 'X-PARAM' ('FLAG1' 'FLAG2'))) NIL NIL"},
    {FILE_("dovecot_id"), .kw = "ID", .args = "('name' 'Dovecot')"},
    {FILE_("gmail_id"), .kw = "ID",
     .args = "('name' 'GImap' 'vendor' 'Google, Inc.' 'support-url' "
             "'https://support.google.com/mail')"},
    {FILE_("rfc2971_id_nil"), .kw = "ID", .args = "NIL"},
    {FILE_("rfc5161_enabled"), .kw = "ENABLED", .args = "CONDSTORE QRESYNC"},
    {FILE_("rfc2087_quota"), .kw = "QUOTA", .args = "'' (STORAGE 10 512)"},
    {FILE_("dovecot_quota_two"), .kw = "QUOTA",
     .args = "'User quota' (STORAGE 1024 102400 MESSAGE 3 10000)"},
    {FILE_("rfc2087_quotaroot"), .kw = "QUOTAROOT", .args = "INBOX ''"},
    {FILE_("rfc4314_acl"), .kw = "ACL",
     .args = "INBOX Fred rwipslxetad -Fred wetd $team w"},
    {FILE_("rfc4314_listrights"), .kw = "LISTRIGHTS",
     .args = "~/Mail/saved smith la r swicdkxte"},
    {FILE_("rfc4314_myrights"), .kw = "MYRIGHTS", .args = "INBOX rwiptsldaex"},
    {FILE_("rfc5464_metadata"), .kw = "METADATA",
     .args = "'' (/shared/comment 'Shared comment')"},
    {FILE_("rfc5464_metadata_unsolicited"), .kw = "METADATA",
     .args = "'INBOX' /shared/comment /private/comment"},
    {FILE_("dovecot_metadata_literal"), .kw = "METADATA",
     .args = "INBOX (/private/comment {7}'inbox c' /shared/comment NIL)"},
    {FILE_("cyrus_metadata_longentries"), .tag = "d", .kw = "OK", .code = "METADATA",
     .code_args = "LONGENTRIES 26", .text = "Completed"},
    {FILE_("dovecot_notify_status_utf8"), .kw = "STATUS",
     .args =
         "{8}'Donn\\xc3\\xa9es' (MESSAGES 0 UIDNEXT 1 UIDVALIDITY 1796204010 UNSEEN 0 "
         "HIGHESTMODSEQ 1)"},
    {FILE_("dovecot_badevent"), .tag = "l", .kw = "NO", .code = "BADEVENT",
     .code_args = "MailboxMetadataChange ServerMetadataChange",
     .text = "Unsupported NOTIFY events (0.001 + 0.000 secs)."},
    {FILE_("rfc5465_notificationoverflow"), .kw = "OK", .code = "NOTIFICATIONOVERFLOW",
     .text = "...A bunch of mailboxes have been created..."},
    {FILE_("rfc8508_replace_appenduid"), .kw = "OK", .code = "APPENDUID",
     .code_args = "1 2000", .text = "Replacement Message ready"},
    {FILE_("rfc7889_status_appendlimit"), .kw = "STATUS",
     .args = "INBOX (APPENDLIMIT 257890)"},

    /* ---- more codes and shapes, inline ---- */
    {.name = "code_lower_case",
     IN("* ok [uidvalidity 1] x"),
     .kw = "OK",
     .code = "UIDVALIDITY",
     .code_args = "1",
     .text = "x"},
    {.name = "code_without_text",
     IN("A1 OK [READ-WRITE]"),
     .tag = "A1",
     .kw = "OK",
     .code = "READ-WRITE"},
    {.name = "code_unknown_kept",
     IN("* OK [X-UNKNOWN foo \"bar\" (1 2)] something"),
     .kw = "OK",
     .code = "X-UNKNOWN",
     .code_args = "foo 'bar' (1 2)",
     .code_raw = "foo \"bar\" (1 2)",
     .text = "something"},
    {.name = "code_unparseable_raw_only",
     IN("* OK [XYZZY \"unterminated] text"),
     .kw = "OK",
     .code = "XYZZY",
     .code_raw = "\"unterminated",
     .text = "text"},
    {.name = "code_unclosed_is_text",
     IN("* OK [ALERT unclosed"),
     .kw = "OK",
     .text = "[ALERT unclosed"},
    {.name = "code_brackets_later_are_text",
     IN("* OK text with [brackets] inside"),
     .kw = "OK",
     .text = "text with [brackets] inside"},
    {.name = "code_nested_brackets",
     IN("A2 NO [BADURL imap://h/INBOX;UID=1/;section=[1]] bad"),
     .tag = "A2",
     .kw = "NO",
     .code = "BADURL",
     .code_args = "imap://h/INBOX;UID=1/;section=[1]",
     .text = "bad"},
    {.name = "code_missing_space",
     IN("* OK[ALERT]x"),
     .kw = "OK",
     .code = "ALERT",
     .text = "x"},
    {.name = "code_missing_space_before_args",
     IN("A1 NO [BADCHARSET(UTF-8)] no"),
     .tag = "A1",
     .kw = "NO",
     .code = "BADCHARSET",
     .code_args = "(UTF-8)",
     .text = "no"},
    {.name = "code_capability_preauth",
     IN("* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi"),
     .kw = "PREAUTH",
     .code = "CAPABILITY",
     .code_args = "IMAP4rev1 IDLE",
     .text = "hi"},
    {.name = "tagged_lower_case",
     IN("a1 ok done"),
     .tag = "a1",
     .kw = "OK",
     .text = "done"},
    {.name = "untagged_bad",
     IN("* BAD Empty command line"),
     .kw = "BAD",
     .text = "Empty command line"},
    {.name = "continuation_bare", IN("+"), .tag = "+", .kw = ""},
    {.name = "continuation_code_is_text",
     IN("+ [ALERT] x"),
     .tag = "+",
     .kw = "",
     .text = "[ALERT] x"},
    {.name = "unknown_response_kept",
     IN("* XFOOBAR 1 (2 \"three\") {4}\r\nfour NIL"),
     .kw = "XFOOBAR",
     .args = "1 (2 'three') {4}'four' NIL"},
    {.name = "unknown_numbered_response",
     IN("* 3 XFOO bar (baz)"),
     NUM(3),
     .kw = "XFOO",
     .args = "bar (baz)"},
    {.name = "exists_zero", IN("* 0 EXISTS"), NUM(0), .kw = "EXISTS"},
    {.name = "exists_uint32_max",
     IN("* 4294967295 EXISTS"),
     NUM(4294967295u),
     .kw = "EXISTS"},
    {.name = "enabled_empty", IN("* ENABLED"), .kw = "ENABLED"},
    {.name = "sort_empty", IN("* SORT"), .kw = "SORT"},
    {.name = "thread_empty", IN("* THREAD"), .kw = "THREAD"},
    {.name = "quotaroot_no_root",
     IN("* QUOTAROOT comp.mail.mime"),
     .kw = "QUOTAROOT",
     .args = "comp.mail.mime"},
    {.name = "imapclient_values_int_and_tuple",
     IN("* X 1 (123 \"foo\")"),
     .kw = "X",
     .args = "1 (123 'foo')"},
    {.name = "imapclient_values_nested",
     IN("* X (123 \"foo\" ((0 1 2) \"more\" NIL) 66)"),
     .kw = "X",
     .args = "(123 'foo' ((0 1 2) 'more' NIL) 66)"},

    /* ---- tolerance ---- */
    {.name = "lower_case_keyword", IN("* 23 exists"), NUM(23), .kw = "EXISTS"},
    {.name = "lower_case_capability",
     IN("* capability imap4rev1 idle"),
     .kw = "CAPABILITY",
     .args = "imap4rev1 idle"},
    {.name = "lower_case_fetch_items",
     IN("* 1 fetch (flags (\\Seen) uid 7)"),
     NUM(1),
     .kw = "FETCH",
     .args = "(flags (\\Seen) uid 7)"},
    {.name = "lower_case_nil",
     IN("* 1 FETCH (BODY[1] nil ENVELOPE (Nil))"),
     NUM(1),
     .kw = "FETCH",
     .args = "(BODY[1] NIL ENVELOPE (NIL))"},
    {.name = "nil_where_string_belongs",
     IN("* LIST () NIL NIL"),
     .kw = "LIST",
     .args = "() NIL NIL"},
    {.name = "quoted_nil_stays_string",
     IN("* ID (\"NIL\" NIL)"),
     .kw = "ID",
     .args = "('NIL' NIL)"},
    {.name = "missing_space_between_lists",
     IN("* THREAD (1)(2 3)((4)(5))"),
     .kw = "THREAD",
     .args = "(1) (2 3) ((4) (5))"},
    {.name = "missing_space_after_list",
     IN("* 1 FETCH (FLAGS (\\Seen)UID 4)"),
     NUM(1),
     .kw = "FETCH",
     .args = "(FLAGS (\\Seen) UID 4)"},
    {.name = "missing_space_before_list",
     IN("* SEARCH 1 2 3(modseq 999)"),
     .kw = "SEARCH",
     .args = "1 2 3 (modseq 999)"},
    {.name = "missing_space_between_quoted",
     IN("* ID (\"a\"\"b\"NIL\"c\")"),
     .kw = "ID",
     .args = "('a' 'b' NIL 'c')"},
    {.name = "missing_space_after_keyword",
     IN("* LIST(\\HasNoChildren) \"/\" INBOX"),
     .kw = "LIST",
     .args = "(\\HasNoChildren) '/' INBOX"},
    {.name = "missing_space_before_literal",
     IN("* 1 FETCH (BODY[]{3}\r\nabc)"),
     NUM(1),
     .kw = "FETCH",
     .args = "(BODY[] {3}'abc')"},
    {.name = "missing_space_before_literal8",
     IN("* 1 FETCH (BINARY[]~{2}\r\n\0\1)"),
     NUM(1),
     .kw = "FETCH",
     .args = "(BINARY[] ~{2}'\\0\\x01')"},
    {.name = "extra_spaces",
     IN("*  SEARCH   1  ( a  b )  2 "),
     .kw = "SEARCH",
     .args = "1 (a b) 2"},
    {.name = "bare_bracket_in_atom",
     IN("* 1 FETCH (FLAGS (\\Seen Junk] $Label))"),
     NUM(1),
     .kw = "FETCH",
     .args = "(FLAGS (\\Seen Junk] $Label))"},
    {.name = "bare_bracket_alone", IN("* X ] (])"), .kw = "X", .args = "] (])"},
    {.name = "odd_atoms",
     IN("* FLAGS (\\Seen $Forwarded %weird *star \\* a{b} x~y ~ #n.a)"),
     .kw = "FLAGS",
     .args = "(\\Seen $Forwarded %weird *star \\* a{b} x~y ~ #n.a)"},
    {.name = "imapclient_unquoted",
     IN("* X FOO F.O:-O_0; \\Seen"),
     .kw = "X",
     .args = "FOO F.O:-O_0; \\Seen"},
    {.name = "imapclient_square_brackets",
     IN("* X foo[bar rrr] \"foo[bar rrr]\" [foo bar]def (foo [bar rrr]) (foo foo[bar "
        "rrr])"),
     .kw = "X",
     .args =
         "foo[bar rrr] 'foo[bar rrr]' [foo bar]def (foo [bar rrr]) (foo foo[bar rrr])"},
    {.name = "imapclient_quoted_specials",
     IN("* X \"\\\"foo bar\\\"\" \"foo \\\"bar\\\"\" \"foo\\\\bar\""),
     .kw = "X",
     .args = "'\"foo bar\"' 'foo \"bar\"' 'foo\\\\bar'"},
    {.name = "quoted_other_backslash_kept",
     IN("* X \"C:\\temp\\x\" \"a\\\\\""),
     .kw = "X",
     .args = "'C:\\\\temp\\\\x' 'a\\\\'"},
    {.name = "quoted_empty", IN("* X \"\" ()"), .kw = "X", .args = "'' ()"},
    {.name = "quoted_8bit_tolerated",
     IN("* X \"Gr\xc3\xbc\xc3\x9f"
        "e\""),
     .kw = "X",
     .args = "'Gr\\xc3\\xbc\\xc3\\x9fe'"},
    {.name = "quoted_brackets_parens",
     IN("* X \"]\" \"[\" \"(\" \")\" \"{3}\""),
     .kw = "X",
     .args = "']' '[' '(' ')' '{3}'"},
    {.name = "number_max_u64",
     IN("* X 18446744073709551615 0"),
     .kw = "X",
     .args = "18446744073709551615 0"},
    {.name = "number_over_u64_stays_atom",
     IN("* X 18446744073709551616"),
     .kw = "X",
     .args = "atom:18446744073709551616"},
    {.name = "number_21_digits_stays_atom",
     IN("* X 000000000000000000001"),
     .kw = "X",
     .args = "atom:000000000000000000001"},
    {.name = "number_leading_zeros", IN("* X 007"), .kw = "X", .args = "7"},
    {.name = "modseq_over_2pow63",
     IN("* 1 FETCH (MODSEQ (9223372036854775808))"),
     NUM(1),
     .kw = "FETCH",
     .args = "(MODSEQ (9223372036854775808))"},
    {.name = "literal_in_list", IN("* X ({3}\r\nabc)"), .kw = "X", .args = "({3}'abc')"},
    {.name = "literal_plus_form", IN("* X {3+}\r\nabc"), .kw = "X", .args = "{3}'abc'"},
    {.name = "literal8_in_list",
     IN("* X (~{2}\r\n\0\0)"),
     .kw = "X",
     .args = "(~{2}'\\0\\0')"},
    {.name = "literal_holding_parens_and_crlf",
     IN("* X ({10}\r\n)(\r\n{1}\r\n\") y"),
     .kw = "X",
     .args = "({10}')(\\r\\n{1}\\r\\n\"') y"},
    {.name = "literal_at_end_of_line",
     IN("* 1 FETCH (BODY[] {2}\r\nhi)"),
     NUM(1),
     .kw = "FETCH",
     .args = "(BODY[] {2}'hi')"},
    {.name = "tilde_atoms", IN("* X ~user ~ ~{"), .kw = "X", .args = "~user ~ ~{"},

    /* ---- failures: EPROTOCOL, bounded memory ---- */
    {.name = "fail_empty", IN(""), FAILS},
    {.name = "fail_tag_only", IN("*"), FAILS},
    {.name = "fail_keyword_missing", IN("* "), FAILS},
    {.name = "fail_tagged_keyword_missing", IN("A001 "), FAILS},
    {.name = "fail_number_without_keyword", IN("* 12"), FAILS},
    {.name = "fail_bad_message_number", IN("* 12a EXISTS"), FAILS},
    {.name = "fail_message_number_over_32_bits", IN("* 4294967296 EXISTS"), FAILS},
    {.name = "fail_tagged_data_response", IN("A1 FETCH (FLAGS ())"), FAILS},
    {.name = "fail_nesting_deeper_than_max", IN("* X ((((1))))"), .depth = 3, FAILS},
    {.name = "nesting_at_max_depth",
     IN("* X (((1)))"),
     .depth = 3,
     .kw = "X",
     .args = "(((1)))"},
    {.name = "fail_nesting_in_fetch",
     IN("* 1 FETCH (BODYSTRUCTURE ((((\"text\")))))"),
     .depth = 4,
     FAILS},
    {.name = "fail_literal_larger_than_data",
     IN("* 1 FETCH (BODY[] {100}\r\nshort)"),
     FAILS},
    {.name = "fail_literal_one_byte_short", IN("* X {6}\r\nshort"), FAILS},
    {.name = "fail_literal_size_overflows",
     IN("* X {99999999999999999999999}\r\nabc"),
     FAILS},
    {.name = "fail_literal_size_2pow64", IN("* X {18446744073709551616}\r\n"), FAILS},
    {.name = "fail_literal_size_max_u64", IN("* X {18446744073709551615}\r\nab"), FAILS},
    {.name = "fail_literal_without_crlf", IN("* X {5}abcde"), FAILS},
    {.name = "fail_literal_bare_lf_header", IN("* X {5}\nabcde"), FAILS},
    {.name = "fail_literal_without_size", IN("* X {}\r\n"), FAILS},
    {.name = "fail_literal_mid_line", IN("* X {5} abcde"), FAILS},
    {.name = "fail_literal8_bad_size", IN("* X ~{x}\r\n"), FAILS},
    {.name = "fail_literal8_size_overflows",
     IN("* X ~{99999999999999999999}\r\nab"),
     FAILS},
    {.name = "fail_quoted_unterminated", IN("* 1 FETCH (ENVELOPE (\"abc))"), FAILS},
    {.name = "fail_quoted_escaped_quote_at_end", IN("* X \"abc\\\""), FAILS},
    {.name = "fail_quoted_cr", IN("* X \"ab\rcd\""), FAILS},
    {.name = "fail_quoted_lf", IN("* X \"ab\ncd\""), FAILS},
    {.name = "fail_unbalanced_open", IN("* 1 FETCH (FLAGS (\\Seen)"), FAILS},
    {.name = "fail_unbalanced_open_thread",
     IN("* THREAD (2)(3 6 (4 23)(44 7 96)"),
     FAILS},
    {.name = "fail_unbalanced_close", IN("* 1 FETCH (FLAGS (\\Seen)))"), FAILS},
    {.name = "fail_close_first", IN("* SEARCH )"), FAILS},
    {.name = "fail_section_unclosed", IN("* 1 FETCH (BODY[HEADER {5}\r\nabcde)"), FAILS},
    {.name = "fail_bare_cr_in_args", IN("* SEARCH 1\r2"), FAILS},
    {.name = "fail_bare_lf_in_list", IN("* X (a\nb)"), FAILS},
    {.name = "fail_nul_in_args", IN("* SEARCH 1 \0 2"), FAILS},
};
/* clang-format on */

#define NCASES (sizeof cases / sizeof cases[0])

static void expect_str(const char *what, const char *name, const char *got,
                       const char *want)
{
    if (strcmp(got, want) != 0)
        fail_msg("%s: %s\n  got:  %s\n  want: %s", name, what, got, want);
}

static void run_case(void **state)
{
    const pcase *c = *state;
    char *owned = NULL;
    const char *in = c->in;
    size_t len = c->len;
    imc_reader rd;
    memt m;
    int have_reader = 0;
    if (c->file) {
        char path[512];
        size_t flen = 0;
        snprintf(path, sizeof path, "%s/responses/%s.imap", TEST_DATA_DIR, c->file);
        owned = read_file(path, &flen);
        if (!owned)
            fail_msg("cannot read %s", path);
        /* Odd read sizes so lines and literals arrive in pieces. */
        static const size_t chunks[] = {7, 1, 64, 3, 4096};
        memt_init(&m, owned, flen);
        m.chunks = chunks;
        m.nchunks = sizeof chunks / sizeof chunks[0];
        assert_int_equal(imc_reader_init(&rd, &m.base, 1 << 20, 1 << 20), 0);
        have_reader = 1;
        int rc = imc_reader_next(&rd, 0);
        if (rc)
            fail_msg("%s: reader returned %d: %s", c->name, rc, rd.err);
        assert_int_equal(m.pos, flen); /* one response per file */
        assert_int_equal(imc_reader_buffered(&rd), 0);
        in = rd.resp.data;
        len = rd.resp.len;
    }

    imc_parser p;
    imc_parser_init(&p, c->depth);
    imc_arena *a = imc_arena_new();
    assert_non_null(a);
    imapclient_response r;
    int rc = imc_parse_response(&p, in, len, a, 1, &r);
    if (rc != c->rc)
        fail_msg("%s: returned %d (%s at byte %zu), expected %d", c->name, rc,
                 p.error ? p.error : "-", p.error_pos, c->rc);
    if (rc == 0) {
        expect_str("tag", c->name, r.tag, c->tag ? c->tag : "*");
        expect_str("name", c->name, r.name, c->kw);
        assert_int_equal(r.has_number, c->has_num);
        if (c->has_num)
            assert_int_equal(r.number, c->num);
        assert_non_null(r.args);
        assert_int_equal(r.args->type, IMAPCLIENT_VALUE_LIST);
        char *d = dump_members(r.args);
        expect_str("args", c->name, d, c->args ? c->args : "");
        free(d);
        if (c->code)
            expect_str("code", c->name, r.code ? r.code : "(none)", c->code);
        else if (r.code)
            fail_msg("%s: unexpected code %s", c->name, r.code);
        assert_non_null(r.code_args);
        d = dump_members(r.code_args);
        expect_str("code args", c->name, d, c->code_args ? c->code_args : "");
        free(d);
        if (c->code_raw)
            expect_str("code raw", c->name, r.code_raw ? r.code_raw : "(none)",
                       c->code_raw);
        expect_str("text", c->name, r.text, c->text ? c->text : "");
        /* keep_raw: the whole response, as the reader gave it */
        assert_int_equal(r.raw_len, len);
        assert_memory_equal(r.raw, in, len);
    } else {
        assert_non_null(p.error);
        assert_true(p.error_pos <= len);
        /* Bounded memory: a failure costs at most a few blocks, whatever
         * the input announces (a literal of 2^64 bytes, deep nesting). */
        if (imc_arena_footprint(a) > 16384 + 4 * len)
            fail_msg("%s: arena grew to %zu bytes on failure", c->name,
                     imc_arena_footprint(a));
        assert_int_equal(p.stack_len, 0);
    }
    imc_arena_free(a);
    imc_parser_free(&p);
    if (have_reader)
        imc_reader_free(&rd);
    free(owned);
}

/* ---- every sample file parses (also those added without a row) ---- */

static void test_parser__every_sample_file_parses(void **state)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/responses", TEST_DATA_DIR);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    int n = 0;
    imc_parser p;
    imc_parser_init(&p, 0);
    imc_arena *a = imc_arena_new();
    while ((e = readdir(d)) != NULL) {
        size_t nl = strlen(e->d_name);
        if (nl < 6 || strcmp(e->d_name + nl - 5, ".imap") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len = 0;
        char *buf = read_file(path, &len);
        assert_non_null(buf);
        memt m;
        memt_init(&m, buf, len);
        imc_reader rd;
        assert_int_equal(imc_reader_init(&rd, &m.base, 1 << 20, 1 << 20), 0);
        int rc = imc_reader_next(&rd, 0);
        if (rc)
            fail_msg("%s: reader %d %s", e->d_name, rc, rd.err);
        imapclient_response r;
        imc_arena_reset(a);
        rc = imc_parse_response(&p, rd.resp.data, rd.resp.len, a, 0, &r);
        if (rc)
            fail_msg("%s: parser %d (%s)", e->d_name, rc, p.error);
        /* the next read finds the end of the stream: one response a file */
        assert_int_equal(imc_reader_next(&rd, 0), IMAPCLIENT_EABORT);
        imc_reader_free(&rd);
        free(buf);
        n++;
    }
    closedir(d);
    imc_arena_free(a);
    imc_parser_free(&p);
    assert_true(n >= 100);
}

/* ---- the lexer never reads past its input ---- */

/* Parse every prefix of in[0..len) placed so that its last byte is the last
 * readable byte before a PROT_NONE page: an over-read is a SIGSEGV. */
static void parse_against_guard(char *page_end, const char *in, size_t len,
                                size_t max_prefix, imc_parser *p, imc_arena *a)
{
    size_t top = len < max_prefix ? len : max_prefix;
    for (size_t n = 0; n <= top; n++) {
        char *at = page_end - n;
        memcpy(at, in, n);
        imapclient_response r;
        imapclient_value v;
        imc_arena_reset(a);
        (void)imc_parse_response(p, at, n, a, 0, &r);
        imc_arena_reset(a);
        (void)imc_parse_values(p, at, n, a, &v);
    }
    if (len > max_prefix) {
        /* the whole input too, and its tail alone */
        size_t pg = (size_t)sysconf(_SC_PAGESIZE);
        size_t tail = len < 16 * pg ? len : 16 * pg;
        memcpy(page_end - tail, in + len - tail, tail);
        imapclient_response r;
        imc_arena_reset(a);
        (void)imc_parse_response(p, page_end - tail, tail, a, 0, &r);
    }
}

static void test_parser__no_read_past_input(void **state)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    size_t span = 17 * pg; /* 16 readable pages, then the guard */
    char *map =
        mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(map != MAP_FAILED);
    assert_int_equal(mprotect(map + 16 * pg, pg, PROT_NONE), 0);
    char *page_end = map + 16 * pg;

    imc_parser p;
    imc_parser_init(&p, 8);
    imc_arena *a = imc_arena_new();
    for (size_t i = 0; i < NCASES; i++) {
        const pcase *c = &cases[i];
        if (c->file) {
            char path[512];
            size_t len = 0;
            snprintf(path, sizeof path, "%s/responses/%s.imap", TEST_DATA_DIR, c->file);
            char *buf = read_file(path, &len);
            assert_non_null(buf);
            /* as sent, and as the reader hands it over (CRLF removed) */
            parse_against_guard(page_end, buf, len, 4 * pg, &p, a);
            if (len >= 2)
                parse_against_guard(page_end, buf, len - 2, 4 * pg, &p, a);
            free(buf);
        } else {
            parse_against_guard(page_end, c->in, c->len, 4 * pg, &p, a);
        }
    }
    /* Inputs that end exactly where a scanner wants one more byte. */
    static const char *const tails[] = {
        "* X \"",       "* X \"\\",   "* X {",         "* X {12",
        "* X {12}",     "* X {12}\r", "* X ~",         "* X ~{",
        "* X ~{1}\r",   "* X a[",     "* X a[b",       "* X (",
        "* OK [",       "* OK [A",    "* OK [A ",      "* 1",
        "* 1 ",         "+",          "A1 OK [X (1",   "* X a{1}\r",
        "* X a{1}\r\n", "* X a~{1}",  "* X \"a\\\"\"", "* 1 FETCH (",
        "* X NIL",
    };
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++)
        parse_against_guard(page_end, tails[i], strlen(tails[i]), 64, &p, a);
    imc_arena_free(a);
    imc_parser_free(&p);
    munmap(map, span);
}

/* ---- limits ---- */

static char *nested(size_t depth, size_t *len)
{
    char *s = malloc(depth * 2 + 8);
    size_t n = 0;
    memcpy(s, "* X ", 4);
    n = 4;
    for (size_t i = 0; i < depth; i++)
        s[n++] = '(';
    s[n++] = '1';
    for (size_t i = 0; i < depth; i++)
        s[n++] = ')';
    s[n] = '\0';
    *len = n;
    return s;
}

static void test_parser__default_depth_limit(void **state)
{
    imc_parser p;
    imc_parser_init(&p, 0); /* default: 100 */
    assert_int_equal(p.max_depth, 100);
    imc_arena *a = imc_arena_new();
    imapclient_response r;
    size_t len;
    char *s = nested(100, &len);
    assert_int_equal(imc_parse_response(&p, s, len, a, 0, &r), 0);
    const imapclient_value *v = &r.args->items[0];
    for (int i = 0; i < 100; i++) {
        assert_int_equal(v->type, IMAPCLIENT_VALUE_LIST);
        v = &v->items[0];
    }
    assert_int_equal(v->number, 1);
    free(s);
    s = nested(101, &len);
    imc_arena_reset(a);
    assert_int_equal(imc_parse_response(&p, s, len, a, 0, &r), IMAPCLIENT_EPROTOCOL);
    assert_string_equal(p.error, "lists nested too deeply");
    free(s);
    /* a million open parens: refused at depth 101, memory stays small */
    s = nested(1000000, &len);
    imc_arena_reset(a);
    assert_int_equal(imc_parse_response(&p, s, len, a, 0, &r), IMAPCLIENT_EPROTOCOL);
    assert_true(imc_arena_footprint(a) <= 16384);
    assert_true(p.stack_cap <= 64);
    free(s);
    imc_arena_free(a);
    imc_parser_free(&p);
}

static void test_parser__huge_literal_announced_costs_nothing(void **state)
{
    imc_parser p;
    imc_parser_init(&p, 0);
    imc_arena *a = imc_arena_new();
    imapclient_response r;
    const char in[] = "* 1 FETCH (BODY[] {9223372036854775807}\r\nabc)";
    assert_int_equal(imc_parse_response(&p, in, sizeof in - 1, a, 0, &r),
                     IMAPCLIENT_EPROTOCOL);
    assert_string_equal(p.error, "literal larger than the data present");
    assert_true(imc_arena_footprint(a) <= 4096);
    imc_arena_free(a);
    imc_parser_free(&p);
}

static void test_parser__large_literal_every_byte(void **state)
{
    size_t n = 1 << 20;
    const char head[] = "* 1 FETCH (BODY[] {1048576}\r\n";
    size_t hl = sizeof head - 1;
    char *in = malloc(hl + n + 1);
    memcpy(in, head, hl);
    for (size_t i = 0; i < n; i++)
        in[hl + i] = (char)(i * 7 + 3);
    in[hl + n] = ')';
    imc_parser p;
    imc_parser_init(&p, 0);
    imc_arena *a = imc_arena_new();
    imapclient_response r;
    assert_int_equal(imc_parse_response(&p, in, hl + n + 1, a, 0, &r), 0);
    const imapclient_value *lit = &r.args->items[0].items[1];
    assert_int_equal(lit->type, IMAPCLIENT_VALUE_LITERAL);
    assert_int_equal(lit->len, n);
    assert_memory_equal(lit->str, in + hl, n);
    assert_int_equal(lit->str[n], '\0');
    imc_arena_free(a);
    imc_parser_free(&p);
    free(in);
}

static void test_parser__many_members(void **state)
{
    /* * SEARCH with 200000 ids: the member stack grows and comes back. */
    imc_buf b;
    imc_buf_init(&b, 0);
    imc_buf_adds(&b, "* SEARCH");
    for (int i = 1; i <= 200000; i++)
        imc_buf_printf(&b, " %d", i);
    imc_parser p;
    imc_parser_init(&p, 0);
    imc_arena *a = imc_arena_new();
    imapclient_response r;
    assert_int_equal(imc_parse_response(&p, b.data, b.len, a, 0, &r), 0);
    assert_int_equal(r.args->count, 200000);
    assert_int_equal(r.args->items[199999].number, 200000);
    assert_int_equal(p.stack_len, 0);
    imc_arena_free(a);
    imc_parser_free(&p);
    imc_buf_free(&b);
}

/* ---- API details ---- */

static void test_parser__reuse_after_failure(void **state)
{
    imc_parser p;
    imc_parser_init(&p, 0);
    imc_arena *a = imc_arena_new();
    imapclient_response r;
    const char bad[] = "* X (1 2 (3 4 \"unterminated";
    assert_int_equal(imc_parse_response(&p, bad, sizeof bad - 1, a, 0, &r),
                     IMAPCLIENT_EPROTOCOL);
    assert_string_equal(p.error, "quoted string not terminated");
    assert_int_equal(p.error_pos, 15);
    assert_int_equal(p.stack_len, 0);
    const char good[] = "* SEARCH 5 6";
    assert_int_equal(imc_parse_response(&p, good, sizeof good - 1, a, 0, &r), 0);
    assert_null(p.error);
    assert_int_equal(r.args->count, 2);
    assert_null(r.raw); /* keep_raw 0 */
    assert_int_equal(r.raw_len, 0);
    imc_arena_free(a);
    imc_parser_free(&p);
}

static void test_parser__parse_values(void **state)
{
    imc_parser p;
    imc_parser_init(&p, 0);
    imc_arena *a = imc_arena_new();
    imapclient_value v;
    const char in[] = "1 (123 \"foo\") NIL {2}\r\nhi";
    assert_int_equal(imc_parse_values(&p, in, sizeof in - 1, a, &v), 0);
    char *d = dump_members(&v);
    assert_string_equal(d, "1 (123 'foo') NIL {2}'hi'");
    free(d);
    assert_int_equal(imc_parse_values(&p, "", 0, a, &v), 0);
    assert_int_equal(v.type, IMAPCLIENT_VALUE_LIST);
    assert_int_equal(v.count, 0);
    assert_int_equal(imc_parse_values(&p, "(1", 2, a, &v), IMAPCLIENT_EPROTOCOL);
    imc_arena_free(a);
    imc_parser_free(&p);
}

static void test_parser__value_is_nul_terminated_with_length(void **state)
{
    imc_parser p;
    imc_parser_init(&p, 0);
    imc_arena *a = imc_arena_new();
    imapclient_response r;
    const char in[] = "* X atom \"q\\\"s\" {3}\r\na\0b 42 NIL";
    assert_int_equal(imc_parse_response(&p, in, sizeof in - 1, a, 0, &r), 0);
    const imapclient_value *v = r.args->items;
    assert_int_equal(r.args->count, 5);
    assert_int_equal(v[0].type, IMAPCLIENT_VALUE_ATOM);
    assert_string_equal(v[0].str, "atom");
    assert_int_equal(v[1].type, IMAPCLIENT_VALUE_STRING);
    assert_string_equal(v[1].str, "q\"s");
    assert_int_equal(v[1].len, 3);
    assert_int_equal(v[2].type, IMAPCLIENT_VALUE_LITERAL);
    assert_int_equal(v[2].flags, 0);
    assert_int_equal(v[2].len, 3);
    assert_memory_equal(v[2].str, "a\0b", 4);
    assert_int_equal(v[3].type, IMAPCLIENT_VALUE_NUMBER);
    assert_int_equal(v[3].number, 42);
    assert_string_equal(v[3].str, "42"); /* numbers keep their text */
    assert_int_equal(v[4].type, IMAPCLIENT_VALUE_NIL);
    assert_null(v[4].str);
    imc_arena_free(a);
    imc_parser_free(&p);
}

static void test_parser__response_copy_outlives_source(void **state)
{
    imc_parser p;
    imc_parser_init(&p, 0);
    imc_arena *src = imc_arena_new(), *dst = imc_arena_new();
    imapclient_response r, c;
    const char in[] = "A9 OK [COPYUID 1 2:3 (4 {1}\r\nx)] done";
    assert_int_equal(imc_parse_response(&p, in, sizeof in - 1, src, 1, &r), 0);
    assert_int_equal(imc_response_copy(dst, &r, &c), 0);
    imc_arena_free(src);
    assert_string_equal(c.tag, "A9");
    assert_string_equal(c.name, "OK");
    assert_string_equal(c.code, "COPYUID");
    assert_string_equal(c.text, "done");
    assert_string_equal(c.code_raw, "1 2:3 (4 {1}\r\nx)");
    assert_int_equal(c.raw_len, sizeof in - 1);
    assert_memory_equal(c.raw, in, sizeof in - 1);
    char *d = dump_members(c.code_args);
    assert_string_equal(d, "1 2:3 (4 {1}'x')");
    free(d);
    assert_int_equal(c.args->count, 0);
    imc_arena_free(dst);
    imc_parser_free(&p);
}

static void test_parser__value_copy_deep(void **state)
{
    imc_parser p;
    imc_parser_init(&p, 0);
    imc_arena *src = imc_arena_new(), *dst = imc_arena_new();
    imapclient_response r;
    const char in[] = "* 1 FETCH (X-GM-LABELS (\\Inbox \"a b\") BODY[] {3}\r\n\0\1\2)";
    assert_int_equal(imc_parse_response(&p, in, sizeof in - 1, src, 0, &r), 0);
    imapclient_value *v = imc_value_copy(dst, r.args);
    assert_non_null(v);
    imc_arena_free(src);
    char *d = dump_members(v);
    assert_string_equal(d, "(X-GM-LABELS (\\Inbox 'a b') BODY[] {3}'\\0\\x01\\x02')");
    free(d);
    imc_arena_free(dst);
    imc_parser_free(&p);
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_parser__every_sample_file_parses),
        cmocka_unit_test(test_parser__no_read_past_input),
        cmocka_unit_test(test_parser__default_depth_limit),
        cmocka_unit_test(test_parser__huge_literal_announced_costs_nothing),
        cmocka_unit_test(test_parser__large_literal_every_byte),
        cmocka_unit_test(test_parser__many_members),
        cmocka_unit_test(test_parser__reuse_after_failure),
        cmocka_unit_test(test_parser__parse_values),
        cmocka_unit_test(test_parser__value_is_nul_terminated_with_length),
        cmocka_unit_test(test_parser__response_copy_outlives_source),
        cmocka_unit_test(test_parser__value_copy_deep),
    };
    size_t nfixed = sizeof fixed / sizeof fixed[0];
    size_t n = NCASES + nfixed;
    struct CMUnitTest *tests = calloc(n, sizeof *tests);
    char(*names)[96] = calloc(NCASES, sizeof *names);
    if (!tests || !names)
        return 1;
    for (size_t i = 0; i < NCASES; i++) {
        snprintf(names[i], sizeof names[i], "test_parser__%s", cases[i].name);
        tests[i].name = names[i];
        tests[i].test_func = run_case;
        tests[i].initial_state = (void *)&cases[i];
    }
    memcpy(tests + NCASES, fixed, sizeof fixed);
    int rc = _cmocka_run_group_tests("test_parser", tests, n, NULL, NULL);
    free(tests);
    free(names);
    return rc;
}
