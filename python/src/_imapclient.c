/*
 * libimapclient._imapclient: the CPython extension under the libimapclient
 * package. It is a client of the public C API only (include/imapclient.h).
 *
 * One Connection object wraps one imapclient handle. Its methods take
 * arguments already normalised by the Python layer (imapclient.py: bytes,
 * lists of bytes) and return the reference's Python shapes; the FETCH
 * result conversion, the hot path, is done here. The GIL is released
 * around every call into the library; callbacks the library makes while a
 * call runs (SASL steps, FETCH messages, body sinks, the protocol log, the
 * interrupt hook) take it back for as long as they touch Python objects.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>
#include <structmember.h>

#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <imapclient.h>

/* ---- module state (set once at import) ---------------------------------- */

typedef struct {
    PyObject *exc_error;       /* IMAPClientError (imaplib.IMAP4.error) */
    PyObject *exc_abort;       /* IMAPClientAbortError */
    PyObject *exc_readonly;    /* IMAPClientReadOnlyError */
    PyObject *exc_capability;  /* CapabilityError */
    PyObject *exc_illegal;     /* IllegalStateError */
    PyObject *exc_criteria;    /* InvalidCriteriaError */
    PyObject *exc_login;       /* LoginError */
    PyObject *exc_protocol;    /* ProtocolError */
    PyObject *exc_invalid;     /* InvalidArgumentError (IMAPClientError, ValueError) */
    PyObject *exc_timeout;     /* socket.timeout */
    PyObject *exc_gaierror;    /* socket.gaierror */
    PyObject *exc_sslerror;    /* ssl.SSLError */
    PyObject *exc_certerror;   /* ssl.SSLCertVerificationError */
    PyObject *envelope_type;   /* response_types.Envelope */
    PyObject *address_type;    /* response_types.Address */
    PyObject *bodydata_type;   /* response_types.BodyData */
    PyObject *searchids_type;  /* response_types.SearchIds */
    PyObject *fixed_offset;    /* fixed_offset.FixedOffset */
    PyObject *sslcontext_type; /* _ssl._SSLContext */
    PyObject *folder_type;     /* response_types.Folder */
    PyObject *event_type;      /* response_types.NotifyEvent */
    PyObject *response_type;   /* response_types.Response */
    PyObject *tz_cache;        /* dict: offset minutes -> FixedOffset */
    PyObject *key_seq;         /* b"SEQ" */
    int types_ready;
} modstate;

static modstate S;

/* ---- the Connection object ---------------------------------------------- */

typedef struct {
    PyObject_HEAD imapclient *c;
    PyThreadState *ts; /* saved while a library call runs without the GIL */
    int busy;          /* a call is running (refuse use from another thread) */
    PyObject *log_cb;  /* callable(direction: str, line: bytes) or NULL */
    PyObject *cb;      /* callback of the running call (fetch_each, sasl) */
    PyObject *sink;    /* body sink of the running fetch_each */
    int sink_is_file;
    PyObject *fetch_result; /* dict being filled by fetch() */
    PyObject *keycache;     /* dict: item name (as sent) -> upper-cased bytes */
    int use_uid;            /* cached for the running fetch */
} ConnObject;

static PyTypeObject ConnType;

/* Take the GIL back inside a library callback; give it up again after. */
#define CB_ENTER(self) PyEval_RestoreThread((self)->ts)
#define CB_LEAVE(self) ((self)->ts = PyEval_SaveThread())

/* Run a library call without the GIL. */
#define RUN(self, rc, expr)                                                              \
    do {                                                                                 \
        (self)->busy = 1;                                                                \
        (self)->ts = PyEval_SaveThread();                                                \
        (rc) = (expr);                                                                   \
        PyEval_RestoreThread((self)->ts);                                                \
        (self)->ts = NULL;                                                               \
        (self)->busy = 0;                                                                \
    } while (0)

static int check_usable(ConnObject *self)
{
    if (self->busy) {
        PyErr_SetString(
            PyExc_RuntimeError,
            "IMAPClient object used by two threads at once (not thread safe)");
        return -1;
    }
    if (!self->c) {
        PyErr_SetString(S.exc_abort, "connection closed");
        return -1;
    }
    return 0;
}

#define CHECK(self)                                                                      \
    do {                                                                                 \
        if (check_usable(self) < 0)                                                      \
            return NULL;                                                                 \
    } while (0)

static PyObject *exc_for(int rc)
{
    switch (rc) {
    case IMAPCLIENT_ERROR:
        return S.exc_error;
    case IMAPCLIENT_EABORT:
    case IMAPCLIENT_EIO:
        return S.exc_abort;
    case IMAPCLIENT_EREADONLY:
        return S.exc_readonly;
    case IMAPCLIENT_ECAPABILITY:
        return S.exc_capability;
    case IMAPCLIENT_EILLEGAL_STATE:
        return S.exc_illegal;
    case IMAPCLIENT_EINVALID_CRITERIA:
        return S.exc_criteria;
    case IMAPCLIENT_ELOGIN:
        return S.exc_login;
    case IMAPCLIENT_EPROTOCOL:
    case IMAPCLIENT_ETOOBIG:
        return S.exc_protocol;
    case IMAPCLIENT_ETIMEOUT:
        return S.exc_timeout;
    case IMAPCLIENT_ETLS:
        return S.exc_sslerror;
    case IMAPCLIENT_ECERTIFICATE:
        return S.exc_certerror;
    case IMAPCLIENT_ENOMEM:
        return PyExc_MemoryError;
    case IMAPCLIENT_EINVAL:
        return S.exc_invalid;
    case IMAPCLIENT_ERESOLVE:
        return S.exc_gaierror;
    case IMAPCLIENT_ECONNECT:
        return PyExc_ConnectionRefusedError;
    case IMAPCLIENT_EINTERRUPTED:
        return PyExc_KeyboardInterrupt;
    default:
        return S.exc_error;
    }
}

/* Raise the exception for a failed call (unless a Python exception raised
 * in a callback is already pending: that one wins). Returns NULL. */
static PyObject *raise_rc(ConnObject *self, int rc)
{
    if (PyErr_Occurred())
        return NULL;
    const char *msg = self && self->c ? imapclient_errmsg(self->c) : "";
    if (!*msg)
        msg = imapclient_strerror(rc);
    /* The message may quote server or script bytes that are not UTF-8:
     * escaped, not lost (PyErr_SetString would drop the whole message). */
    PyObject *m = PyUnicode_DecodeUTF8(msg, (Py_ssize_t)strlen(msg), "backslashreplace");
    if (!m)
        return NULL;
    PyErr_SetObject(exc_for(rc), m);
    Py_DECREF(m);
    return NULL;
}

/* ---- argument helpers --------------------------------------------------- */

/* A NULL-terminated array of C strings borrowed from a list of bytes/str. */
typedef struct {
    const char **v;
    PyObject **keep; /* bytes objects owning the strings */
    Py_ssize_t n;
} strlist;

static void strlist_free(strlist *l)
{
    for (Py_ssize_t i = 0; i < l->n; i++)
        Py_XDECREF(l->keep[i]);
    PyMem_Free(l->keep);
    PyMem_Free(l->v);
    l->v = NULL;
    l->keep = NULL;
    l->n = 0;
}

/* bytes or str (UTF-8) -> new bytes reference without NUL; NULL + exception. */
static PyObject *as_cbytes(PyObject *o, const char *what)
{
    PyObject *b;
    if (PyBytes_Check(o)) {
        b = Py_NewRef(o);
    } else if (PyUnicode_Check(o)) {
        b = PyUnicode_AsUTF8String(o);
        if (!b)
            return NULL;
    } else if (PyByteArray_Check(o)) {
        b = PyBytes_FromStringAndSize(PyByteArray_AS_STRING(o), PyByteArray_GET_SIZE(o));
        if (!b)
            return NULL;
    } else {
        PyErr_Format(PyExc_TypeError, "%s must be str or bytes, not %.100s", what,
                     Py_TYPE(o)->tp_name);
        return NULL;
    }
    if (memchr(PyBytes_AS_STRING(b), 0, (size_t)PyBytes_GET_SIZE(b))) {
        Py_DECREF(b);
        PyErr_Format(PyExc_ValueError, "%s must not contain NUL bytes", what);
        return NULL;
    }
    return b;
}

/* seq (list/tuple of str/bytes) or None -> strlist; l->v stays NULL for None. */
static int strlist_from(PyObject *seq, strlist *l, const char *what)
{
    memset(l, 0, sizeof *l);
    if (!seq || seq == Py_None)
        return 0;
    PyObject *fast = PySequence_Fast(seq, "expected a sequence");
    if (!fast)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    l->v = PyMem_Calloc((size_t)n + 1, sizeof *l->v);
    l->keep = PyMem_Calloc((size_t)n + 1, sizeof *l->keep);
    if (!l->v || !l->keep) {
        Py_DECREF(fast);
        strlist_free(l);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *b = as_cbytes(PySequence_Fast_GET_ITEM(fast, i), what);
        if (!b) {
            Py_DECREF(fast);
            strlist_free(l);
            return -1;
        }
        l->keep[l->n++] = b;
        l->v[i] = PyBytes_AS_STRING(b);
    }
    Py_DECREF(fast);
    return 0;
}

static PyObject *bytes_or_none(const char *s)
{
    if (!s)
        Py_RETURN_NONE;
    return PyBytes_FromString(s);
}

static PyObject *text_result(const char *t)
{
    return PyBytes_FromString(t ? t : "");
}

/* ---- value conversion (the reference's parse_response shapes) ----------- */

static int all_digits(const char *s, size_t n)
{
    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static PyObject *value_to_py(const imapclient_value *v)
{
    switch (v->type) {
    case IMAPCLIENT_VALUE_NIL:
        Py_RETURN_NONE;
    case IMAPCLIENT_VALUE_NUMBER:
        if (v->len > 1 && v->str && v->str[0] == '0') /* "0123" stays text */
            return PyBytes_FromStringAndSize(v->str, (Py_ssize_t)v->len);
        return PyLong_FromUnsignedLongLong(v->number);
    case IMAPCLIENT_VALUE_ATOM:
        if (all_digits(v->str, v->len) && (v->str[0] != '0' || v->len == 1))
            return PyLong_FromString(v->str, NULL, 10); /* beyond 64 bits */
        return PyBytes_FromStringAndSize(v->str, (Py_ssize_t)v->len);
    case IMAPCLIENT_VALUE_STRING:
    case IMAPCLIENT_VALUE_LITERAL:
        return PyBytes_FromStringAndSize(v->str ? v->str : "", (Py_ssize_t)v->len);
    case IMAPCLIENT_VALUE_LIST: {
        PyObject *t = PyTuple_New((Py_ssize_t)v->count);
        if (!t)
            return NULL;
        for (size_t i = 0; i < v->count; i++) {
            PyObject *x = value_to_py(&v->items[i]);
            if (!x) {
                Py_DECREF(t);
                return NULL;
            }
            PyTuple_SET_ITEM(t, (Py_ssize_t)i, x);
        }
        return t;
    }
    }
    Py_RETURN_NONE;
}

/* The text of a value as imaplib keeps response-code data ("3", "(a b)"). */
static int value_text(const imapclient_value *v, PyObject *parts)
{
    PyObject *s;
    switch (v->type) {
    case IMAPCLIENT_VALUE_NIL:
        s = PyBytes_FromString("NIL");
        break;
    case IMAPCLIENT_VALUE_LIST: {
        PyObject *inner = PyList_New(0);
        if (!inner)
            return -1;
        for (size_t i = 0; i < v->count; i++)
            if (value_text(&v->items[i], inner) < 0) {
                Py_DECREF(inner);
                return -1;
            }
        PyObject *sep = PyBytes_FromString(" ");
        PyObject *joined = sep ? PyObject_CallMethod(sep, "join", "O", inner) : NULL;
        Py_XDECREF(sep);
        Py_DECREF(inner);
        if (!joined)
            return -1;
        s = PyBytes_FromFormat("(%s)", PyBytes_AS_STRING(joined));
        Py_DECREF(joined);
        break;
    }
    default:
        s = PyBytes_FromStringAndSize(v->str ? v->str : "", (Py_ssize_t)v->len);
    }
    if (!s)
        return -1;
    int r = PyList_Append(parts, s);
    Py_DECREF(s);
    return r;
}

static PyObject *values_text(const imapclient_value *list)
{
    PyObject *parts = PyList_New(0);
    if (!parts)
        return NULL;
    for (size_t i = 0; list && i < list->count; i++)
        if (value_text(&list->items[i], parts) < 0) {
            Py_DECREF(parts);
            return NULL;
        }
    PyObject *sep = PyBytes_FromString(" ");
    PyObject *r = sep ? PyObject_CallMethod(sep, "join", "O", parts) : NULL;
    Py_XDECREF(sep);
    Py_DECREF(parts);
    return r;
}

/* ---- dates ---------------------------------------------------------------- */

static PyObject *tz_for(int minutes)
{
    PyObject *key = PyLong_FromLong(minutes);
    if (!key)
        return NULL;
    PyObject *tz = PyDict_GetItemWithError(S.tz_cache, key);
    if (tz) {
        Py_DECREF(key);
        return Py_NewRef(tz);
    }
    if (PyErr_Occurred()) {
        Py_DECREF(key);
        return NULL;
    }
    tz = PyObject_CallOneArg(S.fixed_offset, key);
    if (tz && PyDict_SetItem(S.tz_cache, key, tz) < 0)
        Py_CLEAR(tz);
    Py_DECREF(key);
    return tz;
}

static PyObject *datetime_to_py(const imapclient_datetime *d)
{
    if (!d->has_offset)
        return PyDateTime_FromDateAndTime(d->year, d->month, d->day, d->hour, d->minute,
                                          d->second, 0);
    PyObject *tz = tz_for(d->offset_minutes);
    if (!tz)
        return NULL;
    PyObject *r = PyDateTimeAPI->DateTime_FromDateAndTime(
        d->year, d->month, d->day, d->hour, d->minute, d->second, 0, tz,
        PyDateTimeAPI->DateTimeType);
    Py_DECREF(tz);
    return r;
}

/* datetime -> imapclient_datetime (aware keeps its offset; naive is local). */
static int datetime_from_py(PyObject *o, imapclient_datetime *d)
{
    if (!PyDateTime_Check(o)) {
        if (PyDate_Check(o)) {
            memset(d, 0, sizeof *d);
            d->year = PyDateTime_GET_YEAR(o);
            d->month = PyDateTime_GET_MONTH(o);
            d->day = PyDateTime_GET_DAY(o);
            return 0;
        }
        PyErr_Format(PyExc_TypeError, "expected a datetime, not %.100s",
                     Py_TYPE(o)->tp_name);
        return -1;
    }
    memset(d, 0, sizeof *d);
    d->year = PyDateTime_GET_YEAR(o);
    d->month = PyDateTime_GET_MONTH(o);
    d->day = PyDateTime_GET_DAY(o);
    d->hour = PyDateTime_DATE_GET_HOUR(o);
    d->minute = PyDateTime_DATE_GET_MINUTE(o);
    d->second = PyDateTime_DATE_GET_SECOND(o);
    PyObject *off = PyObject_CallMethod(o, "utcoffset", NULL);
    if (!off)
        return -1;
    if (off != Py_None) {
        int secs =
            PyDateTime_DELTA_GET_DAYS(off) * 86400 + PyDateTime_DELTA_GET_SECONDS(off);
        d->has_offset = 1;
        d->offset_minutes = secs / 60;
    }
    Py_DECREF(off);
    return 0;
}

/* ---- envelopes and body structures -------------------------------------- */

static PyObject *address_to_py(const imapclient_address *a)
{
    PyObject *args[4] = {bytes_or_none(a->name), bytes_or_none(a->route),
                         bytes_or_none(a->mailbox), bytes_or_none(a->host)};
    PyObject *r = NULL;
    if (args[0] && args[1] && args[2] && args[3])
        r = PyObject_Vectorcall(S.address_type, args, 4, NULL);
    for (int i = 0; i < 4; i++)
        Py_XDECREF(args[i]);
    return r;
}

static PyObject *addresses_to_py(const imapclient_address *a, size_t n)
{
    if (!n)
        Py_RETURN_NONE;
    PyObject *t = PyTuple_New((Py_ssize_t)n);
    if (!t)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        PyObject *x = address_to_py(&a[i]);
        if (!x) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, (Py_ssize_t)i, x);
    }
    return t;
}

static PyObject *envelope_to_py(const imapclient_envelope *e)
{
    PyObject *a[10] = {0};
    PyObject *r = NULL;
    if (e->has_date)
        a[0] = datetime_to_py(&e->date);
    else
        a[0] = Py_NewRef(Py_None);
    a[1] = e->subject ? PyBytes_FromStringAndSize(e->subject, (Py_ssize_t)e->subject_len)
                      : Py_NewRef(Py_None);
    a[2] = addresses_to_py(e->from, e->from_count);
    a[3] = addresses_to_py(e->sender, e->sender_count);
    a[4] = addresses_to_py(e->reply_to, e->reply_to_count);
    a[5] = addresses_to_py(e->to, e->to_count);
    a[6] = addresses_to_py(e->cc, e->cc_count);
    a[7] = addresses_to_py(e->bcc, e->bcc_count);
    a[8] = bytes_or_none(e->in_reply_to);
    a[9] = bytes_or_none(e->message_id);
    for (int i = 0; i < 10; i++)
        if (!a[i])
            goto done;
    r = PyObject_Vectorcall(S.envelope_type, a, 10, NULL);
done:
    for (int i = 0; i < 10; i++)
        Py_XDECREF(a[i]);
    return r;
}

/* The reference's BodyData.create(): a multipart's leading part lists are
 * gathered into one list of BodyData as the first member. */
static PyObject *bodydata_from_value(const imapclient_value *v)
{
    PyObject *t;
    if (v->count && v->items[0].type == IMAPCLIENT_VALUE_LIST) {
        size_t np = 0;
        while (np < v->count && v->items[np].type == IMAPCLIENT_VALUE_LIST)
            np++;
        PyObject *parts = PyList_New((Py_ssize_t)np);
        if (!parts)
            return NULL;
        for (size_t i = 0; i < np; i++) {
            PyObject *p = bodydata_from_value(&v->items[i]);
            if (!p) {
                Py_DECREF(parts);
                return NULL;
            }
            PyList_SET_ITEM(parts, (Py_ssize_t)i, p);
        }
        t = PyTuple_New((Py_ssize_t)(v->count - np + 1));
        if (!t) {
            Py_DECREF(parts);
            return NULL;
        }
        PyTuple_SET_ITEM(t, 0, parts);
        for (size_t i = np; i < v->count; i++) {
            PyObject *x = value_to_py(&v->items[i]);
            if (!x) {
                Py_DECREF(t);
                return NULL;
            }
            PyTuple_SET_ITEM(t, (Py_ssize_t)(i - np + 1), x);
        }
    } else {
        t = value_to_py(v);
        if (!t)
            return NULL;
    }
    PyObject *r = PyObject_CallOneArg(S.bodydata_type, t);
    Py_DECREF(t);
    return r;
}

/* ---- FETCH: one message -> (id, dict) ----------------------------------- */

static PyObject *item_key(ConnObject *self, const char *name)
{
    PyObject *k = PyDict_GetItemString(self->keycache, name); /* borrowed */
    if (k)
        return Py_NewRef(k);
    size_t n = strlen(name);
    PyObject *up = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)n);
    if (!up)
        return NULL;
    char *p = PyBytes_AS_STRING(up);
    for (size_t i = 0; i < n; i++)
        p[i] = (name[i] >= 'a' && name[i] <= 'z') ? (char)(name[i] - 32) : name[i];
    if (PyDict_Size(self->keycache) < 256 &&
        PyDict_SetItemString(self->keycache, name, up) < 0) {
        Py_DECREF(up);
        return NULL;
    }
    return up;
}

static PyObject *message_to_py(ConnObject *self, const imapclient_message *m)
{
    PyObject *d = PyDict_New();
    if (!d)
        return NULL;
    PyObject *seq = PyLong_FromUnsignedLong(m->seq);
    if (!seq || PyDict_SetItem(d, S.key_seq, seq) < 0) {
        Py_XDECREF(seq);
        Py_DECREF(d);
        return NULL;
    }
    Py_DECREF(seq);
    for (size_t i = 0; i < m->item_count; i++) {
        const imapclient_fetch_item *it = &m->items[i];
        const char *nm = it->name;
        PyObject *val = NULL;
        if (!strcasecmp(nm, "UID")) {
            if (self->use_uid)
                continue;
            val = value_to_py(it->value);
        } else if (!strcasecmp(nm, "INTERNALDATE")) {
            val = m->has_internaldate ? datetime_to_py(&m->internaldate)
                                      : Py_NewRef(Py_None);
        } else if (!strcasecmp(nm, "ENVELOPE") && m->envelope) {
            val = envelope_to_py(m->envelope);
        } else if (!strcasecmp(nm, "SAVEDATE")) {
            val = m->has_savedate ? datetime_to_py(&m->savedate) : Py_NewRef(Py_None);
        } else if (!strcasecmp(nm, "EMAILID") && m->emailid) {
            val = PyBytes_FromString(m->emailid);
        } else if (!strcasecmp(nm, "THREADID")) {
            val = bytes_or_none(m->threadid);
        } else if (!strcasecmp(nm, "PREVIEW")) {
            val = m->preview
                      ? PyBytes_FromStringAndSize(m->preview, (Py_ssize_t)m->preview_len)
                      : Py_NewRef(Py_None);
        } else if ((!strcasecmp(nm, "BODY") || !strcasecmp(nm, "BODYSTRUCTURE")) &&
                   it->value->type == IMAPCLIENT_VALUE_LIST) {
            val = bodydata_from_value(it->value);
        } else {
            val = value_to_py(it->value);
        }
        if (!val) {
            Py_DECREF(d);
            return NULL;
        }
        PyObject *key = item_key(self, nm);
        if (!key || PyDict_SetItem(d, key, val) < 0) {
            Py_XDECREF(key);
            Py_DECREF(val);
            Py_DECREF(d);
            return NULL;
        }
        Py_DECREF(key);
        Py_DECREF(val);
    }
    return d;
}

/* ---- library callbacks ---------------------------------------------------- */

static int cb_interrupt(void *payload)
{
    ConnObject *self = payload;
    if (!self->ts)
        return 0;
    CB_ENTER(self);
    int r = PyErr_CheckSignals();
    CB_LEAVE(self);
    return r < 0;
}

static void cb_log(void *payload, imapclient_log_dir dir, const char *line, size_t len)
{
    ConnObject *self = payload;
    if (!self->log_cb || !self->ts)
        return;
    CB_ENTER(self);
    PyObject *et, *ev, *tb;
    PyErr_Fetch(&et, &ev, &tb);
    const char *d = dir == IMAPCLIENT_LOG_SENT       ? ">"
                    : dir == IMAPCLIENT_LOG_RECEIVED ? "<"
                                                     : "-";
    PyObject *r = PyObject_CallFunction(self->log_cb, "sy#", d, line, (Py_ssize_t)len);
    if (!r)
        PyErr_Clear(); /* a broken logger must not break the call */
    Py_XDECREF(r);
    PyErr_Restore(et, ev, tb);
    CB_LEAVE(self);
}

/* fetch(): merge each message into the result dict as the reference does
 * (several FETCH responses for one message update one dict). */
static int cb_fetch_into_dict(void *payload, const imapclient_message *msg)
{
    ConnObject *self = payload;
    int stop = 0;
    CB_ENTER(self);
    PyObject *d = message_to_py(self, msg);
    PyObject *key = d ? PyLong_FromUnsignedLong(msg->id) : NULL;
    if (!key) {
        stop = 1;
    } else {
        PyObject *old = PyDict_GetItemWithError(self->fetch_result, key);
        if (old)
            stop = PyDict_Update(old, d) < 0;
        else if (PyErr_Occurred())
            stop = 1;
        else
            stop = PyDict_SetItem(self->fetch_result, key, d) < 0;
    }
    Py_XDECREF(key);
    Py_XDECREF(d);
    CB_LEAVE(self);
    return stop;
}

/* fetch_each(): hand each message to the Python callback; a true result or
 * an exception stops the fetch. */
static int cb_fetch_to_callable(void *payload, const imapclient_message *msg)
{
    ConnObject *self = payload;
    int stop = 0;
    CB_ENTER(self);
    PyObject *d = message_to_py(self, msg);
    PyObject *key = d ? PyLong_FromUnsignedLong(msg->id) : NULL;
    if (!key) {
        stop = 1;
    } else {
        PyObject *r = PyObject_CallFunctionObjArgs(self->cb, key, d, NULL);
        if (!r)
            stop = 1;
        else {
            int t = PyObject_IsTrue(r);
            stop = t != 0;
            Py_DECREF(r);
        }
    }
    Py_XDECREF(key);
    Py_XDECREF(d);
    CB_LEAVE(self);
    return stop;
}

static int cb_sink(void *payload, uint32_t seq, const char *name, const char *data,
                   size_t len)
{
    ConnObject *self = payload;
    int stop = 0;
    CB_ENTER(self);
    PyObject *chunk = PyBytes_FromStringAndSize(data, (Py_ssize_t)len);
    PyObject *r = NULL;
    if (chunk) {
        if (self->sink_is_file) {
            if (len)
                r = PyObject_CallMethod(self->sink, "write", "O", chunk);
            else
                r = Py_NewRef(Py_None);
        } else {
            r = PyObject_CallFunction(self->sink, "kyO", (unsigned long)seq, name, chunk);
        }
    }
    stop = r == NULL;
    Py_XDECREF(r);
    Py_XDECREF(chunk);
    CB_LEAVE(self);
    return stop;
}

static int cb_sasl(void *payload, const unsigned char *challenge, size_t len,
                   imapclient_sasl_reply *reply)
{
    ConnObject *self = payload;
    int cancel = 0;
    CB_ENTER(self);
    PyObject *r =
        PyObject_CallFunction(self->cb, "y#", (const char *)challenge, (Py_ssize_t)len);
    if (!r || r == Py_None) {
        cancel = 1;
    } else {
        PyObject *b = NULL;
        if (PyUnicode_Check(r))
            b = PyUnicode_AsUTF8String(r);
        else if (PyBytes_Check(r))
            b = Py_NewRef(r);
        else
            PyErr_Format(PyExc_TypeError,
                         "SASL callback must return bytes or str, not %.100s",
                         Py_TYPE(r)->tp_name);
        if (!b || imapclient_sasl_reply_set(reply, PyBytes_AS_STRING(b),
                                            (size_t)PyBytes_GET_SIZE(b)) != 0)
            cancel = 1;
        Py_XDECREF(b);
    }
    Py_XDECREF(r);
    CB_LEAVE(self);
    return cancel;
}

/* ---- creating connections ------------------------------------------------- */

static ConnObject *conn_new(void)
{
    ConnObject *self = PyObject_New(ConnObject, &ConnType);
    if (!self)
        return NULL;
    self->c = NULL;
    self->ts = NULL;
    self->busy = 0;
    self->log_cb = NULL;
    self->cb = NULL;
    self->sink = NULL;
    self->sink_is_file = 0;
    self->fetch_result = NULL;
    self->use_uid = 1;
    self->keycache = PyDict_New();
    if (!self->keycache) {
        Py_DECREF(self);
        return NULL;
    }
    return self;
}

static int ms_from(PyObject *o, int *out, const char *what)
{
    if (!o || o == Py_None) {
        *out = 0;
        return 0;
    }
    double t = PyFloat_AsDouble(o);
    if (t == -1.0 && PyErr_Occurred())
        return -1;
    if (t < 0) {
        PyErr_Format(PyExc_ValueError, "%s must be non-negative", what);
        return -1;
    }
    double ms = t * 1000.0;
    if (ms > 2147483647.0)
        ms = 2147483647.0;
    *out = ms < 1.0 ? 1 : (int)(ms + 0.999);
    return 0;
}

/* The SSL_CTX * inside an ssl.SSLContext. CPython's _ssl keeps it as the
 * first field after the object header (Modules/_ssl.c, PySSLContext); it
 * is used only when the ssl module runs on the same OpenSSL as this
 * extension, so the pointer means the same thing to both. */
typedef struct {
    PyObject_HEAD SSL_CTX *ctx;
} py_ssl_context_head;

static SSL_CTX *ssl_ctx_of(PyObject *ctx)
{
    if (!ctx || ctx == Py_None || !S.sslcontext_type)
        return NULL;
    if (PyObject_IsInstance(ctx, S.sslcontext_type) != 1) {
        PyErr_Clear();
        return NULL;
    }
    PyObject *ssl = PyImport_ImportModule("ssl");
    if (!ssl)
        return NULL;
    PyObject *num = PyObject_GetAttrString(ssl, "OPENSSL_VERSION_NUMBER");
    Py_DECREF(ssl);
    if (!num)
        return NULL;
    unsigned long v = PyLong_AsUnsignedLong(num);
    Py_DECREF(num);
    if (PyErr_Occurred() || v != OpenSSL_version_num()) {
        PyErr_Clear();
        return NULL;
    }
    return ((py_ssl_context_head *)ctx)->ctx;
}

/* ---- TLSConfig: a shared imapclient_tls_config ----------------------------- */

typedef struct {
    PyObject_HEAD imapclient_tls_config *cfg;
    char verify; /* T_BOOL members are chars */
    char check_hostname;
} TlsConfigObject;

static PyTypeObject TlsConfigType;

static PyObject *tlsconfig_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"cafile",  "capath",        "verify",         "certfile",
                             "keyfile", "session_cache", "check_hostname", NULL};
    const char *cafile = NULL, *capath = NULL, *certfile = NULL, *keyfile = NULL;
    int verify = 1, cache = 1, check = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|zzpzzpp", kwlist, &cafile, &capath,
                                     &verify, &certfile, &keyfile, &cache, &check))
        return NULL;
    if (keyfile && !certfile) {
        PyErr_SetString(PyExc_ValueError, "keyfile needs certfile");
        return NULL;
    }
    TlsConfigObject *self = (TlsConfigObject *)type->tp_alloc(type, 0);
    if (!self)
        return NULL;
    self->verify = (char)(verify != 0);
    self->check_hostname = (char)(check != 0);
    self->cfg = imapclient_tls_config_new();
    if (!self->cfg) {
        Py_DECREF(self);
        PyErr_SetString(S.exc_sslerror ? S.exc_sslerror : PyExc_RuntimeError,
                        "cannot make a TLS configuration (OpenSSL)");
        return NULL;
    }
    int rc = 0;
    if ((cafile || capath) && rc == 0)
        rc = imapclient_tls_config_set_ca(self->cfg, cafile, capath);
    if (rc == 0)
        rc = imapclient_tls_config_set_verify(self->cfg, verify);
    if (certfile && rc == 0)
        rc = imapclient_tls_config_set_client_cert(self->cfg, certfile, keyfile);
    if (rc == 0)
        rc = imapclient_tls_config_set_session_cache(self->cfg, cache);
    if (rc) {
        const char *m = imapclient_tls_config_errmsg(self->cfg);
        PyObject *exc =
            rc == IMAPCLIENT_ETLS && S.exc_sslerror ? S.exc_sslerror : PyExc_ValueError;
        PyErr_SetString(exc, *m ? m : imapclient_strerror(rc));
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
}

static void tlsconfig_dealloc(TlsConfigObject *self)
{
    imapclient_tls_config_unref(self->cfg);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMemberDef tlsconfig_members[] = {
    {"verify", T_BOOL, offsetof(TlsConfigObject, verify), READONLY,
     "the server's certificate chain is verified"},
    {"check_hostname", T_BOOL, offsetof(TlsConfigObject, check_hostname), READONLY,
     "the host name in the certificate is checked (with verify)"},
    {NULL, 0, 0, 0, NULL}};

static PyTypeObject TlsConfigType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "libimapclient.TLSConfig",
    .tp_basicsize = sizeof(TlsConfigObject),
    .tp_dealloc = (destructor)tlsconfig_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc =
        "TLSConfig(cafile=None, capath=None, verify=True, certfile=None, keyfile=None,\n"
        "          session_cache=True, check_hostname=True)\n\n"
        "A TLS configuration that many connections share (the C library's\n"
        "imapclient_tls_config): the CAs and the client certificate are loaded\n"
        "once, now, and a connection to a server reached before with it resumes\n"
        "that TLS session (IMAPClient.tls_resumed()). Pass it as ssl_context=\n"
        "to every IMAPClient, in any thread.",
    .tp_members = tlsconfig_members,
    .tp_new = tlsconfig_new,
};

static PyObject *conn_tls_resumed(ConnObject *self, PyObject *unused)
{
    CHECK(self);
    return PyBool_FromLong(imapclient_tls_resumed(self->c));
}

static int quirks_from_dict(PyObject *d, imapclient_quirks *q);

static PyObject *mod_connect(PyObject *mod, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"host",
                             "port",
                             "ssl",
                             "stream",
                             "connect_timeout",
                             "read_timeout",
                             "ssl_context",
                             "verify_peer",
                             "check_hostname",
                             "ca_file",
                             "ca_path",
                             "cert_file",
                             "key_file",
                             "use_uid",
                             "log",
                             "tls_hostname",
                             "quirks",
                             "tls_config",
                             NULL};
    const char *host;
    int port = 0, ssl = 1, stream = 0, verify = 1, check = 1, use_uid = 1;
    PyObject *ct = Py_None, *rt = Py_None, *ctx = Py_None, *log = Py_None,
             *quirks = Py_None, *tlscfg = Py_None;
    const char *ca_file = NULL, *ca_path = NULL, *cert = NULL, *key = NULL,
               *tlsname = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "s|ippOOOppzzzzpOzOO", kwlist, &host,
                                     &port, &ssl, &stream, &ct, &rt, &ctx, &verify,
                                     &check, &ca_file, &ca_path, &cert, &key, &use_uid,
                                     &log, &tlsname, &quirks, &tlscfg))
        return NULL;
    if (tlscfg != Py_None && !PyObject_TypeCheck(tlscfg, &TlsConfigType)) {
        PyErr_SetString(PyExc_TypeError, "tls_config must be a TLSConfig");
        return NULL;
    }
    imapclient_options o;
    imapclient_options_init(&o);
    imapclient_quirks q;
    if (quirks != Py_None) {
        if (quirks_from_dict(quirks, &q) < 0)
            return NULL;
        o.quirks = &q;
    }
    o.port = port;
    o.ssl = ssl;
    o.stream = stream;
    if (ms_from(ct, &o.connect_timeout_ms, "connect timeout") < 0 ||
        ms_from(rt, &o.timeout_ms, "read timeout") < 0)
        return NULL;
    o.verify_peer = verify;
    o.check_hostname = check;
    o.ca_file = ca_file;
    o.ca_path = ca_path;
    o.cert_file = cert;
    o.key_file = key;
    o.tls_hostname = tlsname;
    o.use_uid = use_uid;
    o.ssl_ctx = ssl_ctx_of(ctx);
    if (PyErr_Occurred())
        return NULL;
    if (tlscfg != Py_None) {
        /* the configuration replaces the other TLS settings; the handle
         * takes its own reference at connect */
        o.tls_config = ((TlsConfigObject *)tlscfg)->cfg;
        o.ssl_ctx = NULL;
        o.verify_peer = ((TlsConfigObject *)tlscfg)->verify;
        o.check_hostname = ((TlsConfigObject *)tlscfg)->check_hostname;
    }
    ConnObject *self = conn_new();
    if (!self)
        return NULL;
    if (log != Py_None)
        self->log_cb = Py_NewRef(log);
    o.log = cb_log;
    o.log_payload = self;
    o.interrupt = cb_interrupt;
    o.interrupt_payload = self;
    imapclient *c = NULL;
    int rc;
    RUN(self, rc, imapclient_connect(host, &o, &c));
    if (rc) {
        if (!PyErr_Occurred()) {
            const char *msg = c ? imapclient_errmsg(c) : imapclient_strerror(rc);
            PyErr_SetString(exc_for(rc), msg);
        }
        imapclient_free(c);
        Py_DECREF(self);
        return NULL;
    }
    self->c = c;
    return (PyObject *)self;
}

static PyObject *mod_connect_scripted(PyObject *mod, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"script", "use_uid", "log", "quirks", NULL};
    const char *script;
    int use_uid = 1;
    PyObject *log = Py_None, *quirks = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "s|pOO", kwlist, &script, &use_uid, &log,
                                     &quirks))
        return NULL;
    imapclient_options o;
    imapclient_options_init(&o);
    imapclient_quirks q;
    if (quirks != Py_None) {
        if (quirks_from_dict(quirks, &q) < 0)
            return NULL;
        o.quirks = &q;
    }
    o.use_uid = use_uid;
    ConnObject *self = conn_new();
    if (!self)
        return NULL;
    if (log != Py_None)
        self->log_cb = Py_NewRef(log);
    o.log = cb_log;
    o.log_payload = self;
    o.interrupt = cb_interrupt;
    o.interrupt_payload = self;
    imapclient *c = NULL;
    int rc;
    RUN(self, rc, imapclient_connect_scripted(script, &o, &c));
    if (rc) {
        if (!PyErr_Occurred())
            PyErr_SetString(exc_for(rc),
                            c ? imapclient_errmsg(c) : imapclient_strerror(rc));
        imapclient_free(c);
        Py_DECREF(self);
        return NULL;
    }
    self->c = c;
    return (PyObject *)self;
}

static void conn_dealloc(ConnObject *self)
{
    if (self->c)
        imapclient_free(self->c);
    Py_XDECREF(self->log_cb);
    Py_XDECREF(self->keycache);
    PyObject_Free(self);
}

/* ---- simple session calls --------------------------------------------------- */

static PyObject *conn_login(ConnObject *self, PyObject *args)
{
    const char *user, *pw, *text = NULL;
    if (!PyArg_ParseTuple(args, "yy", &user, &pw))
        return NULL;
    CHECK(self);
    int rc;
    RUN(self, rc, imapclient_login(self->c, user, pw, &text));
    return rc ? raise_rc(self, rc) : text_result(text);
}

static PyObject *conn_plain_login(ConnObject *self, PyObject *args)
{
    const char *user, *pw, *authz = NULL, *text = NULL;
    if (!PyArg_ParseTuple(args, "yy|z", &user, &pw, &authz))
        return NULL;
    CHECK(self);
    int rc;
    RUN(self, rc, imapclient_plain_login(self->c, user, pw, authz, &text));
    return rc ? raise_rc(self, rc) : text_result(text);
}

static PyObject *conn_oauth2_login(ConnObject *self, PyObject *args)
{
    const char *user, *tok, *mech = NULL, *vendor = NULL, *text = NULL;
    if (!PyArg_ParseTuple(args, "yy|zz", &user, &tok, &mech, &vendor))
        return NULL;
    CHECK(self);
    int rc;
    RUN(self, rc, imapclient_oauth2_login(self->c, user, tok, mech, vendor, &text));
    return rc ? raise_rc(self, rc) : text_result(text);
}

static PyObject *conn_oauthbearer_login(ConnObject *self, PyObject *args)
{
    const char *ident = NULL, *tok, *text = NULL;
    if (!PyArg_ParseTuple(args, "zy", &ident, &tok))
        return NULL;
    CHECK(self);
    int rc;
    RUN(self, rc, imapclient_oauthbearer_login(self->c, ident, tok, &text));
    return rc ? raise_rc(self, rc) : text_result(text);
}

static PyObject *conn_scram_login(ConnObject *self, PyObject *args)
{
    const char *mech = NULL, *user, *pw, *text = NULL;
    if (!PyArg_ParseTuple(args, "zyy", &mech, &user, &pw))
        return NULL;
    CHECK(self);
    int rc;
    RUN(self, rc, imapclient_scram_login(self->c, mech, user, pw, &text));
    return rc ? raise_rc(self, rc) : text_result(text);
}

static PyObject *conn_cram_md5_login(ConnObject *self, PyObject *args)
{
    const char *user, *pw, *text = NULL;
    if (!PyArg_ParseTuple(args, "yy", &user, &pw))
        return NULL;
    CHECK(self);
    int rc;
    RUN(self, rc, imapclient_cram_md5_login(self->c, user, pw, &text));
    return rc ? raise_rc(self, rc) : text_result(text);
}

static PyObject *conn_sasl_login(ConnObject *self, PyObject *args)
{
    const char *mech, *text = NULL;
    PyObject *fn;
    if (!PyArg_ParseTuple(args, "yO", &mech, &fn))
        return NULL;
    CHECK(self);
    if (!PyCallable_Check(fn)) {
        PyErr_SetString(PyExc_TypeError, "mech_callable must be callable");
        return NULL;
    }
    self->cb = fn;
    int rc;
    RUN(self, rc, imapclient_sasl_login(self->c, mech, cb_sasl, self, &text));
    self->cb = NULL;
    return rc ? raise_rc(self, rc) : text_result(text);
}

static PyObject *conn_logout(ConnObject *self, PyObject *unused)
{
    const char *text = NULL;
    CHECK(self);
    int rc;
    RUN(self, rc, imapclient_logout(self->c, &text));
    if (rc)
        return raise_rc(self, rc);
    PyObject *r = text_result(text);
    imapclient_free(self->c);
    self->c = NULL;
    return r;
}

static PyObject *conn_shutdown(ConnObject *self, PyObject *unused)
{
    if (self->busy) {
        PyErr_SetString(PyExc_RuntimeError,
                        "IMAPClient object used by two threads at once");
        return NULL;
    }
    if (self->c) {
        imapclient_shutdown(self->c);
        imapclient_free(self->c);
        self->c = NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *conn_capabilities(ConnObject *self, PyObject *unused)
{
    const char *const *caps = NULL;
    size_t n = 0;
    CHECK(self);
    int rc;
    RUN(self, rc, imapclient_capabilities(self->c, &caps, &n));
    if (rc)
        return raise_rc(self, rc);
    PyObject *t = PyTuple_New((Py_ssize_t)n);
    for (size_t i = 0; t && i < n; i++) {
        PyObject *s = PyBytes_FromString(caps[i]);
        if (!s) {
            Py_CLEAR(t);
            break;
        }
        PyTuple_SET_ITEM(t, (Py_ssize_t)i, s);
    }
    return t;
}

static PyObject *conn_has_capability(ConnObject *self, PyObject *args)
{
    const char *cap;
    if (!PyArg_ParseTuple(args, "y", &cap))
        return NULL;
    CHECK(self);
    int rc;
    RUN(self, rc, imapclient_has_capability(self->c, cap));
    if (rc < 0)
        return raise_rc(self, rc);
    return PyBool_FromLong(rc);
}

static PyObject *conn_starttls(ConnObject *self, PyObject *unused)
{
    CHECK(self);
    int rc;
    RUN(self, rc, imapclient_starttls(self->c));
    if (rc)
        return raise_rc(self, rc);
    Py_RETURN_NONE;
}

static PyObject *conn_compress(ConnObject *self, PyObject *unused)
{
    CHECK(self);
    int rc;
    RUN(self, rc, imapclient_compress(self->c));
    if (rc)
        return raise_rc(self, rc);
    Py_RETURN_NONE;
}

/* One untagged response in the reference's parsed form:
 * (1, b'EXISTS'), (b'OK', b'Still here'), (3, b'FETCH', (b'FLAGS', ...)). */
static PyObject *response_to_py(const imapclient_response *r)
{
    PyObject *l = PyList_New(0);
    if (!l)
        return NULL;
    PyObject *x;
#define ADD(expr)                                                                        \
    do {                                                                                 \
        x = (expr);                                                                      \
        if (!x || PyList_Append(l, x) < 0) {                                             \
            Py_XDECREF(x);                                                               \
            Py_DECREF(l);                                                                \
            return NULL;                                                                 \
        }                                                                                \
        Py_DECREF(x);                                                                    \
    } while (0)
    if (r->has_number)
        ADD(PyLong_FromUnsignedLong(r->number));
    ADD(PyBytes_FromString(r->name));
    int status = !strcmp(r->name, "OK") || !strcmp(r->name, "NO") ||
                 !strcmp(r->name, "BAD") || !strcmp(r->name, "BYE") ||
                 !strcmp(r->name, "PREAUTH");
    if (status && !r->has_number) {
        /* The rest of the line as sent, response code included. */
        const char *raw = r->raw ? r->raw : "";
        size_t n = r->raw_len;
        const char *p = raw;
        const char *end = raw + n;
        for (int sp = 0; p < end && sp < 2; p++)
            if (*p == ' ')
                sp++;
        if (p < end || p > raw) {
            if (!strcmp(r->name, "OK") || !strcmp(r->name, "NO")) {
                if (p < end)
                    ADD(PyBytes_FromStringAndSize(p, end - p));
            } else {
                PyObject *rest = PyBytes_FromStringAndSize(p, p < end ? end - p : 0);
                if (!rest) {
                    Py_DECREF(l);
                    return NULL;
                }
                PyObject *words = PyObject_CallMethod(rest, "split", NULL);
                Py_DECREF(rest);
                if (!words) {
                    Py_DECREF(l);
                    return NULL;
                }
                Py_ssize_t wn = PyList_GET_SIZE(words);
                for (Py_ssize_t i = 0; i < wn; i++)
                    if (PyList_Append(l, PyList_GET_ITEM(words, i)) < 0) {
                        Py_DECREF(words);
                        Py_DECREF(l);
                        return NULL;
                    }
                Py_DECREF(words);
            }
        }
    } else {
        for (size_t i = 0; r->args && i < r->args->count; i++)
            ADD(value_to_py(&r->args->items[i]));
    }
#undef ADD
    PyObject *t = PyList_AsTuple(l);
    Py_DECREF(l);
    return t;
}

static PyObject *folder_name(ConnObject *self, const char *name, size_t len);
static PyObject *flags_tuple(const char *const *flags, size_t n);

/* {b'NAME': value} from a LIST of name value pairs (FETCH attributes,
 * STATUS items, as sent). */
static PyObject *pairs_dict(const imapclient_value *v)
{
    PyObject *d = PyDict_New();
    for (size_t i = 0; d && v && i + 1 < v->count; i += 2) {
        const imapclient_value *k = &v->items[i];
        PyObject *key =
            PyBytes_FromStringAndSize(k->str ? k->str : "", (Py_ssize_t)k->len);
        PyObject *val = value_to_py(&v->items[i + 1]);
        if (key) {
            char *p = PyBytes_AS_STRING(key);
            for (Py_ssize_t j = 0; j < PyBytes_GET_SIZE(key); j++)
                if (p[j] >= 'a' && p[j] <= 'z')
                    p[j] = (char)(p[j] - 32);
        }
        if (!key || !val || PyDict_SetItem(d, key, val) < 0)
            Py_CLEAR(d);
        Py_XDECREF(key);
        Py_XDECREF(val);
    }
    return d;
}

/* A NOTIFY event (imapclient_notify_event) as a NotifyEvent object. */
static PyObject *event_to_py(ConnObject *self, const imapclient_notify_event *e)
{
    static const char *kinds[] = {"",       "EXISTS",  "EXPUNGE",  "VANISHED", "FETCH",
                                  "STATUS", "MAILBOX", "METADATA", "OVERFLOW"};
    PyObject *kw = PyDict_New();
    if (!kw)
        return NULL;
    int ok = 1;
#define SETKW(k, expr)                                                                   \
    do {                                                                                 \
        PyObject *v_ = (expr);                                                           \
        if (!v_ || PyDict_SetItemString(kw, k, v_) < 0)                                  \
            ok = 0;                                                                      \
        Py_XDECREF(v_);                                                                  \
    } while (0)
    unsigned k = (unsigned)e->kind;
    SETKW("kind",
          PyUnicode_FromString(k < sizeof kinds / sizeof kinds[0] ? kinds[k] : ""));
    int numbered = e->kind == IMAPCLIENT_NOTIFY_EXISTS ||
                   e->kind == IMAPCLIENT_NOTIFY_EXPUNGE ||
                   e->kind == IMAPCLIENT_NOTIFY_FETCH;
    SETKW("number", numbered ? PyLong_FromUnsignedLong(e->number) : Py_NewRef(Py_None));
    SETKW("uid", e->has_uid ? PyLong_FromUnsignedLong(e->uid) : Py_NewRef(Py_None));
    SETKW("flags",
          e->has_flags ? flags_tuple(e->flags, e->flag_count) : Py_NewRef(Py_None));
    SETKW("modseq",
          e->has_modseq ? PyLong_FromUnsignedLongLong(e->modseq) : Py_NewRef(Py_None));
    SETKW("uid_set", bytes_or_none(e->uid_set));
    SETKW("earlier", PyBool_FromLong(e->earlier));
    SETKW("mailbox", e->mailbox ? folder_name(self, e->mailbox, strlen(e->mailbox))
                                : Py_NewRef(Py_None));
    SETKW("delimiter", bytes_or_none(e->delimiter));
    SETKW("attributes", e->kind == IMAPCLIENT_NOTIFY_MAILBOX
                            ? flags_tuple(e->attributes, e->attribute_count)
                            : Py_NewRef(Py_None));
    SETKW("nonexistent", PyBool_FromLong(e->nonexistent));
    SETKW("subscribed", PyBool_FromLong(e->subscribed));
    SETKW("old_mailbox", e->old_mailbox
                             ? folder_name(self, e->old_mailbox, strlen(e->old_mailbox))
                             : Py_NewRef(Py_None));
    SETKW("entries", e->kind == IMAPCLIENT_NOTIFY_METADATA
                         ? flags_tuple(e->entries, e->entry_count)
                         : Py_NewRef(Py_None));
    SETKW("data",
          (e->kind == IMAPCLIENT_NOTIFY_FETCH || e->kind == IMAPCLIENT_NOTIFY_STATUS)
              ? pairs_dict(e->items)
              : Py_NewRef(Py_None));
#undef SETKW
    PyObject *r = NULL;
    if (ok) {
        PyObject *noargs = PyTuple_New(0);
        if (noargs)
            r = PyObject_Call(S.event_type, noargs, kw);
        Py_XDECREF(noargs);
    }
    Py_DECREF(kw);
    return r;
}

/* A response in the reference's form; one that carries a notification
 * (RFC 5465, or the selected folder's EXISTS, EXPUNGE, FETCH) is a Response
 * (a tuple) whose .event is the decoded NotifyEvent. */
static PyObject *response_with_event(ConnObject *self, const imapclient_response *r)
{
    PyObject *t = response_to_py(r);
    if (!t || !self || !self->c || !S.response_type)
        return t;
    imapclient_notify_event *ev = NULL;
    int rc = imapclient_notify_event_from_response(self->c, r, &ev);
    if (rc || !ev) /* not an event, or one the library cannot read: as it is */
        return t;
    PyObject *e = event_to_py(self, ev);
    imapclient_notify_event_free(ev);
    PyObject *w = e ? PyObject_CallOneArg(S.response_type, t) : NULL;
    if (w && PyObject_SetAttrString(w, "event", e) < 0)
        Py_CLEAR(w);
    Py_XDECREF(e);
    Py_DECREF(t);
    return w;
}

static PyObject *responses_to_list(ConnObject *self, const imapclient_responses *rs)
{
    PyObject *l = PyList_New(0);
    for (size_t i = 0; l && rs && i < rs->count; i++) {
        PyObject *x = response_with_event(self, &rs->items[i]);
        if (!x || PyList_Append(l, x) < 0) {
            Py_XDECREF(x);
            Py_CLEAR(l);
            break;
        }
        Py_DECREF(x);
    }
    return l;
}

/* (text, [responses]) */
static PyObject *text_and_responses(ConnObject *self, imapclient_responses *rs)
{
    PyObject *l = responses_to_list(self, rs);
    PyObject *r = NULL;
    if (l)
        r = Py_BuildValue("(yN)", rs && rs->text ? rs->text : "", l);
    imapclient_responses_free(rs);
    return r;
}

static PyObject *conn_noop(ConnObject *self, PyObject *unused)
{
    imapclient_responses *rs = NULL;
    CHECK(self);
    int rc;
    RUN(self, rc, imapclient_noop(self->c, &rs));
    if (rc)
        return raise_rc(self, rc);
    return text_and_responses(self, rs);
}

static PyObject *conn_take_responses(ConnObject *self, PyObject *unused)
{
    imapclient_responses *rs = NULL;
    CHECK(self);
    int rc = imapclient_take_responses(self->c, &rs);
    if (rc)
        return raise_rc(self, rc);
    PyObject *l = responses_to_list(self, rs);
    imapclient_responses_free(rs);
    return l;
}

static PyObject *conn_idle(ConnObject *self, PyObject *unused)
{
    CHECK(self);
    int rc;
    RUN(self, rc, imapclient_idle(self->c));
    if (rc)
        return raise_rc(self, rc);
    Py_RETURN_NONE;
}

static PyObject *conn_idle_check(ConnObject *self, PyObject *args)
{
    int ms = -1;
    if (!PyArg_ParseTuple(args, "i", &ms))
        return NULL;
    CHECK(self);
    imapclient_responses *rs = NULL;
    int rc;
    RUN(self, rc, imapclient_idle_check(self->c, ms, &rs));
    if (rc)
        return raise_rc(self, rc);
    PyObject *l = responses_to_list(self, rs);
    imapclient_responses_free(rs);
    return l;
}

static PyObject *conn_idle_done(ConnObject *self, PyObject *unused)
{
    CHECK(self);
    imapclient_responses *rs = NULL;
    int rc;
    RUN(self, rc, imapclient_idle_done(self->c, NULL, &rs));
    if (rc)
        return raise_rc(self, rc);
    return text_and_responses(self, rs);
}

static PyObject *conn_idle_renew(ConnObject *self, PyObject *args)
{
    int ms;
    if (!PyArg_ParseTuple(args, "i", &ms))
        return NULL;
    CHECK(self);
    int rc;
    RUN(self, rc, imapclient_idle_renew(self->c, ms));
    if (rc < 0)
        return raise_rc(self, rc);
    return PyBool_FromLong(rc);
}

/* ---- folders -------------------------------------------------------------- */

static PyObject *flags_tuple(const char *const *flags, size_t n)
{
    PyObject *t = PyTuple_New((Py_ssize_t)n);
    for (size_t i = 0; t && i < n; i++) {
        PyObject *s = PyBytes_FromString(flags[i]);
        if (!s) {
            Py_CLEAR(t);
            break;
        }
        PyTuple_SET_ITEM(t, (Py_ssize_t)i, s);
    }
    return t;
}

static PyObject *folder_name(ConnObject *self, const char *name, size_t len)
{
    if (imapclient_get_folder_encode(self->c))
        return PyUnicode_DecodeUTF8(name, (Py_ssize_t)len, "surrogateescape");
    if (all_digits(name, len) && (name[0] != '0' || len == 1))
        return PyUnicode_DecodeASCII(name, (Py_ssize_t)len, "strict");
    return PyBytes_FromStringAndSize(name, (Py_ssize_t)len);
}

/* A STATUS answer as the reference's dict {b'MESSAGES': 3, ...}. */
static PyObject *status_dict(const imapclient_status_info *st)
{
    PyObject *d = PyDict_New();
    for (size_t i = 0; d && i < st->count; i++) {
        PyObject *k = PyBytes_FromString(st->items[i].name);
        PyObject *v = value_to_py(st->items[i].raw);
        if (!k || !v || PyDict_SetItem(d, k, v) < 0)
            Py_CLEAR(d);
        Py_XDECREF(k);
        Py_XDECREF(v);
    }
    return d;
}

/* One listed folder: the reference's (flags, delimiter, name), or with
 * typed a Folder (that tuple with .status, .childinfo, .old_name,
 * .nonexistent and .extended). */
static PyObject *folder_to_py(ConnObject *self, const imapclient_folder *f, int typed)
{
    PyObject *flags = flags_tuple(f->flags, f->flag_count);
    PyObject *delim = bytes_or_none(f->delimiter);
    PyObject *name = folder_name(self, f->name, f->name_len);
    PyObject *r = NULL;
    if (flags && delim && name) {
        if (!typed) {
            r = PyTuple_Pack(3, flags, delim, name);
        } else {
            PyObject *st = f->status ? status_dict(f->status) : Py_NewRef(Py_None);
            PyObject *ci = flags_tuple(f->childinfo, f->childinfo_count);
            PyObject *old = f->old_name
                                ? folder_name(self, f->old_name, strlen(f->old_name))
                                : Py_NewRef(Py_None);
            PyObject *ext = value_to_py(f->extended);
            if (st && ci && old && ext)
                r = PyObject_CallFunction(S.folder_type, "OOOOOOOO", flags, delim, name,
                                          st, ci, old,
                                          f->nonexistent ? Py_True : Py_False, ext);
            Py_XDECREF(st);
            Py_XDECREF(ci);
            Py_XDECREF(old);
            Py_XDECREF(ext);
        }
    }
    Py_XDECREF(flags);
    Py_XDECREF(delim);
    Py_XDECREF(name);
    return r;
}

/* Frees fl. */
static PyObject *folder_list_to_py(ConnObject *self, imapclient_folder_list *fl,
                                   int typed)
{
    PyObject *l = PyList_New((Py_ssize_t)fl->count);
    for (size_t i = 0; l && i < fl->count; i++) {
        PyObject *x = folder_to_py(self, &fl->folders[i], typed);
        if (!x) {
            Py_CLEAR(l);
            break;
        }
        PyList_SET_ITEM(l, (Py_ssize_t)i, x);
    }
    imapclient_folder_list_free(fl);
    return l;
}

static PyObject *conn_list_folders(ConnObject *self, PyObject *args)
{
    int kind;
    const char *dir, *pat;
    if (!PyArg_ParseTuple(args, "iyy", &kind, &dir, &pat))
        return NULL;
    CHECK(self);
    imapclient_folder_list *fl = NULL;
    int rc;
    if (kind == 1)
        RUN(self, rc, imapclient_list_sub_folders(self->c, dir, pat, &fl));
    else if (kind == 2)
        RUN(self, rc, imapclient_xlist_folders(self->c, dir, pat, &fl));
    else
        RUN(self, rc, imapclient_list_folders(self->c, dir, pat, &fl));
    if (rc)
        return raise_rc(self, rc);
    return folder_list_to_py(self, fl, 0);
}

/* list_extended(directory, [patterns], selection bits, return bits,
 * [status items] or None) -> [Folder] */
static PyObject *conn_list_extended(ConnObject *self, PyObject *args)
{
    const char *dir;
    PyObject *pats, *items;
    unsigned int sel, ret;
    if (!PyArg_ParseTuple(args, "yOIIO", &dir, &pats, &sel, &ret, &items))
        return NULL;
    CHECK(self);
    strlist p, it;
    if (strlist_from(pats, &p, "pattern") < 0)
        return NULL;
    if (strlist_from(items, &it, "status item") < 0) {
        strlist_free(&p);
        return NULL;
    }
    imapclient_list_options o = {.selection = sel, .returns = ret, .status_items = it.v};
    imapclient_folder_list *fl = NULL;
    int rc;
    RUN(self, rc, imapclient_list_extended(self->c, dir, p.v, &o, &fl));
    strlist_free(&p);
    strlist_free(&it);
    if (rc)
        return raise_rc(self, rc);
    return folder_list_to_py(self, fl, 1);
}

/* list_status(directory, pattern, [items] or None) -> [Folder] */
static PyObject *conn_list_status(ConnObject *self, PyObject *args)
{
    const char *dir, *pat;
    PyObject *items;
    if (!PyArg_ParseTuple(args, "yyO", &dir, &pat, &items))
        return NULL;
    CHECK(self);
    strlist it;
    if (strlist_from(items, &it, "status item") < 0)
        return NULL;
    imapclient_folder_list *fl = NULL;
    int rc;
    RUN(self, rc, imapclient_list_status(self->c, dir, pat, it.v, &fl));
    strlist_free(&it);
    if (rc)
        return raise_rc(self, rc);
    return folder_list_to_py(self, fl, 1);
}

static PyObject *conn_find_special_folder(ConnObject *self, PyObject *args)
{
    const char *flag;
    if (!PyArg_ParseTuple(args, "y", &flag))
        return NULL;
    CHECK(self);
    char *name = NULL;
    int rc;
    RUN(self, rc, imapclient_find_special_folder(self->c, flag, &name));
    if (rc)
        return raise_rc(self, rc);
    if (!name)
        Py_RETURN_NONE;
    PyObject *r = folder_name(self, name, strlen(name));
    free(name);
    return r;
}

static PyObject *conn_folder_exists(ConnObject *self, PyObject *args)
{
    const char *folder;
    if (!PyArg_ParseTuple(args, "y", &folder))
        return NULL;
    CHECK(self);
    int rc;
    RUN(self, rc, imapclient_folder_exists(self->c, folder));
    if (rc < 0)
        return raise_rc(self, rc);
    return PyBool_FromLong(rc);
}

static PyObject *conn_folder_status(ConnObject *self, PyObject *args)
{
    const char *folder;
    PyObject *what;
    if (!PyArg_ParseTuple(args, "yO", &folder, &what))
        return NULL;
    CHECK(self);
    strlist items;
    if (strlist_from(what, &items, "status item") < 0)
        return NULL;
    imapclient_status_info *st = NULL;
    int rc;
    RUN(self, rc, imapclient_folder_status(self->c, folder, items.v, &st));
    strlist_free(&items);
    if (rc)
        return raise_rc(self, rc);
    PyObject *d = status_dict(st);
    imapclient_status_info_free(st);
    return d;
}

typedef int (*folder_fn)(imapclient *, const char *, const char **);

static PyObject *folder_call(ConnObject *self, PyObject *args, folder_fn fn)
{
    const char *folder, *text = NULL;
    if (!PyArg_ParseTuple(args, "y", &folder))
        return NULL;
    CHECK(self);
    int rc;
    RUN(self, rc, fn(self->c, folder, &text));
    return rc ? raise_rc(self, rc) : text_result(text);
}

static PyObject *conn_create_folder(ConnObject *self, PyObject *args)
{
    return folder_call(self, args, imapclient_create_folder);
}
static PyObject *conn_delete_folder(ConnObject *self, PyObject *args)
{
    return folder_call(self, args, imapclient_delete_folder);
}
static PyObject *conn_subscribe_folder(ConnObject *self, PyObject *args)
{
    return folder_call(self, args, imapclient_subscribe_folder);
}
static PyObject *conn_unsubscribe_folder(ConnObject *self, PyObject *args)
{
    return folder_call(self, args, imapclient_unsubscribe_folder);
}

static PyObject *conn_rename_folder(ConnObject *self, PyObject *args)
{
    const char *a, *b, *text = NULL;
    if (!PyArg_ParseTuple(args, "yy", &a, &b))
        return NULL;
    CHECK(self);
    int rc;
    RUN(self, rc, imapclient_rename_folder(self->c, a, b, &text));
    return rc ? raise_rc(self, rc) : text_result(text);
}

static int dict_set(PyObject *d, const char *k, PyObject *v)
{
    if (!v)
        return -1;
    PyObject *key = PyBytes_FromString(k);
    int r = key ? PyDict_SetItem(d, key, v) : -1;
    Py_XDECREF(key);
    Py_DECREF(v);
    return r;
}

static PyObject *conn_select_folder(ConnObject *self, PyObject *args)
{
    const char *folder;
    int ro = 0;
    if (!PyArg_ParseTuple(args, "yp", &folder, &ro))
        return NULL;
    CHECK(self);
    imapclient_select_info *si = NULL;
    int rc;
    RUN(self, rc, imapclient_select_folder(self->c, folder, ro, &si));
    if (rc)
        return raise_rc(self, rc);
    PyObject *d = PyDict_New();
    if (!d)
        goto out;
    for (size_t i = 0; i < si->count; i++) {
        const imapclient_select_item *it = &si->items[i];
        const char *n = it->name;
        PyObject *v;
        if (!strcmp(n, "EXISTS") || !strcmp(n, "RECENT") || !strcmp(n, "UIDNEXT") ||
            !strcmp(n, "UIDVALIDITY") || !strcmp(n, "HIGHESTMODSEQ")) {
            if (it->value->count && it->value->items[0].type == IMAPCLIENT_VALUE_NUMBER)
                v = PyLong_FromUnsignedLongLong(it->value->items[0].number);
            else
                v = values_text(it->value);
        } else if (!strcmp(n, "READ-WRITE")) {
            v = Py_NewRef(Py_True);
        } else if (!strcmp(n, "FLAGS") || !strcmp(n, "PERMANENTFLAGS")) {
            const imapclient_value *lst =
                it->value->count ? &it->value->items[0] : it->value;
            v = value_to_py(lst);
            if (v && !PyTuple_Check(v)) {
                PyObject *t = PyTuple_Pack(1, v);
                Py_DECREF(v);
                v = t;
            }
        } else if (!strcmp(n, "OK") || !strcmp(n, "NO") || !strcmp(n, "BAD")) {
            continue;
        } else {
            /* imaplib keeps other data as a list of its raw text. */
            PyObject *txt = values_text(it->value);
            v = txt ? PyList_New(0) : NULL;
            if (v && PyList_Append(v, txt) < 0)
                Py_CLEAR(v);
            Py_XDECREF(txt);
        }
        if (dict_set(d, n, v) < 0) {
            Py_CLEAR(d);
            break;
        }
    }
out:
    imapclient_select_info_free(si);
    return d;
}

static PyObject *conn_unselect_folder(ConnObject *self, PyObject *unused)
{
    const char *text = NULL;
    CHECK(self);
    int rc;
    RUN(self, rc, imapclient_unselect_folder(self->c, &text));
    return rc ? raise_rc(self, rc) : text_result(text);
}

static PyObject *conn_close_folder(ConnObject *self, PyObject *unused)
{
    const char *text = NULL;
    CHECK(self);
    int rc;
    RUN(self, rc, imapclient_close_folder(self->c, &text));
    return rc ? raise_rc(self, rc) : text_result(text);
}

static PyObject *ns_part(ConnObject *self, const imapclient_namespace_entry *e, size_t n)
{
    if (!e)
        Py_RETURN_NONE;
    PyObject *t = PyTuple_New((Py_ssize_t)n);
    for (size_t i = 0; t && i < n; i++) {
        PyObject *p = folder_name(self, e[i].prefix, strlen(e[i].prefix));
        PyObject *s =
            e[i].separator ? PyUnicode_FromString(e[i].separator) : Py_NewRef(Py_None);
        PyObject *pair = p && s ? PyTuple_Pack(2, p, s) : NULL;
        Py_XDECREF(p);
        Py_XDECREF(s);
        if (!pair) {
            Py_CLEAR(t);
            break;
        }
        PyTuple_SET_ITEM(t, (Py_ssize_t)i, pair);
    }
    return t;
}

static PyObject *conn_namespace(ConnObject *self, PyObject *unused)
{
    CHECK(self);
    imapclient_namespace_info *ns = NULL;
    int rc;
    RUN(self, rc, imapclient_namespace(self->c, &ns));
    if (rc)
        return raise_rc(self, rc);
    PyObject *r = Py_BuildValue("(NNN)", ns_part(self, ns->personal, ns->personal_count),
                                ns_part(self, ns->other, ns->other_count),
                                ns_part(self, ns->shared, ns->shared_count));
    imapclient_namespace_info_free(ns);
    return r;
}

/* ---- FETCH ------------------------------------------------------------------ */

static PyObject *conn_fetch(ConnObject *self, PyObject *args)
{
    const char *msgs;
    PyObject *data, *mods;
    if (!PyArg_ParseTuple(args, "yOO", &msgs, &data, &mods))
        return NULL;
    CHECK(self);
    strlist d, m;
    if (strlist_from(data, &d, "fetch data item") < 0)
        return NULL;
    if (strlist_from(mods, &m, "fetch modifier") < 0) {
        strlist_free(&d);
        return NULL;
    }
    PyObject *result = PyDict_New();
    if (!result) {
        strlist_free(&d);
        strlist_free(&m);
        return NULL;
    }
    self->fetch_result = result;
    self->use_uid = imapclient_get_use_uid(self->c);
    /* The result only grows and holds no cycles: the cyclic GC, which
     * would walk it again and again as it grows, is held off meanwhile. */
    int gc_was_on = PyGC_Disable();
    int rc;
    RUN(self, rc,
        imapclient_fetch_each(self->c, msgs, d.v, m.v, cb_fetch_into_dict, NULL, 0,
                              self));
    if (gc_was_on)
        PyGC_Enable();
    self->fetch_result = NULL;
    strlist_free(&d);
    strlist_free(&m);
    if (rc || PyErr_Occurred()) {
        Py_DECREF(result);
        return raise_rc(self, rc ? rc : IMAPCLIENT_ERROR);
    }
    return result;
}

static PyObject *conn_fetch_each(ConnObject *self, PyObject *args)
{
    const char *msgs;
    PyObject *data, *mods, *cb, *sink = Py_None;
    Py_ssize_t sink_min = 0;
    if (!PyArg_ParseTuple(args, "yOOO|On", &msgs, &data, &mods, &cb, &sink, &sink_min))
        return NULL;
    CHECK(self);
    if (!PyCallable_Check(cb)) {
        PyErr_SetString(PyExc_TypeError, "callback must be callable");
        return NULL;
    }
    int is_file = 0;
    if (sink != Py_None) {
        is_file = PyObject_HasAttrString(sink, "write");
        if (!is_file && !PyCallable_Check(sink)) {
            PyErr_SetString(PyExc_TypeError,
                            "sink must be a file object (with write()) or a callable");
            return NULL;
        }
    }
    if (sink_min < 0) {
        PyErr_SetString(PyExc_ValueError, "sink_min must be >= 0");
        return NULL;
    }
    strlist d, m;
    if (strlist_from(data, &d, "fetch data item") < 0)
        return NULL;
    if (strlist_from(mods, &m, "fetch modifier") < 0) {
        strlist_free(&d);
        return NULL;
    }
    self->cb = cb;
    self->sink = sink == Py_None ? NULL : sink;
    self->sink_is_file = is_file;
    self->use_uid = imapclient_get_use_uid(self->c);
    int rc;
    RUN(self, rc,
        imapclient_fetch_each(self->c, msgs, d.v, m.v, cb_fetch_to_callable,
                              self->sink ? cb_sink : NULL, (size_t)sink_min, self));
    self->cb = NULL;
    self->sink = NULL;
    strlist_free(&d);
    strlist_free(&m);
    if (PyErr_Occurred())
        return NULL;
    if (rc < 0)
        return raise_rc(self, rc);
    return PyBool_FromLong(rc == 0); /* False: the callback stopped it */
}

/* ---- search, sort, thread ------------------------------------------------- */

static PyObject *ids_to_searchids(imapclient_ids *ids, int with_modseq)
{
    PyObject *l = PyList_New((Py_ssize_t)ids->count);
    for (size_t i = 0; l && i < ids->count; i++) {
        PyObject *x = PyLong_FromUnsignedLong(ids->ids[i]);
        if (!x) {
            Py_CLEAR(l);
            break;
        }
        PyList_SET_ITEM(l, (Py_ssize_t)i, x);
    }
    PyObject *r = NULL;
    if (l && with_modseq) {
        r = PyObject_CallOneArg(S.searchids_type, l);
        if (r && ids->has_modseq) {
            PyObject *ms = PyLong_FromUnsignedLongLong(ids->modseq);
            if (!ms || PyObject_SetAttrString(r, "modseq", ms) < 0)
                Py_CLEAR(r);
            Py_XDECREF(ms);
        }
    } else if (l) {
        r = Py_NewRef(l);
    }
    Py_XDECREF(l);
    imapclient_ids_free(ids);
    return r;
}

static PyObject *conn_search(ConnObject *self, PyObject *args)
{
    PyObject *crit;
    const char *charset = NULL;
    int raw = 0;
    if (!PyArg_ParseTuple(args, "Oz|p", &crit, &charset, &raw))
        return NULL;
    CHECK(self);
    imapclient_ids *ids = NULL;
    int rc;
    if (raw) {
        PyObject *b = as_cbytes(crit, "criteria");
        if (!b)
            return NULL;
        RUN(self, rc,
            imapclient_search_raw(self->c, PyBytes_AS_STRING(b), charset, &ids));
        Py_DECREF(b);
    } else {
        strlist l;
        if (strlist_from(crit, &l, "criteria") < 0)
            return NULL;
        RUN(self, rc, imapclient_search(self->c, l.v, charset, &ids));
        strlist_free(&l);
    }
    if (rc)
        return raise_rc(self, rc);
    return ids_to_searchids(ids, 1);
}

static PyObject *conn_gmail_search(ConnObject *self, PyObject *args)
{
    const char *q, *charset = NULL;
    if (!PyArg_ParseTuple(args, "yz", &q, &charset))
        return NULL;
    CHECK(self);
    imapclient_ids *ids = NULL;
    int rc;
    RUN(self, rc, imapclient_gmail_search(self->c, q, charset, &ids));
    if (rc)
        return raise_rc(self, rc);
    return ids_to_searchids(ids, 1);
}

static PyObject *conn_sort(ConnObject *self, PyObject *args)
{
    PyObject *sc, *crit;
    const char *charset = NULL;
    if (!PyArg_ParseTuple(args, "OOz", &sc, &crit, &charset))
        return NULL;
    CHECK(self);
    strlist s, c;
    if (strlist_from(sc, &s, "sort criteria") < 0)
        return NULL;
    if (strlist_from(crit, &c, "criteria") < 0) {
        strlist_free(&s);
        return NULL;
    }
    imapclient_ids *ids = NULL;
    int rc;
    RUN(self, rc, imapclient_sort(self->c, s.v, c.v, charset, &ids));
    strlist_free(&s);
    strlist_free(&c);
    if (rc)
        return raise_rc(self, rc);
    return ids_to_searchids(ids, 0);
}

static PyObject *thread_node(const imapclient_thread_node *n)
{
    if (!n->count && n->id)
        return PyLong_FromUnsignedLong(n->id);
    PyObject *t = PyTuple_New((Py_ssize_t)n->count);
    for (size_t i = 0; t && i < n->count; i++) {
        PyObject *x = thread_node(&n->items[i]);
        if (!x) {
            Py_CLEAR(t);
            break;
        }
        PyTuple_SET_ITEM(t, (Py_ssize_t)i, x);
    }
    return t;
}

static PyObject *conn_thread(ConnObject *self, PyObject *args)
{
    const char *algo, *charset = NULL;
    PyObject *crit;
    if (!PyArg_ParseTuple(args, "yOz", &algo, &crit, &charset))
        return NULL;
    CHECK(self);
    strlist c;
    if (strlist_from(crit, &c, "criteria") < 0)
        return NULL;
    imapclient_threads *th = NULL;
    int rc;
    RUN(self, rc, imapclient_thread(self->c, algo, c.v, charset, &th));
    strlist_free(&c);
    if (rc)
        return raise_rc(self, rc);
    PyObject *t = PyTuple_New((Py_ssize_t)th->count);
    for (size_t i = 0; t && i < th->count; i++) {
        PyObject *x = thread_node(&th->threads[i]);
        if (x && !PyTuple_Check(x)) {
            PyObject *w = PyTuple_Pack(1, x);
            Py_DECREF(x);
            x = w;
        }
        if (!x) {
            Py_CLEAR(t);
            break;
        }
        PyTuple_SET_ITEM(t, (Py_ssize_t)i, x);
    }
    imapclient_threads_free(th);
    return t;
}

/* ---- flags and labels --------------------------------------------------- */

static PyObject *flags_result(imapclient_flags_result *fr, int labels)
{
    PyObject *d = PyDict_New();
    for (size_t i = 0; d && fr && i < fr->count; i++) {
        const imapclient_msg_flags *m = &fr->msgs[i];
        PyObject *v;
        if (labels) {
            v = PyList_New((Py_ssize_t)m->count);
            for (size_t j = 0; v && j < m->count; j++) {
                PyObject *s = PyUnicode_DecodeUTF8(
                    m->flags[j], (Py_ssize_t)strlen(m->flags[j]), "surrogateescape");
                if (!s) {
                    Py_CLEAR(v);
                    break;
                }
                PyList_SET_ITEM(v, (Py_ssize_t)j, s);
            }
        } else {
            v = flags_tuple(m->flags, m->count);
        }
        PyObject *k = PyLong_FromUnsignedLong(m->id);
        if (!v || !k || PyDict_SetItem(d, k, v) < 0)
            Py_CLEAR(d);
        Py_XDECREF(k);
        Py_XDECREF(v);
    }
    imapclient_flags_result_free(fr);
    return d;
}

static PyObject *conn_get_flags(ConnObject *self, PyObject *args)
{
    const char *msgs;
    int labels = 0;
    if (!PyArg_ParseTuple(args, "y|p", &msgs, &labels))
        return NULL;
    CHECK(self);
    imapclient_flags_result *fr = NULL;
    int rc;
    if (labels)
        RUN(self, rc, imapclient_get_gmail_labels(self->c, msgs, &fr));
    else
        RUN(self, rc, imapclient_get_flags(self->c, msgs, &fr));
    if (rc)
        return raise_rc(self, rc);
    return flags_result(fr, labels);
}

typedef int (*store_fn)(imapclient *, const char *, const char *const *, int,
                        imapclient_flags_result **);

static PyObject *conn_store(ConnObject *self, PyObject *args)
{
    int op, labels, silent;
    const char *msgs;
    PyObject *flags;
    if (!PyArg_ParseTuple(args, "piyOp", &labels, &op, &msgs, &flags, &silent))
        return NULL;
    CHECK(self);
    static const store_fn fns[2][3] = {
        {imapclient_set_flags, imapclient_add_flags, imapclient_remove_flags},
        {imapclient_set_gmail_labels, imapclient_add_gmail_labels,
         imapclient_remove_gmail_labels}};
    if (op < 0 || op > 2) {
        PyErr_SetString(PyExc_ValueError, "bad store operation");
        return NULL;
    }
    strlist f;
    if (strlist_from(flags, &f, labels ? "label" : "flag") < 0)
        return NULL;
    imapclient_flags_result *fr = NULL;
    int rc;
    store_fn fn = fns[labels][op];
    RUN(self, rc, fn(self->c, msgs, f.v, silent, silent ? NULL : &fr));
    strlist_free(&f);
    if (rc)
        return raise_rc(self, rc);
    if (silent)
        Py_RETURN_NONE;
    return flags_result(fr, labels);
}

/* ---- expunge, copy, move, append ------------------------------------------ */

static PyObject *conn_expunge(ConnObject *self, PyObject *args)
{
    const char *msgs = NULL;
    PyObject *mo;
    int uid_form = 0;
    if (!PyArg_ParseTuple(args, "O|p", &mo, &uid_form))
        return NULL;
    if (mo != Py_None) {
        if (!PyBytes_Check(mo)) {
            PyErr_SetString(PyExc_TypeError, "message set must be bytes or None");
            return NULL;
        }
        msgs = PyBytes_AS_STRING(mo);
    }
    CHECK(self);
    imapclient_responses *rs = NULL;
    int rc;
    if (uid_form)
        RUN(self, rc, imapclient_uid_expunge(self->c, msgs, &rs));
    else
        RUN(self, rc, imapclient_expunge(self->c, msgs, &rs));
    if (rc)
        return raise_rc(self, rc);
    if (!msgs)
        return text_and_responses(self, rs);
    /* With ids the reference returns imaplib's EXPUNGE data: the sequence
     * numbers as bytes, or [None] when nothing was expunged. */
    PyObject *l = PyList_New(0);
    for (size_t i = 0; l && i < rs->count; i++) {
        const imapclient_response *r = &rs->items[i];
        if (!r->has_number || strcmp(r->name, "EXPUNGE"))
            continue;
        PyObject *b = PyBytes_FromFormat("%u", (unsigned)r->number);
        if (!b || PyList_Append(l, b) < 0)
            Py_CLEAR(l);
        Py_XDECREF(b);
    }
    if (l && PyList_GET_SIZE(l) == 0 && PyList_Append(l, Py_None) < 0)
        Py_CLEAR(l);
    imapclient_responses_free(rs);
    return l;
}

static PyObject *conn_copy(ConnObject *self, PyObject *args)
{
    const char *msgs, *folder;
    int move = 0;
    if (!PyArg_ParseTuple(args, "yy|p", &msgs, &folder, &move))
        return NULL;
    CHECK(self);
    imapclient_copy_result *cr = NULL;
    int rc;
    if (move)
        RUN(self, rc, imapclient_move(self->c, msgs, folder, &cr));
    else
        RUN(self, rc, imapclient_copy(self->c, msgs, folder, &cr));
    if (rc)
        return raise_rc(self, rc);
    PyObject *r;
    if (cr->has_copyuid)
        r = PyBytes_FromFormat("[COPYUID %u %s %s] %s", (unsigned)cr->uidvalidity,
                               cr->source_set ? cr->source_set : "",
                               cr->dest_set ? cr->dest_set : "",
                               cr->text ? cr->text : "");
    else
        r = text_result(cr->text);
    imapclient_copy_result_free(cr);
    return r;
}

static PyObject *append_text(imapclient_append_result *ar)
{
    PyObject *r;
    if (ar->has_appenduid)
        r = PyBytes_FromFormat("[APPENDUID %u %s] %s", (unsigned)ar->uidvalidity,
                               ar->uid_set ? ar->uid_set : "", ar->text ? ar->text : "");
    else
        r = text_result(ar->text);
    imapclient_append_result_free(ar);
    return r;
}

/* The flags and INTERNALDATE of a message to append: *dtp NULL for no
 * date; 0, or -1 with a Python error set (nothing to free then). */
static int append_meta(PyObject *flags, PyObject *date, strlist *f,
                       imapclient_datetime *dt, imapclient_datetime **dtp)
{
    *dtp = NULL;
    if (date != Py_None) {
        if (datetime_from_py(date, dt) < 0)
            return -1;
        *dtp = dt;
    }
    return strlist_from(flags, f, "flag");
}

static PyObject *conn_append(ConnObject *self, PyObject *args)
{
    const char *folder;
    Py_buffer msg;
    PyObject *flags, *date;
    if (!PyArg_ParseTuple(args, "yy*OO", &folder, &msg, &flags, &date))
        return NULL;
    if (check_usable(self) < 0) {
        PyBuffer_Release(&msg);
        return NULL;
    }
    imapclient_datetime dt, *dtp = NULL;
    strlist f;
    if (append_meta(flags, date, &f, &dt, &dtp) < 0) {
        PyBuffer_Release(&msg);
        return NULL;
    }
    imapclient_append_result *ar = NULL;
    int rc;
    RUN(self, rc,
        imapclient_append(self->c, folder, msg.buf, (size_t)msg.len, f.v, dtp, &ar));
    strlist_free(&f);
    PyBuffer_Release(&msg);
    if (rc)
        return raise_rc(self, rc);
    return append_text(ar);
}

/* A file object as an imapclient_source: read() and seek() with the GIL
 * taken back for each piece, so the message never sits whole in memory. */
typedef struct py_source {
    ConnObject *conn;
    PyObject *file;
    long long start; /* its tell() when the call began */
} py_source;

static long long cb_source_read(void *payload, char *buf, size_t n)
{
    py_source *ps = payload;
    long long got = -1;
    CB_ENTER(ps->conn);
    PyObject *r = PyObject_CallMethod(ps->file, "read", "n", (Py_ssize_t)n);
    if (r) {
        Py_buffer b;
        if (PyObject_GetBuffer(r, &b, PyBUF_SIMPLE) == 0) {
            if ((size_t)b.len <= n) {
                memcpy(buf, b.buf, (size_t)b.len);
                got = b.len;
            } else {
                PyErr_SetString(PyExc_ValueError, "read() returned more than asked");
            }
            PyBuffer_Release(&b);
        } else {
            PyErr_Clear();
            PyErr_SetString(PyExc_TypeError, "the file must be opened in binary mode");
        }
        Py_DECREF(r);
    }
    CB_LEAVE(ps->conn);
    return got;
}

static int cb_source_rewind(void *payload)
{
    py_source *ps = payload;
    CB_ENTER(ps->conn);
    PyObject *r = PyObject_CallMethod(ps->file, "seek", "L", ps->start);
    int rc = r ? 0 : -1;
    Py_XDECREF(r);
    CB_LEAVE(ps->conn);
    return rc;
}

/* append_stream(folder, file, start, size, flags, date, crlf): the message
 * read from a binary file object while the command goes out. */
static PyObject *conn_append_stream(ConnObject *self, PyObject *args)
{
    const char *folder;
    PyObject *file, *flags, *date;
    long long start, size;
    int crlf;
    if (!PyArg_ParseTuple(args, "yOLLOOp", &folder, &file, &start, &size, &flags, &date,
                          &crlf))
        return NULL;
    CHECK(self);
    if (size <= 0) {
        PyErr_SetString(PyExc_ValueError, "the message is empty");
        return NULL;
    }
    imapclient_datetime dt, *dtp = NULL;
    strlist f;
    if (append_meta(flags, date, &f, &dt, &dtp) < 0)
        return NULL;
    py_source ps = {self, file, start};
    imapclient_source src = {.fd = -1,
                             .read = cb_source_read,
                             .rewind = cb_source_rewind,
                             .payload = &ps,
                             .size = (uint64_t)size,
                             .crlf = crlf};
    imapclient_append_result *ar = NULL;
    int rc;
    RUN(self, rc, imapclient_append_stream(self->c, folder, &src, f.v, dtp, &ar));
    strlist_free(&f);
    if (PyErr_Occurred()) {
        imapclient_append_result_free(ar);
        return NULL;
    }
    if (rc)
        return raise_rc(self, rc);
    return append_text(ar);
}

static PyObject *conn_multiappend(ConnObject *self, PyObject *args)
{
    const char *folder;
    PyObject *msgs;
    if (!PyArg_ParseTuple(args, "yO!", &folder, &PyList_Type, &msgs))
        return NULL;
    CHECK(self);
    Py_ssize_t n = PyList_GET_SIZE(msgs);
    imapclient_append_msg *am = PyMem_Calloc((size_t)n + 1, sizeof *am);
    strlist *fl = PyMem_Calloc((size_t)n + 1, sizeof *fl);
    imapclient_datetime *dts = PyMem_Calloc((size_t)n + 1, sizeof *dts);
    PyObject *r = NULL;
    if (!am || !fl || !dts) {
        PyErr_NoMemory();
        goto out;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *t = PyList_GET_ITEM(msgs, i); /* (bytes, flags|None, date|None) */
        PyObject *data, *flags, *date;
        if (!PyArg_ParseTuple(t, "SOO", &data, &flags, &date))
            goto out;
        am[i].data = PyBytes_AS_STRING(data);
        am[i].len = (size_t)PyBytes_GET_SIZE(data);
        if (strlist_from(flags, &fl[i], "flag") < 0)
            goto out;
        am[i].flags = fl[i].v;
        if (date != Py_None) {
            if (datetime_from_py(date, &dts[i]) < 0)
                goto out;
            am[i].date = &dts[i];
        }
    }
    imapclient_append_result *ar = NULL;
    int rc;
    RUN(self, rc, imapclient_multiappend(self->c, folder, am, (size_t)n, &ar));
    if (rc)
        raise_rc(self, rc);
    else
        r = append_text(ar);
out:
    if (fl)
        for (Py_ssize_t i = 0; i < n; i++)
            strlist_free(&fl[i]);
    PyMem_Free(am);
    PyMem_Free(fl);
    PyMem_Free(dts);
    return r;
}

/* multiappend_stream(folder, [(file, start, size, flags|None, date|None,
 * crlf), ...]): MULTIAPPEND with every message read from a binary file
 * object while the command goes out (imapclient_multiappend_stream). */
static PyObject *conn_multiappend_stream(ConnObject *self, PyObject *args)
{
    const char *folder;
    PyObject *msgs;
    if (!PyArg_ParseTuple(args, "yO!", &folder, &PyList_Type, &msgs))
        return NULL;
    CHECK(self);
    Py_ssize_t n = PyList_GET_SIZE(msgs);
    if (n == 0) {
        PyErr_SetString(PyExc_ValueError, "no messages to append");
        return NULL;
    }
    imapclient_append_source *am = PyMem_Calloc((size_t)n, sizeof *am);
    py_source *ps = PyMem_Calloc((size_t)n, sizeof *ps);
    strlist *fl = PyMem_Calloc((size_t)n, sizeof *fl);
    imapclient_datetime *dts = PyMem_Calloc((size_t)n, sizeof *dts);
    PyObject *r = NULL;
    if (!am || !ps || !fl || !dts) {
        PyErr_NoMemory();
        goto out;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *t = PyList_GET_ITEM(msgs, i);
        PyObject *file, *flags, *date;
        long long start, size;
        int crlf;
        if (!PyArg_ParseTuple(t, "OLLOOp", &file, &start, &size, &flags, &date, &crlf))
            goto out;
        if (size <= 0) {
            PyErr_Format(PyExc_ValueError, "message %zd is empty", i + 1);
            goto out;
        }
        ps[i] = (py_source){self, file, start};
        am[i].src = (imapclient_source){.fd = -1,
                                        .read = cb_source_read,
                                        .rewind = cb_source_rewind,
                                        .payload = &ps[i],
                                        .size = (uint64_t)size,
                                        .crlf = crlf};
        if (flags != Py_None) {
            if (strlist_from(flags, &fl[i], "flag") < 0)
                goto out;
            am[i].flags = fl[i].v;
        }
        if (date != Py_None) {
            if (datetime_from_py(date, &dts[i]) < 0)
                goto out;
            am[i].date = &dts[i];
        }
    }
    imapclient_append_result *ar = NULL;
    int rc;
    RUN(self, rc, imapclient_multiappend_stream(self->c, folder, am, (size_t)n, &ar));
    if (PyErr_Occurred())
        imapclient_append_result_free(ar);
    else if (rc)
        raise_rc(self, rc);
    else
        r = append_text(ar);
out:
    if (fl)
        for (Py_ssize_t i = 0; i < n; i++)
            strlist_free(&fl[i]);
    PyMem_Free(am);
    PyMem_Free(ps);
    PyMem_Free(fl);
    PyMem_Free(dts);
    return r;
}

/* ---- ID, ENABLE, QUOTA, ACL ------------------------------------------------ */

static PyObject *conn_id(ConnObject *self, PyObject *args)
{
    PyObject *params;
    if (!PyArg_ParseTuple(args, "O", &params))
        return NULL;
    CHECK(self);
    strlist p;
    if (strlist_from(params, &p, "ID parameter") < 0)
        return NULL;
    imapclient_id_result *ir = NULL;
    int rc;
    RUN(self, rc, imapclient_id(self->c, p.v, &ir));
    strlist_free(&p);
    if (rc)
        return raise_rc(self, rc);
    if (!ir)
        Py_RETURN_NONE;
    PyObject *t = PyTuple_New((Py_ssize_t)ir->count * 2);
    for (size_t i = 0; t && i < ir->count; i++) {
        PyObject *k = PyBytes_FromString(ir->fields[i].key);
        PyObject *v = bytes_or_none(ir->fields[i].value);
        if (!k || !v) {
            Py_XDECREF(k);
            Py_XDECREF(v);
            Py_CLEAR(t);
            break;
        }
        PyTuple_SET_ITEM(t, (Py_ssize_t)(2 * i), k);
        PyTuple_SET_ITEM(t, (Py_ssize_t)(2 * i + 1), v);
    }
    imapclient_id_result_free(ir);
    return t;
}

static PyObject *conn_enable(ConnObject *self, PyObject *args)
{
    PyObject *caps;
    if (!PyArg_ParseTuple(args, "O", &caps))
        return NULL;
    CHECK(self);
    strlist c;
    if (strlist_from(caps, &c, "capability") < 0)
        return NULL;
    imapclient_enabled *en = NULL;
    int rc;
    RUN(self, rc, imapclient_enable(self->c, c.v, &en));
    strlist_free(&c);
    if (rc)
        return raise_rc(self, rc);
    PyObject *l = PyList_New((Py_ssize_t)en->count);
    for (size_t i = 0; l && i < en->count; i++) {
        PyObject *s = PyBytes_FromString(en->items[i]);
        if (!s) {
            Py_CLEAR(l);
            break;
        }
        PyList_SET_ITEM(l, (Py_ssize_t)i, s);
    }
    imapclient_enabled_free(en);
    return l;
}

static PyObject *quotas_list(imapclient_quotas *q)
{
    PyObject *l = PyList_New((Py_ssize_t)(q ? q->count : 0));
    for (size_t i = 0; l && q && i < q->count; i++) {
        const imapclient_quota *x = &q->items[i];
        PyObject *t = Py_BuildValue(
            "(ssKK)", x->quota_root ? x->quota_root : "", x->resource ? x->resource : "",
            (unsigned long long)x->usage, (unsigned long long)x->limit);
        if (!t) {
            Py_CLEAR(l);
            break;
        }
        PyList_SET_ITEM(l, (Py_ssize_t)i, t);
    }
    imapclient_quotas_free(q);
    return l;
}

static PyObject *conn_get_quota_root(ConnObject *self, PyObject *args)
{
    const char *mbox;
    if (!PyArg_ParseTuple(args, "y", &mbox))
        return NULL;
    CHECK(self);
    imapclient_quota_roots *roots = NULL;
    imapclient_quotas *q = NULL;
    int rc;
    RUN(self, rc, imapclient_get_quota_root(self->c, mbox, &roots, &q));
    if (rc)
        return raise_rc(self, rc);
    PyObject *rl = PyList_New((Py_ssize_t)roots->count);
    for (size_t i = 0; rl && i < roots->count; i++) {
        PyObject *s = PyUnicode_DecodeUTF8(
            roots->roots[i], (Py_ssize_t)strlen(roots->roots[i]), "surrogateescape");
        if (!s) {
            Py_CLEAR(rl);
            break;
        }
        PyList_SET_ITEM(rl, (Py_ssize_t)i, s);
    }
    PyObject *r = NULL;
    if (rl)
        r = Py_BuildValue("(sNN)", roots->mailbox ? roots->mailbox : "", rl,
                          quotas_list(q));
    else
        imapclient_quotas_free(q);
    imapclient_quota_roots_free(roots);
    return r;
}

static PyObject *conn_get_quota_for_root(ConnObject *self, PyObject *args)
{
    const char *root;
    if (!PyArg_ParseTuple(args, "y", &root))
        return NULL;
    CHECK(self);
    imapclient_quotas *q = NULL;
    int rc;
    RUN(self, rc, imapclient_get_quota_for_root(self->c, root, &q));
    if (rc)
        return raise_rc(self, rc);
    return quotas_list(q);
}

static PyObject *conn_set_quota(ConnObject *self, PyObject *args)
{
    PyObject *lst; /* [(root, resource, limit)] */
    if (!PyArg_ParseTuple(args, "O!", &PyList_Type, &lst))
        return NULL;
    CHECK(self);
    Py_ssize_t n = PyList_GET_SIZE(lst);
    imapclient_quota *qs = PyMem_Calloc((size_t)n + 1, sizeof *qs);
    if (!qs)
        return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < n; i++) {
        const char *root, *res;
        unsigned long long limit;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(lst, i), "yyK", &root, &res, &limit)) {
            PyMem_Free(qs);
            return NULL;
        }
        qs[i].quota_root = root;
        qs[i].resource = res;
        qs[i].limit = limit;
    }
    imapclient_quotas *q = NULL;
    int rc;
    RUN(self, rc, imapclient_set_quota(self->c, qs, (size_t)n, &q));
    PyMem_Free(qs);
    if (rc)
        return raise_rc(self, rc);
    return quotas_list(q);
}

static PyObject *conn_getacl(ConnObject *self, PyObject *args)
{
    const char *folder;
    if (!PyArg_ParseTuple(args, "y", &folder))
        return NULL;
    CHECK(self);
    imapclient_acl *acl = NULL;
    int rc;
    RUN(self, rc, imapclient_getacl(self->c, folder, &acl));
    if (rc)
        return raise_rc(self, rc);
    PyObject *l = PyList_New((Py_ssize_t)acl->count);
    for (size_t i = 0; l && i < acl->count; i++) {
        PyObject *t = Py_BuildValue("(yy)", acl->items[i].who, acl->items[i].rights);
        if (!t) {
            Py_CLEAR(l);
            break;
        }
        PyList_SET_ITEM(l, (Py_ssize_t)i, t);
    }
    imapclient_acl_free(acl);
    return l;
}

static PyObject *conn_setacl(ConnObject *self, PyObject *args)
{
    const char *folder, *who, *what, *text = NULL;
    if (!PyArg_ParseTuple(args, "yyy", &folder, &who, &what))
        return NULL;
    CHECK(self);
    int rc;
    RUN(self, rc, imapclient_setacl(self->c, folder, who, what, &text));
    return rc ? raise_rc(self, rc) : text_result(text);
}

/* ---- extensions beyond the reference -------------------------------------- */

static PyObject *conn_is_enabled(ConnObject *self, PyObject *args)
{
    const char *cap;
    if (!PyArg_ParseTuple(args, "y", &cap))
        return NULL;
    CHECK(self);
    return PyBool_FromLong(imapclient_is_enabled(self->c, cap));
}

static PyObject *conn_is_utf8(ConnObject *self, PyObject *unused)
{
    CHECK(self);
    return PyBool_FromLong(imapclient_is_utf8(self->c));
}

static PyObject *conn_is_imap4rev2(ConnObject *self, PyObject *unused)
{
    CHECK(self);
    return PyBool_FromLong(imapclient_is_imap4rev2(self->c));
}

static PyObject *conn_unauthenticate(ConnObject *self, PyObject *unused)
{
    const char *text = NULL;
    CHECK(self);
    int rc;
    RUN(self, rc, imapclient_unauthenticate(self->c, &text));
    return rc ? raise_rc(self, rc) : text_result(text);
}

/* create_folder_ex(folder, [special uses] or None) -> text, with the
 * [MAILBOXID (id)] the server sent in front, as append puts APPENDUID. */
static PyObject *conn_create_folder_ex(ConnObject *self, PyObject *args)
{
    const char *folder;
    PyObject *uses;
    if (!PyArg_ParseTuple(args, "yO", &folder, &uses))
        return NULL;
    CHECK(self);
    strlist u;
    if (strlist_from(uses, &u, "special use") < 0)
        return NULL;
    imapclient_create_result *cr = NULL;
    int rc;
    RUN(self, rc, imapclient_create_folder_ex(self->c, folder, u.v, &cr));
    strlist_free(&u);
    if (rc)
        return raise_rc(self, rc);
    PyObject *r;
    if (cr->mailboxid)
        r = PyBytes_FromFormat("[MAILBOXID (%s)] %s", cr->mailboxid,
                               cr->text ? cr->text : "");
    else
        r = text_result(cr->text);
    imapclient_create_result_free(cr);
    return r;
}

/* get_metadata(mailbox, [entries], maxsize, depth) -> ({name: value}, longentries) */
static PyObject *conn_get_metadata(ConnObject *self, PyObject *args)
{
    const char *mbox;
    PyObject *entries;
    unsigned int maxsize;
    int depth;
    if (!PyArg_ParseTuple(args, "yOIi", &mbox, &entries, &maxsize, &depth))
        return NULL;
    CHECK(self);
    strlist e;
    if (strlist_from(entries, &e, "metadata entry") < 0)
        return NULL;
    imapclient_metadata *m = NULL;
    int rc;
    RUN(self, rc, imapclient_get_metadata(self->c, mbox, e.v, maxsize, depth, &m));
    strlist_free(&e);
    if (rc)
        return raise_rc(self, rc);
    PyObject *d = PyDict_New();
    for (size_t i = 0; d && i < m->count; i++) {
        const imapclient_metadata_entry *x = &m->entries[i];
        PyObject *k = PyBytes_FromString(x->name);
        PyObject *v = x->value ? PyBytes_FromStringAndSize(x->value, (Py_ssize_t)x->len)
                               : Py_NewRef(Py_None);
        if (!k || !v || PyDict_SetItem(d, k, v) < 0)
            Py_CLEAR(d);
        Py_XDECREF(k);
        Py_XDECREF(v);
    }
    PyObject *r = NULL;
    if (d) {
        PyObject *le = m->has_longentries ? PyLong_FromUnsignedLongLong(m->longentries)
                                          : Py_NewRef(Py_None);
        r = le ? Py_BuildValue("(NN)", d, le) : NULL;
        if (!r && !le)
            Py_DECREF(d);
    }
    imapclient_metadata_free(m);
    return r;
}

/* set_metadata(mailbox, [(name, value or None)]) -> text */
static PyObject *conn_set_metadata(ConnObject *self, PyObject *args)
{
    const char *mbox, *text = NULL;
    PyObject *lst;
    if (!PyArg_ParseTuple(args, "yO!", &mbox, &PyList_Type, &lst))
        return NULL;
    CHECK(self);
    Py_ssize_t n = PyList_GET_SIZE(lst);
    imapclient_metadata_entry *es = PyMem_Calloc((size_t)n + 1, sizeof *es);
    if (!es)
        return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < n; i++) {
        const char *name;
        PyObject *val;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(lst, i), "yO", &name, &val)) {
            PyMem_Free(es);
            return NULL;
        }
        es[i].name = name;
        if (val != Py_None) {
            if (!PyBytes_Check(val)) {
                PyMem_Free(es);
                PyErr_SetString(PyExc_TypeError, "metadata value must be bytes or None");
                return NULL;
            }
            es[i].value = PyBytes_AS_STRING(val);
            es[i].len = (size_t)PyBytes_GET_SIZE(val);
        }
    }
    int rc;
    RUN(self, rc, imapclient_set_metadata(self->c, mbox, es, (size_t)n, &text));
    PyMem_Free(es);
    return rc ? raise_rc(self, rc) : text_result(text);
}

/* notify_set([(filter, events, [mailboxes] or None, [fetch attrs] or None)], status) */
static PyObject *conn_notify_set(ConnObject *self, PyObject *args)
{
    PyObject *lst;
    int status = 0;
    if (!PyArg_ParseTuple(args, "O!p", &PyList_Type, &lst, &status))
        return NULL;
    CHECK(self);
    Py_ssize_t n = PyList_GET_SIZE(lst);
    imapclient_notify_group *gs = PyMem_Calloc((size_t)n + 1, sizeof *gs);
    strlist *mb = PyMem_Calloc((size_t)n + 1, sizeof *mb);
    strlist *fa = PyMem_Calloc((size_t)n + 1, sizeof *fa);
    PyObject *r = NULL;
    if (!gs || !mb || !fa) {
        PyErr_NoMemory();
        goto out;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        int filter;
        unsigned int events;
        PyObject *mboxes, *attrs;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(lst, i), "iIOO", &filter, &events, &mboxes,
                              &attrs))
            goto out;
        if (strlist_from(mboxes, &mb[i], "mailbox") < 0 ||
            strlist_from(attrs, &fa[i], "fetch attribute") < 0)
            goto out;
        gs[i].filter = (imapclient_notify_filter)filter;
        gs[i].events = events;
        gs[i].mailboxes = mb[i].v;
        gs[i].fetch_attrs = fa[i].v;
    }
    int rc;
    RUN(self, rc, imapclient_notify_set(self->c, gs, (size_t)n, status));
    if (rc)
        raise_rc(self, rc);
    else
        r = Py_NewRef(Py_None);
out:
    for (Py_ssize_t i = 0; mb && fa && i < n; i++) {
        strlist_free(&mb[i]);
        strlist_free(&fa[i]);
    }
    PyMem_Free(gs);
    PyMem_Free(mb);
    PyMem_Free(fa);
    return r;
}

static PyObject *conn_notify_none(ConnObject *self, PyObject *unused)
{
    CHECK(self);
    int rc;
    RUN(self, rc, imapclient_notify_none(self->c));
    if (rc)
        return raise_rc(self, rc);
    Py_RETURN_NONE;
}

static PyObject *id_list(const uint32_t *ids, size_t n)
{
    PyObject *l = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; l && i < n; i++) {
        PyObject *x = PyLong_FromUnsignedLong(ids[i]);
        if (!x) {
            Py_CLEAR(l);
            break;
        }
        PyList_SET_ITEM(l, (Py_ssize_t)i, x);
    }
    return l;
}

/* ESEARCH data as {b'MIN': 1, b'MAX': 9, b'COUNT': 5, b'ALL': [ids],
 * b'MODSEQ': n, b'PARTIAL': ((first, last), [ids])}: only what came. */
static PyObject *esearch_dict_of(const imapclient_esearch_result *r)
{
    PyObject *d = PyDict_New();
    int ok = d != NULL;
    if (ok && r->has_min)
        ok = dict_set(d, "MIN", PyLong_FromUnsignedLong(r->min)) == 0;
    if (ok && r->has_max)
        ok = dict_set(d, "MAX", PyLong_FromUnsignedLong(r->max)) == 0;
    if (ok && r->has_count)
        ok = dict_set(d, "COUNT", PyLong_FromUnsignedLong(r->count)) == 0;
    if (ok && r->all)
        ok = dict_set(d, "ALL", id_list(r->ids, r->id_count)) == 0;
    if (ok && r->has_modseq)
        ok = dict_set(d, "MODSEQ", PyLong_FromUnsignedLongLong(r->modseq)) == 0;
    if (ok && r->has_partial) {
        PyObject *ids = id_list(r->partial_ids, r->partial_count);
        ok = ids && dict_set(d, "PARTIAL",
                             Py_BuildValue("((LL)N)", (long long)r->partial_first,
                                           (long long)r->partial_last, ids)) == 0;
    }
    if (!ok)
        Py_CLEAR(d);
    return d;
}

/* The same; frees r. */
static PyObject *esearch_dict(imapclient_esearch_result *r)
{
    PyObject *d = esearch_dict_of(r);
    imapclient_esearch_result_free(r);
    return d;
}

/* multisearch([(in, [mailboxes] or None)], criteria, charset, [returns] or
 * None) -> {mailbox: {b'UIDVALIDITY': n, ...esearch data}} */
static PyObject *conn_multisearch(ConnObject *self, PyObject *args)
{
    PyObject *lst, *crit, *rets;
    const char *charset = NULL;
    if (!PyArg_ParseTuple(args, "O!OzO", &PyList_Type, &lst, &crit, &charset, &rets))
        return NULL;
    CHECK(self);
    Py_ssize_t n = PyList_GET_SIZE(lst);
    imapclient_search_source *src = PyMem_Calloc((size_t)n + 1, sizeof *src);
    strlist *mb = PyMem_Calloc((size_t)n + 1, sizeof *mb);
    strlist c = {0}, r = {0};
    PyObject *out = NULL;
    if (!src || !mb) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        int in;
        PyObject *names;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(lst, i), "iO", &in, &names) ||
            strlist_from(names, &mb[i], "mailbox") < 0)
            goto done;
        src[i].in = (imapclient_search_in)in;
        src[i].mailboxes = mb[i].v;
    }
    if (strlist_from(crit, &c, "criteria") < 0 ||
        strlist_from(rets, &r, "return option") < 0)
        goto done;
    imapclient_multisearch_result *m = NULL;
    int rc;
    RUN(self, rc, imapclient_multisearch(self->c, src, (size_t)n, c.v, charset, r.v, &m));
    if (rc) {
        raise_rc(self, rc);
        goto done;
    }
    out = PyDict_New();
    for (size_t i = 0; out && i < m->count; i++) {
        const imapclient_multisearch_mailbox *x = &m->mailboxes[i];
        PyObject *k = folder_name(self, x->mailbox, strlen(x->mailbox));
        PyObject *v = esearch_dict_of(&x->result);
        if (!k || !v ||
            dict_set(v, "UIDVALIDITY", PyLong_FromUnsignedLong(x->uidvalidity)) < 0 ||
            PyDict_SetItem(out, k, v) < 0)
            Py_CLEAR(out);
        Py_XDECREF(k);
        Py_XDECREF(v);
    }
    imapclient_multisearch_result_free(m);
done:
    for (Py_ssize_t i = 0; mb && i < n; i++)
        strlist_free(&mb[i]);
    strlist_free(&c);
    strlist_free(&r);
    PyMem_Free(src);
    PyMem_Free(mb);
    return out;
}

/* esearch(criteria, charset, [returns] or None) -> dict */
static PyObject *conn_esearch(ConnObject *self, PyObject *args)
{
    PyObject *crit, *rets;
    const char *charset = NULL;
    if (!PyArg_ParseTuple(args, "OzO", &crit, &charset, &rets))
        return NULL;
    CHECK(self);
    strlist c, r;
    if (strlist_from(crit, &c, "criteria") < 0)
        return NULL;
    if (strlist_from(rets, &r, "return option") < 0) {
        strlist_free(&c);
        return NULL;
    }
    imapclient_esearch_result *e = NULL;
    int rc;
    RUN(self, rc, imapclient_esearch(self->c, c.v, charset, r.v, &e));
    strlist_free(&c);
    strlist_free(&r);
    if (rc)
        return raise_rc(self, rc);
    return esearch_dict(e);
}

/* search_partial(criteria, charset, first, last) -> dict */
static PyObject *conn_search_partial(ConnObject *self, PyObject *args)
{
    PyObject *crit;
    const char *charset = NULL;
    long long first, last;
    if (!PyArg_ParseTuple(args, "OzLL", &crit, &charset, &first, &last))
        return NULL;
    CHECK(self);
    strlist c;
    if (strlist_from(crit, &c, "criteria") < 0)
        return NULL;
    imapclient_esearch_result *e = NULL;
    int rc;
    RUN(self, rc, imapclient_search_partial(self->c, c.v, charset, first, last, &e));
    strlist_free(&c);
    if (rc)
        return raise_rc(self, rc);
    return esearch_dict(e);
}

/* esort([sort criteria], criteria, charset, [returns] or None) -> dict */
static PyObject *conn_esort(ConnObject *self, PyObject *args)
{
    PyObject *sc, *crit, *rets;
    const char *charset = NULL;
    if (!PyArg_ParseTuple(args, "OOzO", &sc, &crit, &charset, &rets))
        return NULL;
    CHECK(self);
    strlist s, c, r;
    if (strlist_from(sc, &s, "sort criteria") < 0)
        return NULL;
    if (strlist_from(crit, &c, "criteria") < 0) {
        strlist_free(&s);
        return NULL;
    }
    if (strlist_from(rets, &r, "return option") < 0) {
        strlist_free(&s);
        strlist_free(&c);
        return NULL;
    }
    imapclient_esearch_result *e = NULL;
    int rc;
    RUN(self, rc, imapclient_esort(self->c, s.v, c.v, charset, r.v, &e));
    strlist_free(&s);
    strlist_free(&c);
    strlist_free(&r);
    if (rc)
        return raise_rc(self, rc);
    return esearch_dict(e);
}

/* replace(id, folder, msg, flags, date) -> text with [APPENDUID ...] */
static PyObject *conn_replace(ConnObject *self, PyObject *args)
{
    unsigned long id;
    const char *folder;
    Py_buffer msg;
    PyObject *flags, *date;
    if (!PyArg_ParseTuple(args, "kyy*OO", &id, &folder, &msg, &flags, &date))
        return NULL;
    if (id > 0xffffffffUL) {
        PyBuffer_Release(&msg);
        PyErr_SetString(PyExc_ValueError, "message id out of range");
        return NULL;
    }
    if (check_usable(self) < 0) {
        PyBuffer_Release(&msg);
        return NULL;
    }
    imapclient_datetime dt, *dtp = NULL;
    strlist f;
    if (append_meta(flags, date, &f, &dt, &dtp) < 0) {
        PyBuffer_Release(&msg);
        return NULL;
    }
    imapclient_append_result *ar = NULL;
    int rc;
    RUN(self, rc,
        imapclient_replace(self->c, (uint32_t)id, folder, msg.buf, (size_t)msg.len, f.v,
                           dtp, &ar));
    strlist_free(&f);
    PyBuffer_Release(&msg);
    if (rc)
        return raise_rc(self, rc);
    return append_text(ar);
}

/* get_appendlimit(folder) -> int, or None for no limit */
static PyObject *conn_get_appendlimit(ConnObject *self, PyObject *args)
{
    const char *folder;
    if (!PyArg_ParseTuple(args, "y", &folder))
        return NULL;
    CHECK(self);
    uint64_t lim = 0;
    int rc;
    RUN(self, rc, imapclient_get_appendlimit(self->c, folder, &lim));
    if (rc)
        return raise_rc(self, rc);
    if (lim == IMAPCLIENT_APPENDLIMIT_NONE)
        Py_RETURN_NONE;
    return PyLong_FromUnsignedLongLong(lim);
}

/* ---- quirks ---------------------------------------------------------------- */

static PyObject *quirks_to_dict(const imapclient_quirks *q)
{
    return Py_BuildValue("{s:s,s:N,s:N,s:N,s:i}", "name", q->name, "search_no_charset",
                         PyBool_FromLong(q->search_no_charset), "id_before_select",
                         PyBool_FromLong(q->id_before_select), "list_flags_special_use",
                         PyBool_FromLong(q->list_flags_special_use), "idle_max_ms",
                         q->idle_max_ms);
}

/* A dict as quirks_to_dict() makes (the name's profile, then the switches
 * given) -> imapclient_quirks. */
static int quirks_from_dict(PyObject *d, imapclient_quirks *q)
{
    if (!PyDict_Check(d)) {
        PyErr_SetString(PyExc_TypeError, "quirks must be a dict");
        return -1;
    }
    PyObject *name = PyDict_GetItemString(d, "name");
    const char *nm = "default";
    if (name) {
        nm = PyUnicode_Check(name) ? PyUnicode_AsUTF8(name) : NULL;
        if (!nm) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "quirks name must be str");
            return -1;
        }
    }
    if (imapclient_quirks_profile(nm, q) != 0) {
        PyErr_Format(PyExc_ValueError, "unknown quirks profile %R", name);
        return -1;
    }
    struct {
        const char *key;
        int *slot;
    } sw[] = {{"search_no_charset", &q->search_no_charset},
              {"id_before_select", &q->id_before_select},
              {"list_flags_special_use", &q->list_flags_special_use},
              {"idle_max_ms", &q->idle_max_ms}};
    for (size_t i = 0; i < sizeof sw / sizeof sw[0]; i++) {
        PyObject *v = PyDict_GetItemString(d, sw[i].key);
        if (!v)
            continue;
        long x = PyLong_AsLong(v);
        if (x == -1 && PyErr_Occurred())
            return -1;
        if (x < -2147483647L || x > 2147483647L) {
            PyErr_Format(PyExc_ValueError, "quirks %s out of range", sw[i].key);
            return -1;
        }
        *sw[i].slot = (int)x;
    }
    return 0;
}

static PyObject *conn_get_quirks(ConnObject *self, PyObject *unused)
{
    CHECK(self);
    return quirks_to_dict(imapclient_get_quirks(self->c));
}

static PyObject *mod_quirks_profile(PyObject *mod, PyObject *args)
{
    const char *name;
    if (!PyArg_ParseTuple(args, "s", &name))
        return NULL;
    imapclient_quirks q;
    if (imapclient_quirks_profile(name, &q) != 0) {
        PyErr_Format(PyExc_ValueError, "unknown quirks profile '%s'", name);
        return NULL;
    }
    return quirks_to_dict(&q);
}

static PyObject *mod_quirks_profile_names(PyObject *mod, PyObject *unused)
{
    const char *const *n = imapclient_quirks_profile_names();
    PyObject *l = PyList_New(0);
    for (size_t i = 0; l && n[i]; i++) {
        PyObject *s = PyUnicode_FromString(n[i]);
        if (!s || PyList_Append(l, s) < 0)
            Py_CLEAR(l);
        Py_XDECREF(s);
    }
    if (!l)
        return NULL;
    PyObject *t = PyList_AsTuple(l);
    Py_DECREF(l);
    return t;
}

/* ---- attributes and script access ----------------------------------------- */

static PyObject *conn_get_setting(ConnObject *self, PyObject *args)
{
    const char *name;
    if (!PyArg_ParseTuple(args, "s", &name))
        return NULL;
    CHECK(self);
    if (!strcmp(name, "use_uid"))
        return PyBool_FromLong(imapclient_get_use_uid(self->c));
    if (!strcmp(name, "folder_encode"))
        return PyBool_FromLong(imapclient_get_folder_encode(self->c));
    if (!strcmp(name, "normalise_times"))
        return PyBool_FromLong(imapclient_get_normalise_times(self->c));
    PyErr_Format(PyExc_ValueError, "unknown setting %s", name);
    return NULL;
}

static PyObject *conn_set_setting(ConnObject *self, PyObject *args)
{
    const char *name;
    int on;
    if (!PyArg_ParseTuple(args, "sp", &name, &on))
        return NULL;
    if (!self->c)
        Py_RETURN_NONE; /* closed: nothing to change */
    if (self->busy) {
        PyErr_SetString(PyExc_RuntimeError,
                        "IMAPClient object used by two threads at once");
        return NULL;
    }
    if (!strcmp(name, "use_uid"))
        imapclient_set_use_uid(self->c, on);
    else if (!strcmp(name, "folder_encode"))
        imapclient_set_folder_encode(self->c, on);
    else if (!strcmp(name, "normalise_times"))
        imapclient_set_normalise_times(self->c, on);
    else {
        PyErr_Format(PyExc_ValueError, "unknown setting %s", name);
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *conn_welcome(ConnObject *self, PyObject *unused)
{
    CHECK(self);
    return PyBytes_FromString(imapclient_welcome(self->c));
}

static PyObject *conn_state(ConnObject *self, PyObject *unused)
{
    if (!self->c)
        return PyUnicode_FromString("LOGOUT");
    static const char *names[] = {"NONAUTH", "AUTH", "SELECTED", "LOGOUT", "IDLE"};
    imapclient_state s = imapclient_get_state(self->c);
    return PyUnicode_FromString((unsigned)s < 5 ? names[s] : "LOGOUT");
}

static PyObject *conn_fileno(ConnObject *self, PyObject *unused)
{
    CHECK(self);
    return PyLong_FromLong(imapclient_socket(self->c));
}

static PyObject *conn_is_tls(ConnObject *self, PyObject *unused)
{
    CHECK(self);
    return PyBool_FromLong(imapclient_is_tls(self->c));
}

static PyObject *conn_is_compressed(ConnObject *self, PyObject *unused)
{
    CHECK(self);
    return PyBool_FromLong(imapclient_is_compressed(self->c));
}

static PyObject *conn_script_done(ConnObject *self, PyObject *unused)
{
    CHECK(self);
    return PyBool_FromLong(imapclient_script_done(self->c));
}

static PyObject *conn_script_sent(ConnObject *self, PyObject *unused)
{
    CHECK(self);
    const char *s = imapclient_script_sent(self->c);
    return bytes_or_none(s);
}

static PyObject *conn_closed(ConnObject *self, PyObject *unused)
{
    return PyBool_FromLong(self->c == NULL);
}

#define M(name, flags)                                                                   \
    {                                                                                    \
#name, (PyCFunction)conn_##name, flags, NULL                                     \
    }
static PyMethodDef conn_methods[] = {M(login, METH_VARARGS),
                                     M(plain_login, METH_VARARGS),
                                     M(oauth2_login, METH_VARARGS),
                                     M(oauthbearer_login, METH_VARARGS),
                                     M(scram_login, METH_VARARGS),
                                     M(cram_md5_login, METH_VARARGS),
                                     M(sasl_login, METH_VARARGS),
                                     M(logout, METH_NOARGS),
                                     M(shutdown, METH_NOARGS),
                                     M(capabilities, METH_NOARGS),
                                     M(has_capability, METH_VARARGS),
                                     M(starttls, METH_NOARGS),
                                     M(compress, METH_NOARGS),
                                     M(noop, METH_NOARGS),
                                     M(take_responses, METH_NOARGS),
                                     M(idle, METH_NOARGS),
                                     M(idle_check, METH_VARARGS),
                                     M(idle_done, METH_NOARGS),
                                     M(idle_renew, METH_VARARGS),
                                     M(list_folders, METH_VARARGS),
                                     M(find_special_folder, METH_VARARGS),
                                     M(folder_exists, METH_VARARGS),
                                     M(folder_status, METH_VARARGS),
                                     M(create_folder, METH_VARARGS),
                                     M(delete_folder, METH_VARARGS),
                                     M(rename_folder, METH_VARARGS),
                                     M(subscribe_folder, METH_VARARGS),
                                     M(unsubscribe_folder, METH_VARARGS),
                                     M(select_folder, METH_VARARGS),
                                     M(unselect_folder, METH_NOARGS),
                                     M(close_folder, METH_NOARGS),
                                     M(namespace, METH_NOARGS),
                                     M(fetch, METH_VARARGS),
                                     M(fetch_each, METH_VARARGS),
                                     M(search, METH_VARARGS),
                                     M(gmail_search, METH_VARARGS),
                                     M(sort, METH_VARARGS),
                                     M(thread, METH_VARARGS),
                                     M(get_flags, METH_VARARGS),
                                     M(store, METH_VARARGS),
                                     M(expunge, METH_VARARGS),
                                     M(copy, METH_VARARGS),
                                     M(append, METH_VARARGS),
                                     M(multiappend, METH_VARARGS),
                                     M(append_stream, METH_VARARGS),
                                     M(multiappend_stream, METH_VARARGS),
                                     M(id, METH_VARARGS),
                                     M(enable, METH_VARARGS),
                                     M(get_quota_root, METH_VARARGS),
                                     M(get_quota_for_root, METH_VARARGS),
                                     M(set_quota, METH_VARARGS),
                                     M(getacl, METH_VARARGS),
                                     M(setacl, METH_VARARGS),
                                     M(get_setting, METH_VARARGS),
                                     M(set_setting, METH_VARARGS),
                                     M(welcome, METH_NOARGS),
                                     M(state, METH_NOARGS),
                                     M(fileno, METH_NOARGS),
                                     M(is_tls, METH_NOARGS),
                                     M(is_compressed, METH_NOARGS),
                                     M(script_done, METH_NOARGS),
                                     M(script_sent, METH_NOARGS),
                                     M(closed, METH_NOARGS),
                                     M(list_extended, METH_VARARGS),
                                     M(list_status, METH_VARARGS),
                                     M(is_enabled, METH_VARARGS),
                                     M(is_utf8, METH_NOARGS),
                                     M(is_imap4rev2, METH_NOARGS),
                                     M(unauthenticate, METH_NOARGS),
                                     M(create_folder_ex, METH_VARARGS),
                                     M(get_metadata, METH_VARARGS),
                                     M(set_metadata, METH_VARARGS),
                                     M(notify_set, METH_VARARGS),
                                     M(notify_none, METH_NOARGS),
                                     M(esearch, METH_VARARGS),
                                     M(search_partial, METH_VARARGS),
                                     M(esort, METH_VARARGS),
                                     M(multisearch, METH_VARARGS),
                                     M(replace, METH_VARARGS),
                                     M(get_appendlimit, METH_VARARGS),
                                     M(get_quirks, METH_NOARGS),
                                     M(tls_resumed, METH_NOARGS),
                                     {NULL, NULL, 0, NULL}};
#undef M

static PyTypeObject ConnType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "libimapclient._imapclient.Connection",
    .tp_basicsize = sizeof(ConnObject),
    .tp_dealloc = (destructor)conn_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One IMAP connection (an imapclient handle); made by connect().",
    .tp_methods = conn_methods,
};

/* ---- module functions ------------------------------------------------------ */

static PyObject *mod_utf7_encode(PyObject *mod, PyObject *arg)
{
    PyObject *b = as_cbytes(arg, "folder name");
    if (!b)
        return NULL;
    char *out = NULL;
    int rc = imapclient_utf7_encode(PyBytes_AS_STRING(b), &out);
    Py_DECREF(b);
    if (rc) {
        PyErr_SetString(rc == IMAPCLIENT_ENOMEM ? PyExc_MemoryError : PyExc_ValueError,
                        "cannot encode folder name (invalid UTF-8)");
        return NULL;
    }
    PyObject *r = PyBytes_FromString(out);
    free(out);
    return r;
}

/* Decode modified UTF-7; None when the text is not valid modified UTF-7. */
static PyObject *mod_utf7_decode(PyObject *mod, PyObject *arg)
{
    PyObject *b = as_cbytes(arg, "folder name");
    if (!b)
        return NULL;
    char *out = NULL;
    int rc = imapclient_utf7_decode(PyBytes_AS_STRING(b), &out);
    Py_DECREF(b);
    if (rc == IMAPCLIENT_ENOMEM)
        return PyErr_NoMemory();
    if (rc)
        Py_RETURN_NONE;
    PyObject *r = PyUnicode_FromString(out);
    free(out);
    return r;
}

static PyObject *mod_parse_datetime(PyObject *mod, PyObject *args)
{
    Py_buffer b;
    int normalise = 1;
    if (!PyArg_ParseTuple(args, "y*|p", &b, &normalise))
        return NULL;
    imapclient_datetime d;
    int rc = imapclient_datetime_parse_internaldate(b.buf, (size_t)b.len, &d);
    PyBuffer_Release(&b);
    if (rc) {
        PyErr_SetString(PyExc_ValueError, "couldn't parse datetime");
        return NULL;
    }
    if (normalise && imapclient_datetime_normalise(&d) != 0) {
        PyErr_SetString(PyExc_ValueError, "datetime out of range");
        return NULL;
    }
    return datetime_to_py(&d);
}

static PyObject *mod_format_internaldate(PyObject *mod, PyObject *arg)
{
    imapclient_datetime d;
    if (datetime_from_py(arg, &d) < 0)
        return NULL;
    char out[32];
    if (imapclient_datetime_format_internaldate(&d, out)) {
        PyErr_SetString(PyExc_ValueError, "datetime out of range");
        return NULL;
    }
    return PyUnicode_FromString(out);
}

static PyObject *mod_format_date(PyObject *mod, PyObject *arg)
{
    imapclient_datetime d;
    if (datetime_from_py(arg, &d) < 0)
        return NULL;
    char out[16];
    if (imapclient_datetime_format_date(&d, out)) {
        PyErr_SetString(PyExc_ValueError, "date out of range");
        return NULL;
    }
    return PyBytes_FromString(out);
}

static PyObject *mod_decode_header(PyObject *mod, PyObject *arg)
{
    Py_buffer b;
    if (PyObject_GetBuffer(arg, &b, PyBUF_SIMPLE) < 0)
        return NULL;
    char *out = NULL;
    int rc = imapclient_decode_header(b.buf, (size_t)b.len, &out);
    PyBuffer_Release(&b);
    if (rc)
        return PyErr_NoMemory();
    PyObject *r = PyUnicode_FromString(out);
    free(out);
    return r;
}

static PyObject *mod_seqset_valid(PyObject *mod, PyObject *arg)
{
    PyObject *b = as_cbytes(arg, "sequence set");
    if (!b)
        return NULL;
    int ok = imapclient_seqset_valid(PyBytes_AS_STRING(b));
    Py_DECREF(b);
    return PyBool_FromLong(ok);
}

static PyObject *mod_library_version(PyObject *mod, PyObject *unused)
{
    return PyUnicode_FromString(imapclient_version());
}

/* Called once by the package: the Python classes this module builds. */
static PyObject *mod_set_types(PyObject *mod, PyObject *args)
{
    PyObject *d;
    if (!PyArg_ParseTuple(args, "O!", &PyDict_Type, &d))
        return NULL;
    struct {
        const char *key;
        PyObject **slot;
    } want[] = {{"IMAPClientError", &S.exc_error},
                {"IMAPClientAbortError", &S.exc_abort},
                {"IMAPClientReadOnlyError", &S.exc_readonly},
                {"CapabilityError", &S.exc_capability},
                {"IllegalStateError", &S.exc_illegal},
                {"InvalidCriteriaError", &S.exc_criteria},
                {"LoginError", &S.exc_login},
                {"ProtocolError", &S.exc_protocol},
                {"InvalidArgumentError", &S.exc_invalid},
                {"timeout", &S.exc_timeout},
                {"gaierror", &S.exc_gaierror},
                {"SSLError", &S.exc_sslerror},
                {"SSLCertVerificationError", &S.exc_certerror},
                {"Envelope", &S.envelope_type},
                {"Address", &S.address_type},
                {"BodyData", &S.bodydata_type},
                {"SearchIds", &S.searchids_type},
                {"FixedOffset", &S.fixed_offset},
                {"SSLContext", &S.sslcontext_type},
                {"Folder", &S.folder_type},
                {"NotifyEvent", &S.event_type},
                {"Response", &S.response_type}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        PyObject *v = PyDict_GetItemString(d, want[i].key);
        if (!v) {
            PyErr_Format(PyExc_KeyError, "_set_types: missing %s", want[i].key);
            return NULL;
        }
        Py_XSETREF(*want[i].slot, Py_NewRef(v));
    }
    S.types_ready = 1;
    Py_RETURN_NONE;
}

static PyMethodDef mod_methods[] = {
    {"connect", (PyCFunction)(void (*)(void))mod_connect, METH_VARARGS | METH_KEYWORDS,
     "connect(host, port, ssl, stream, ...) -> Connection"},
    {"connect_scripted", (PyCFunction)(void (*)(void))mod_connect_scripted,
     METH_VARARGS | METH_KEYWORDS,
     "connect_scripted(script, use_uid=True) -> Connection talking to a script"},
    {"utf7_encode", mod_utf7_encode, METH_O, "modified UTF-7 encode"},
    {"utf7_decode", mod_utf7_decode, METH_O, "modified UTF-7 decode (None if invalid)"},
    {"parse_datetime", mod_parse_datetime, METH_VARARGS, "parse an IMAP date"},
    {"format_internaldate", mod_format_internaldate, METH_O, "datetime -> INTERNALDATE"},
    {"format_date", mod_format_date, METH_O, "date -> b'03-Apr-2005'"},
    {"decode_header", mod_decode_header, METH_O, "RFC 2047 decode -> str"},
    {"seqset_valid", mod_seqset_valid, METH_O, "is this a sequence set"},
    {"quirks_profile", mod_quirks_profile, METH_VARARGS, "a quirks profile as a dict"},
    {"quirks_profile_names", mod_quirks_profile_names, METH_NOARGS,
     "the profiles' names"},
    {"library_version", mod_library_version, METH_NOARGS, "libimapclient's version"},
    {"_set_types", mod_set_types, METH_VARARGS, "internal"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef moddef = {PyModuleDef_HEAD_INIT, "_imapclient",
                                    "libimapclient's C core.", -1, mod_methods};

PyMODINIT_FUNC PyInit__imapclient(void)
{
    PyDateTime_IMPORT;
    if (!PyDateTimeAPI)
        return NULL;
    if (PyType_Ready(&ConnType) < 0 || PyType_Ready(&TlsConfigType) < 0)
        return NULL;
    S.tz_cache = PyDict_New();
    S.key_seq = PyBytes_FromString("SEQ");
    if (!S.tz_cache || !S.key_seq)
        return NULL;
    PyObject *m = PyModule_Create(&moddef);
    if (!m)
        return NULL;
    if (PyModule_AddObjectRef(m, "Connection", (PyObject *)&ConnType) < 0 ||
        PyModule_AddObjectRef(m, "TLSConfig", (PyObject *)&TlsConfigType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
